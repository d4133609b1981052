"""Assessment rounds (考核轮次): who is assessed in a period, and the raters' scores and evidence
(docs/appraisal.md). Computing the result is ``appraisal_results``; sampling is
``appraisal_sampling``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.models import (
    AppraisalEvidence,
    AppraisalNode,
    AppraisalRound,
    AppraisalScore,
    AppraisalSubject,
    AppraisalTemplate,
    Member,
    Organization,
    OrgType,
)
from backend.services import audit, media, policy
from backend.services.actor import Actor
from backend.services.appraisal_scoring import RATER_KINDS, RATER_LABELS
from backend.services.appraisal_templates import points_cp
from backend.services.policy import Action
from backend.services.scope import get_org, path_in_scope
from backend.settings import AppraisalSettings


def create_round(
    session: Session,
    actor: Actor,
    settings: AppraisalSettings,
    *,
    template: AppraisalTemplate,
    org: Organization,
    year: int,
    quarter: int | None,
    title: str,
    levels: Sequence[str] = ("branch",),
    rater_weights: Mapping[str, int] | None = None,
) -> AppraisalRound:
    """A round run by ``org`` over its subtree: for an organization round, the organizations of
    the given levels; for 民主评议党员, every member on its rolls."""
    policy.authorize(actor, Action.APPRAISAL_ROUND)
    org = get_org(session, actor, org.id)
    if quarter is not None and quarter not in (1, 2, 3, 4):
        raise Invalid("季度应为1到4", code="appraisal_quarter")
    if not title.strip() or len(title.strip()) > 100:
        raise Invalid("请填写考核名称（不超过100字）", code="appraisal_title")
    weights = dict(
        rater_weights
        or {
            "self": settings.self_weight,
            "peer": settings.peer_weight,
            "superior": settings.superior_weight,
        }
    )
    if (
        set(weights) != set(RATER_KINDS)
        or any(not isinstance(w, int) or w < 0 for w in weights.values())
        or sum(weights.values()) != 100
    ):
        raise Invalid("自评、互评、上级评价的权重应为非负整数，合计100", code="appraisal_weights")
    rules = {k: v for k, v in asdict(settings).items() if k.endswith(("_min_cp", "_quota_pct"))}
    round_ = AppraisalRound(
        template_id=template.id,
        org_id=org.id,
        kind=template.kind,
        year=year,
        quarter=quarter,
        title=title.strip(),
        rater_weights=weights,
        grade_rules=rules,
        always_check=[],
        created_by=actor.name,
    )
    session.add(round_)
    session.flush()
    subjects = _subjects(session, round_, org, levels)
    if not subjects:
        raise Invalid("本范围内没有可考核的对象", code="appraisal_no_subjects")
    session.add_all(subjects)
    session.flush()
    audit.record(
        session,
        actor,
        "appraisal.round",
        "appraisal_round",
        round_.id,
        after=audit.snapshot(round_) | {"subjects": len(subjects)},
    )
    return round_


def _subjects(
    session: Session, round_: AppraisalRound, org: Organization, levels: Sequence[str]
) -> list[AppraisalSubject]:
    in_tree = Organization.path.startswith(org.path, autoescape=True)
    if round_.kind == "member":
        rows = session.execute(
            select(Member.id, Member.org_id)
            .join(Organization, Member.org_id == Organization.id)
            .where(in_tree, Member.archived.is_(False))
            .order_by(Member.id)
        ).all()
        return [AppraisalSubject(round_id=round_.id, org_id=o, member_id=m) for m, o in rows]
    try:
        types = [OrgType(level) for level in levels]
    except ValueError:
        raise Invalid("考核对象的层级不正确", code="appraisal_levels") from None
    ids = session.scalars(
        select(Organization.id)
        .where(in_tree, Organization.id != org.id, Organization.type.in_(types))
        .order_by(Organization.code)
    ).all()
    return [AppraisalSubject(round_id=round_.id, org_id=i) for i in ids]


def get_round(session: Session, actor: Actor, round_id: int) -> AppraisalRound:
    round_ = session.get(AppraisalRound, round_id)
    if round_ is None or not path_in_scope(actor, round_.org.path):
        raise NotFound("未找到该考核，或不在您的管理范围内", code="appraisal_round_not_found")
    return round_


def get_subject(session: Session, actor: Actor, subject_id: int) -> AppraisalSubject:
    subject = session.get(AppraisalSubject, subject_id)
    if subject is None or not path_in_scope(actor, subject.org.path):
        raise NotFound("未找到该考核对象，或不在您的管理范围内", code="appraisal_subject_not_found")
    return subject


def require_open(round_: AppraisalRound) -> None:
    if round_.state != "open":
        raise Conflict("该考核已计分，不能再修改评分", code="appraisal_closed")


def _leaf(session: Session, round_: AppraisalRound, node_id: int) -> AppraisalNode:
    node = session.get(AppraisalNode, node_id)
    if node is None or node.template_id != round_.template_id or not node.is_leaf:
        raise Invalid("请选择本考核指标体系中的末级指标", code="appraisal_node")
    if node.source:
        raise Invalid(f"“{node.name}”由系统自动计算，不能手工评分", code="appraisal_auto_node")
    return node


def _check_rater(actor: Actor, subject: AppraisalSubject, rater_kind: str) -> None:
    """自评 is entered by the subject organization's own staff, 上级评价 by staff above it;
    互评 by the round's staff on behalf of the named peer (docs/appraisal.md)."""
    if actor.type != "user":
        return
    own_path = subject.org.path
    if rater_kind == "self" and actor.org_path != own_path:
        raise Forbidden("自评须由被考核党组织的工作人员填报", code="appraisal_rater")
    if rater_kind == "superior" and (
        actor.org_path is not None
        and (actor.org_path == own_path or not own_path.startswith(actor.org_path))
    ):
        raise Forbidden("上级评价须由上级党组织的工作人员填报", code="appraisal_rater")


