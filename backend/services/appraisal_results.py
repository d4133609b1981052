"""Scoring a round: automatic indicators filled in, raters' scores combined, additions and
deductions applied within their caps, then ranking and grades under the quota
(docs/appraisal.md). The arithmetic itself is ``appraisal_scoring``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import (
    AppraisalAdjustment,
    AppraisalAutoValue,
    AppraisalRound,
    AppraisalScore,
    AppraisalSubject,
    Organization,
    utcnow,
)
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.appraisal_indicators import REGISTRY, Context, Period
from backend.services.appraisal_publish import subject_name
from backend.services.appraisal_rounds import get_subject
from backend.services.appraisal_scoring import (
    GradeRules,
    indicator_score,
    leaf_shares,
    rank_and_grade,
    rater_average,
    to_cp,
    with_adjustments,
)
from backend.services.appraisal_templates import nodes_of, points_cp
from backend.services.policy import Action
from backend.settings import AppraisalSettings, MeetingSettings


@dataclass(frozen=True)
class Outcome:
    scored: int
    carried: int
    excellent: int


def score_round(
    session: Session,
    actor: Actor,
    settings: AppraisalSettings,
    round_: AppraisalRound,
    meetings: MeetingSettings | None = None,
) -> Outcome:
    """(Re)compute every subject's result. Refused once published, and while a checked subject
    still lacks a score on a leaf that people score."""
    policy.authorize(actor, Action.APPRAISAL_ROUND)
    if round_.state == "published":
        raise Conflict("考核结果已公布，不能重新计分", code="appraisal_published")
    template = round_.template
    nodes = nodes_of(session, template)
    leaves = leaf_shares(nodes)
    names = {n.id: n.name for n in nodes}
    subjects = list(
        session.scalars(select(AppraisalSubject).where(AppraisalSubject.round_id == round_.id))
    )
    checked = [s for s in subjects if s.sampled]
    points: dict[int, dict[int, Fraction | None]] = {s.id: {} for s in checked}
    _fill_automatic(session, settings, round_, leaves, checked, points, meetings)
    _fill_rated(session, round_, leaves, checked, points, names)
    adjustments: dict[int, list[int]] = defaultdict(list)
    for subject_id, cp in session.execute(
        select(AppraisalAdjustment.subject_id, AppraisalAdjustment.points_cp)
        .join(AppraisalSubject)
        .where(AppraisalSubject.round_id == round_.id)
    ):
        adjustments[subject_id].append(cp)
    carried = {
        s.id: session.get(AppraisalSubject, s.carried_from_id)
        for s in subjects
        if not s.sampled and s.carried_from_id
    }
    results: dict[int, tuple[int | None, int]] = {}
    for subject in subjects:
        if subject.sampled:
            base = indicator_score(leaves, points[subject.id])
            final = with_adjustments(
                base,
                adjustments[subject.id],
                bonus_cap_cp=template.bonus_cap_cp,
                deduction_cap_cp=template.deduction_cap_cp,
            )
            results[subject.id] = (to_cp(base), to_cp(final))
        else:
            source = carried[subject.id]
            assert source is not None and source.score_cp is not None
            results[subject.id] = (source.indicator_cp, source.score_cp)
    graded = rank_and_grade(
        [(sid, cp) for sid, (_, cp) in results.items()], GradeRules.from_dict(round_.grade_rules)
    )
    if results:
        table = AppraisalSubject.metadata.tables[AppraisalSubject.__tablename__]
        session.execute(
            update(table)
            .where(table.c.id == bindparam("sid"))
            .values(
                indicator_cp=bindparam("base"),
                score_cp=bindparam("final"),
                rank=bindparam("rank"),
                grade=bindparam("grade"),
            ),
            [
                {
                    "sid": sid,
                    "base": base,
                    "final": final,
                    "rank": graded[sid][0],
                    "grade": graded[sid][1],
                }
                for sid, (base, final) in results.items()
            ],
        )
    round_.state, round_.scored_at = "scored", utcnow()
    outcome = Outcome(
        scored=len(checked),
        carried=len(subjects) - len(checked),
        excellent=sum(1 for _, g in graded.values() if g == "优秀"),
    )
    session.flush()
    session.expire_all()
    audit.record(
        session,
        actor,
        "appraisal.score_round",
        "appraisal_round",
        round_.id,
        after={
            "scored": outcome.scored,
            "carried": outcome.carried,
            "excellent": outcome.excellent,
        },
    )
    return outcome


def _fill_automatic(
    session: Session,
    settings: AppraisalSettings,
    round_: AppraisalRound,
    leaves: list,
    checked: list[AppraisalSubject],
    points: dict[int, dict[int, Fraction | None]],
    meetings: MeetingSettings | None,
) -> None:
    sources = [leaf for leaf in leaves if leaf.source]
    session.execute(
        delete(AppraisalAutoValue).where(
            AppraisalAutoValue.subject_id.in_(
                select(AppraisalSubject.id).where(AppraisalSubject.round_id == round_.id)
            )
        )
    )
    if not sources or not checked:
        return
    orgs = {
        o.id: o
        for o in session.scalars(
            select(Organization).where(Organization.id.in_({s.org_id for s in checked}))
        )
    }
    by_org = {s.org_id: s.id for s in checked}
    period = Period(round_.year, round_.quarter)
    ctx = Context(session, period, settings, round_.id, by_org, meetings or MeetingSettings())
    rows = []
    for leaf in sources:
        measures = REGISTRY[leaf.source].compute(ctx, [orgs[s.org_id] for s in checked])
        for subject in checked:
            measure = measures[subject.org_id]
            points[subject.id][leaf.node_id] = measure.points
            rows.append(
                {
                    "subject_id": subject.id,
                    "node_id": leaf.node_id,
                    "points_cp": None if measure.points is None else to_cp(measure.points),
                    "formula": measure.formula[:500],
                    "figures": measure.figures,
                    "computed_at": utcnow(),
                }
            )
    session.execute(
        insert(AppraisalAutoValue.metadata.tables[AppraisalAutoValue.__tablename__]), rows
    )


def _fill_rated(
    session: Session,
    round_: AppraisalRound,
    leaves: list,
    checked: list[AppraisalSubject],
    points: dict[int, dict[int, Fraction | None]],
    names: dict[int, str],
) -> None:
    scores: dict[tuple[int, int], dict[str, tuple[int, int]]] = defaultdict(dict)
    for subject_id, node_id, kind, total, count in session.execute(
        select(
            AppraisalScore.subject_id,
            AppraisalScore.node_id,
            AppraisalScore.rater_kind,
            func.sum(AppraisalScore.points_cp),
            func.count(),
        )
        .join(AppraisalSubject)
        .where(AppraisalSubject.round_id == round_.id)
        .group_by(AppraisalScore.subject_id, AppraisalScore.node_id, AppraisalScore.rater_kind)
    ):
        scores[(subject_id, node_id)][kind] = (int(total), count)
    missing = []
    for subject in checked:
        for leaf in leaves:
            if leaf.source:
                continue
            value = rater_average(scores.get((subject.id, leaf.node_id), {}), round_.rater_weights)
            if value is None:
                missing.append(f"{subject_name(subject)}（{names[leaf.node_id]}）")
            points[subject.id][leaf.node_id] = value
    if missing:
        more = f"等{len(missing)}项" if len(missing) > 3 else ""
        raise Invalid(
            "以下指标尚未评分：" + "、".join(missing[:3]) + more, code="appraisal_unscored"
        )


def add_adjustment(
    session: Session,
    actor: Actor,
    settings: AppraisalSettings,
    subject: AppraisalSubject,
    *,
    points: object,
    reason: str,
) -> AppraisalAdjustment:
    """An addition (positive) or deduction (negative) with its reason; a scored round is
    scored again at once, so the ranking always reflects it."""
    policy.authorize(actor, Action.APPRAISAL_ADJUST)
    subject = get_subject(session, actor, subject.id)
    round_ = session.get(AppraisalRound, subject.round_id)
    assert round_ is not None
    if round_.state == "published":
        raise Conflict("考核结果已公布，不能再加减分", code="appraisal_published")
    if not subject.sampled:
        raise Conflict("该对象本轮未抽中，沿用上期得分", code="appraisal_not_sampled")
    reason = reason.strip()
    if len(reason) < 4 or len(reason) > 300:
        raise Invalid("加减分须写明理由（4到300字）", code="appraisal_reason")
    cp = points_cp(points, what="加减分", low=-10_000, high=10_000)
    if cp == 0:
        raise Invalid("加减分不能为0", code="appraisal_points")
    before = {"score_cp": subject.score_cp, "grade": subject.grade}
    adjustment = AppraisalAdjustment(
        subject_id=subject.id, points_cp=cp, reason=reason, created_by=actor.name
    )
    session.add(adjustment)
    session.flush()
    if round_.state == "scored":
        score_round(session, actor, settings, round_)
        session.refresh(subject)
    audit.record(
        session,
        actor,
        "appraisal.adjust",
        "appraisal_subject",
        subject.id,
        before=before,
        after=audit.snapshot(adjustment) | {"score_cp": subject.score_cp, "grade": subject.grade},
    )
    return adjustment
