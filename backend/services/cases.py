"""Member cases (党员诉求): acceptance, numbering, deadlines and scope (docs/cases.md).

A case is accepted at the counter (``accept`` / ``accept_join``) or by the member at the kiosk
(``cases_kiosk``); the later steps — route, reply, close — are in ``cases_flow``. Every case
gets a gap-free number of its year (``SL202600001``, ``services.sequences``) and a due day:
the acceptance day plus the days its type allows (``CaseSettings``); a 转正 application is due
at the end of the member's probation (``services.probation``) when that is later.

Staff see a case when its own organization or the organization it was routed to lies in their
subtree; outside it a case looks exactly like one that does not exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session, aliased

from backend.errors import Invalid, NotFound
from backend.models import (
    Case,
    CaseChannel,
    CaseSequence,
    CaseState,
    CaseStep,
    CaseType,
    Member,
    MemberStatus,
    Organization,
    OrgType,
    TalkWith,
)
from backend.services import audit, policy, probation, sequences
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.scope import get_member, get_org, path_in_scope
from backend.settings import CaseSettings

OPEN_STATES = (CaseState.ACCEPTED, CaseState.ROUTED, CaseState.REPLIED)
WAITING_STATES = (CaseState.ACCEPTED, CaseState.ROUTED)  # nobody has answered yet
DETAIL_LIMIT = 300


def parse_type(value: CaseType | str) -> CaseType:
    try:
        return CaseType(value)
    except ValueError:
        raise Invalid("请选择事项类型", code="case_type") from None


def parse_talk_with(value: TalkWith | str | None) -> TalkWith:
    try:
        return TalkWith(value or "")
    except ValueError:
        raise Invalid("请选择约谈对象", code="talk_with") from None


def clean_text(value: str | None, what: str, limit: int, *, required: bool = False) -> str:
    value = (value or "").strip()
    if required and not value:
        raise Invalid(f"请填写{what}", code="text_missing")
    if len(value) > limit:
        raise Invalid(f"{what}不能超过{limit}个字", code="text_too_long")
    return value


def due_day(
    settings: CaseSettings, case_type: CaseType, accepted_on: date, member: Member | None
) -> date:
    """By when the case should be answered (see the module docstring)."""
    due = accepted_on + timedelta(days=settings.days_for(case_type.value))
    if case_type is CaseType.CONVERSION and member is not None:
        period = probation.probation_period(member)
        if period is not None:
            due = max(due, period[1])
    return due


def conversion_due(member: Member) -> date:
    """The day a probationary member's 转正 falls due; refuses a full member."""
    period = probation.probation_period(member)
    if period is None:
        raise Invalid("只有预备党员可以提交转正申请", code="not_probationary")
    return period[1]


def create(
    session: Session,
    actor: Actor,
    settings: CaseSettings,
    *,
    case_type: CaseType,
    channel: CaseChannel,
    org: Organization,
    today: date,
    topic: str,
    detail: str = "",
    member: Member | None = None,
    applicant_name: str = "",
    applicant_phone: str | None = None,
    talk_with: TalkWith | None = None,
) -> Case:
    """Number, store and audit a new case (callers check who may do this)."""
    if case_type is CaseType.CONVERSION:
        if member is None:
            raise Invalid("转正申请须由本人（党员）提交", code="not_probationary")
        conversion_due(member)
    if case_type is CaseType.TALK and talk_with is None:
        raise Invalid("请选择约谈对象", code="talk_with")
    seq = sequences.take(session, CaseSequence, today.year)
    case = Case(
        year=today.year,
        seq=seq,
        case_type=case_type,
        state=CaseState.ACCEPTED,
        channel=channel,
        member_id=member.id if member is not None else None,
        org_id=org.id,
        applicant_name=member.name if member is not None else applicant_name,
        applicant_phone=member.phone if member is not None else applicant_phone,
        topic=clean_text(topic, "事由", 40, required=True),
        detail=clean_text(detail, "说明", DETAIL_LIMIT),
        accepted_on=today,
        due_on=due_day(settings, case_type, today, member),
        created_by=actor.name,
        talk_with=talk_with if case_type is CaseType.TALK else None,
    )
    case.org = org
    session.add(case)
    session.flush()
    add_step(session, actor, case, "accept", f"{channel.label}受理：{case.topic}")
    audit.record(session, actor, "case.accept", "case", case.id, after=image(case))
    return case