def record_score(
    session: Session,
    actor: Actor,
    subject: AppraisalSubject,
    *,
    node_id: int,
    rater_kind: str,
    points: object,
    rater: str | None = None,
    note: str = "",
) -> AppraisalScore:
    """One rater's score (0–100) of one leaf; the same rater scoring again replaces it."""
    policy.authorize(actor, Action.APPRAISAL_SCORE)
    subject = get_subject(session, actor, subject.id)
    round_ = session.get(AppraisalRound, subject.round_id)
    assert round_ is not None
    require_open(round_)
    if not subject.sampled:
        raise Conflict("该对象本轮未抽中，沿用上期得分", code="appraisal_not_sampled")
    if rater_kind not in RATER_KINDS:
        raise Invalid("评分类别应为自评、互评或上级评价", code="appraisal_rater_kind")
    _check_rater(actor, subject, rater_kind)
    node = _leaf(session, round_, node_id)
    cp = points_cp(points, what=f"“{node.name}”的得分")
    name = (rater or "").strip() or (subject.org.name if rater_kind == "self" else actor.name)
    if rater_kind == "peer" and not (rater or "").strip():
        raise Invalid("互评须写明评价单位或评价人", code="appraisal_rater_name")
    existing = session.scalar(
        select(AppraisalScore).where(
            AppraisalScore.subject_id == subject.id,
            AppraisalScore.node_id == node.id,
            AppraisalScore.rater_kind == rater_kind,
            AppraisalScore.rater == name[:100],
        )
    )
    before = audit.snapshot(existing) if existing else None
    score = existing or AppraisalScore(
        subject_id=subject.id, node_id=node.id, rater_kind=rater_kind, rater=name[:100]
    )
    score.points_cp, score.note, score.created_by = cp, note.strip()[:300], actor.name
    session.add(score)
    session.flush()
    audit.record(
        session,
        actor,
        f"appraisal.score.{rater_kind}",
        "appraisal_score",
        score.id,
        before=before,
        after=audit.snapshot(score) | {"label": RATER_LABELS[rater_kind]},
    )
    return score


def add_evidence(
    session: Session,
    actor: Actor,
    subject: AppraisalSubject,
    *,
    node_id: int,
    file: media.NewMedia,
    note: str = "",
) -> AppraisalEvidence:
    """A file backing the self-assessment of a leaf (an image or an attachment, checked by
    ``media``)."""
    policy.authorize(actor, Action.APPRAISAL_SCORE)
    subject = get_subject(session, actor, subject.id)
    round_ = session.get(AppraisalRound, subject.round_id)
    assert round_ is not None
    require_open(round_)
    _check_rater(actor, subject, "self")
    node = session.get(AppraisalNode, node_id)
    if node is None or node.template_id != round_.template_id or not node.is_leaf:
        raise Invalid("请选择本考核指标体系中的末级指标", code="appraisal_node")
    stored = media.store(session, file)
    evidence = AppraisalEvidence(
        subject_id=subject.id,
        node_id=node.id,
        media_id=stored.id,
        note=note.strip()[:300],
        created_by=actor.name,
    )
    session.add(evidence)
    session.flush()
    audit.record(
        session,
        actor,
        "appraisal.evidence",
        "appraisal_evidence",
        evidence.id,
        after=audit.snapshot(evidence) | {"file": media.describe(stored)},
    )
    return evidence


def evidence_of(session: Session, subject: AppraisalSubject) -> list[AppraisalEvidence]:
    return list(
        session.scalars(
            select(AppraisalEvidence)
            .where(AppraisalEvidence.subject_id == subject.id)
            .order_by(AppraisalEvidence.id)
        )
    )