def accept(
    session: Session,
    actor: Actor,
    settings: CaseSettings,
    member_id: int,
    *,
    case_type: CaseType | str,
    today: date,
    topic: str,
    detail: str = "",
    talk_with: TalkWith | str | None = None,
) -> Case:
    """Accept a member's case at the counter; the form is the member's record."""
    policy.authorize(actor, Action.CASE_ACCEPT)
    kind = parse_type(case_type)
    if kind is CaseType.JOIN:
        raise Invalid("入党申请人还不是党员，请用“入党申请”登记", code="case_type")
    member = get_member(session, actor, member_id)
    if member.archived:
        raise Invalid("该党员已不在党员库中", code="member_archived")
    return create(
        session,
        actor,
        settings,
        case_type=kind,
        channel=CaseChannel.COUNTER,
        org=member.org,
        today=today,
        topic=topic,
        detail=detail,
        member=member,
        talk_with=parse_talk_with(talk_with) if kind is CaseType.TALK else None,
    )


def accept_join(
    session: Session,
    actor: Actor,
    settings: CaseSettings,
    *,
    branch_id: int,
    name: str,
    phone: str,
    today: date,
    topic: str = "递交入党申请书",
    detail: str = "",
) -> Case:
    """Receive an application to join (入党申请) for the branch the applicant names."""
    policy.authorize(actor, Action.CASE_ACCEPT)
    branch = get_org(session, actor, branch_id)
    if branch.type is not OrgType.BRANCH or not branch.active:
        raise Invalid("入党申请须交到一个党支部", code="not_a_branch")
    return create(
        session,
        actor,
        settings,
        case_type=CaseType.JOIN,
        channel=CaseChannel.COUNTER,
        org=branch,
        today=today,
        topic=topic,
        detail=detail,
        applicant_name=clean_text(name, "申请人姓名", 50, required=True),
        applicant_phone=clean_text(phone, "联系电话", 20, required=True),
    )


def add_step(session: Session, actor: Actor, case: Case, step: str, note: str) -> None:
    case.steps.append(CaseStep(step=step, note=note[:500], recorded_by=actor.name))


def image(case: Case) -> dict[str, Any]:
    """What the audit keeps of a case (personal fields are masked by ``audit_privacy``)."""
    return {
        "number": case.number,
        "type": case.case_type.value,
        "state": case.state.value,
        "member_id": case.member_id,
        "org_id": case.org_id,
        "routed_org_id": case.routed_org_id,
        "routed_partner": case.routed_partner,
        "routed_person": case.routed_person,
        "due_on": case.due_on.isoformat(),
    }


# --- scope ---------------------------------------------------------------------------------

_routed = aliased(Organization, name="routed_org")


def in_scope(actor: Actor, stmt: Select) -> Select:
    """Limit a query over ``Case`` (joining ``Organization`` as the case's own organization)
    to the cases the actor sees."""
    stmt = stmt.join(Organization, Organization.id == Case.org_id).outerjoin(
        _routed, _routed.id == Case.routed_org_id
    )
    if actor.org_path is None:
        return stmt
    return stmt.where(
        or_(
            Organization.path.startswith(actor.org_path, autoescape=True),
            _routed.path.startswith(actor.org_path, autoescape=True),
        )
    )


def visible(actor: Actor, case: Case) -> bool:
    if path_in_scope(actor, case.org.path):
        return True
    return case.routed_org is not None and path_in_scope(actor, case.routed_org.path)


def get_case(session: Session, actor: Actor, case_id: int) -> Case:
    case = session.get(Case, case_id)
    if case is None or not visible(actor, case):
        raise NotFound("未找到该事项，或不在您的管理范围内", code="case_not_found")
    return case


def query(
    actor: Actor,
    *,
    types: Iterable[CaseType] | None = None,
    states: Iterable[CaseState] | None = None,
    org_path: str | None = None,
    overdue_on: date | None = None,
) -> Select:
    """Cases the actor sees, optionally of some types/states, under one organization, or
    waiting past their due day on ``overdue_on``."""
    stmt = in_scope(actor, select(Case))
    if types:
        stmt = stmt.where(Case.case_type.in_(list(types)))
    if states:
        stmt = stmt.where(Case.state.in_(list(states)))
    if org_path:
        stmt = stmt.where(
            or_(
                Organization.path.startswith(org_path, autoescape=True),
                _routed.path.startswith(org_path, autoescape=True),
            )
        )
    if overdue_on is not None:
        stmt = stmt.where(Case.state.in_(WAITING_STATES), Case.due_on < overdue_on)
    return stmt


def member_prefill(member: Member) -> dict[str, str]:
    """The acceptance form's member block, from the member's record."""
    period = probation.probation_period(member)
    return {
        "姓名": member.name,
        "卡号": member.card_no or "",
        "所在组织": member.org.name,
        "党员状态": "预备党员" if member.status is MemberStatus.PROBATIONARY else "正式党员",
        "入党日期": member.joined_date.isoformat(),
        "联系电话": member.phone or "",
        "预备期满": period[1].isoformat() if period else "",
        "困难情况": member.hardship_note or ("困难党员" if member.hardship else ""),
    }
