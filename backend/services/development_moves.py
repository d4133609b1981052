"""The moves of a development case from stage to stage (docs/member-development.md).

The 公示 before admission and before conversion are started in ``development_notices``.
A move that breaks a rule is refused with the rule named (``development_rules``). Branch staff
make the branch's moves (``Action.DEVELOPMENT_EDIT``); admitting a probationary member and
converting one to full membership are the 党委's approvals (``Action.DEVELOPMENT_APPROVE``).
Admission creates the member record; conversion updates the member's status — each in the same
transaction as the case and with its audit rows.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import (
    DevelopmentCase,
    DevStage,
    DuesCategory,
    Member,
    MemberStatus,
)
from backend.services import audit, hall_clock, members, policy
from backend.services import development as dev
from backend.services import development_rules as rules
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.probation import probation_period


def _require_materials(case: DevelopmentCase) -> None:
    missing = rules.missing_materials(case.stage, case.materials or {})
    if missing:
        raise Invalid(
            f"{case.stage.label}阶段的材料不全：{'、'.join(missing)}", code="materials_missing"
        )


def _require_stage(case: DevelopmentCase, stage: DevStage, doing: str) -> None:
    if case.stage is not stage:
        raise Conflict(f"该记录当前为“{case.stage.label}”，不能{doing}", code="case_stage")


def _require_notice(session: Session, case: DevelopmentCase, column: str) -> None:
    if dev.facts(session, case)[column.replace("_id", "_on")] is None:
        raise Invalid("须先经公示（公示内容审核发布后）", code="notice_missing")


def advance(
    session: Session,
    actor: Actor,
    case: DevelopmentCase,
    on: date,
    *,
    today: date | None = None,
) -> DevelopmentCase:
    """入党申请人 → 入党积极分子, or 入党积极分子 → 发展对象 (the branch committee's decisions)."""
    policy.authorize(actor, Action.DEVELOPMENT_EDIT)
    if case.stage not in (DevStage.APPLICANT, DevStage.ACTIVIST):
        raise Conflict(
            f"该记录当前为“{case.stage.label}”，接收预备党员和转正须由党委审批", code="case_stage"
        )
    to = rules.NEXT_STAGE[case.stage]
    field = rules.STAGE_DATE[to]
    previous = getattr(case, rules.STAGE_DATE[case.stage])
    dev.check_day(on, today or hall_clock.today(), not_before=previous, what="日期")
    if to is DevStage.ACTIVIST and case.talked_on is None:
        raise Invalid("须先登记入党谈话", code="talk_missing")
    if to is DevStage.TARGET and len(case.contact_ids or []) < min(rules.CONTACTS):
        raise Invalid("须先指定培养联系人", code="contacts_missing")
    _require_materials(case)
    rules.check_time_rules(dev.facts(session, case) | {field: on}, field)
    return dev._change(session, actor, case, f"development.{to.value}", stage=to, **{field: on})


def record_branch_resolution(
    session: Session,
    actor: Actor,
    case: DevelopmentCase,
    on: date,
    *,
    today: date | None = None,
) -> DevelopmentCase:
    """支部大会 votes to admit the development target; the 党委 approves next."""
    policy.authorize(actor, Action.DEVELOPMENT_EDIT)
    _require_stage(case, DevStage.TARGET, "登记支部大会决议")
    dev.check_day(on, today or hall_clock.today(), not_before=case.target_on, what="支部大会日期")
    if len(case.sponsor_ids or []) != rules.SPONSORS:
        raise Invalid("须有两名正式党员作入党介绍人", code="sponsors_missing")
    _require_materials(case)
    _require_notice(session, case, rules.NOTICE_BEFORE[DevStage.PROBATIONARY])
    rules.check_time_rules(dev.facts(session, case) | {"admitted_on": on}, "admitted_on")
    return dev._change(session, actor, case, "development.resolution", admitted_on=on)


def approve_admission(
    session: Session,
    actor: Actor,
    case: DevelopmentCase,
    on: date,
    *,
    dues_category: DuesCategory | str = DuesCategory.EMPLOYED,
    card_no_digits: int = 5,
    today: date | None = None,
) -> DevelopmentCase:
    """The 党委 approves: the person becomes a probationary member of the branch from the day of
    the branch meeting. The member record is created unless the person already has one."""
    policy.authorize(actor, Action.DEVELOPMENT_APPROVE)
    _require_stage(case, DevStage.TARGET, "审批接收为预备党员")
    if case.admitted_on is None:
        raise Invalid("须先登记支部大会接收预备党员的决议", code="resolution_missing")
    today = today or hall_clock.today()
    dev.check_day(on, today, not_before=case.admitted_on, what="审批日期")
    member = session.scalar(
        select(Member).where(Member.id_number == case.id_number, Member.archived.is_(False))
    )
    if member is None:
        data = members.MemberData(
            name=case.name,
            id_number=case.id_number,
            joined_date=case.admitted_on,
            status=MemberStatus.PROBATIONARY,
            education=case.education,
            phone=case.phone,
            dues_category=dues_category,
            extra={},
        )
        member = members.create_member(
            session,
            actor,
            data,
            case.org,
            card_no_digits=card_no_digits,
            since=case.admitted_on,
            reason="发展入党",
            today=today,
        )
    return dev._change(
        session,
        actor,
        case,
        "development.probationary",
        stage=DevStage.PROBATIONARY,
        approved_on=on,
        member_id=member.id,
    )


def convert(
    session: Session,
    actor: Actor,
    case: DevelopmentCase,
    on: date,
    *,
    extended_end: date | None = None,
    today: date | None = None,
) -> DevelopmentCase:
    """The 党委 approves full membership on ``on``; full membership counts from the end of the
    probation (one year, or the extended end). The member's status changes with its audit row."""
    policy.authorize(actor, Action.DEVELOPMENT_APPROVE)
    _require_stage(case, DevStage.PROBATIONARY, "转为正式党员")
    member = session.scalar(select(Member).where(Member.id == case.member_id).with_for_update())
    if member is None or member.archived:
        raise Conflict("该预备党员已不在册，不能办理转正", code="member_missing")
    if member.status is not MemberStatus.PROBATIONARY:
        raise Conflict(f"{member.name}已是正式党员", code="already_full")
    period = probation_period(member, extended_end or case.probation_end)
    assert period is not None
    end = period[1]
    dev.check_day(on, today or hall_clock.today(), not_before=case.approved_on, what="审批日期")
    _require_materials(case)
    _require_notice(session, case, rules.NOTICE_BEFORE[DevStage.FULL])
    facts = dev.facts(session, case) | {"probation_end": end, "full_approved_on": on}
    rules.check_time_rules(facts, "full_approved_on")
    before = audit.snapshot(member)
    member.status = MemberStatus.FULL
    member.full_member_date = end
    session.flush()
    audit.record(
        session,
        actor,
        "member.convert",
        "member",
        member.id,
        before={k: before[k] for k in ("status", "full_member_date")},
        after={"status": member.status.value, "full_member_date": end},
    )
    return dev._change(
        session,
        actor,
        case,
        "development.full",
        stage=DevStage.FULL,
        probation_end=end,
        full_on=end,
        full_approved_on=on,
    )


def extend_probation(
    session: Session, actor: Actor, case: DevelopmentCase, new_end: date
) -> DevelopmentCase:
    """The 党委 approves the branch's decision to extend a probation (once, by at most a year);
    the conversion then falls due at ``new_end``."""
    policy.authorize(actor, Action.DEVELOPMENT_APPROVE)
    _require_stage(case, DevStage.PROBATIONARY, "延长预备期")
    member = session.get(Member, case.member_id) if case.member_id else None
    if member is None or member.status is not MemberStatus.PROBATIONARY:
        raise Conflict("该记录没有在册的预备党员", code="member_missing")
    if case.probation_end is not None:
        raise Conflict("预备期只能延长一次", code="probation_extended")
    period = probation_period(member, new_end)
    assert period is not None
    if period[1] == dev.probation_end(case):
        raise Invalid("延长后的预备期满日期须晚于原期满日期", code="probation_end")
    return dev._change(session, actor, case, "development.extend", probation_end=period[1])


def stop_case(
    session: Session,
    actor: Actor,
    case: DevelopmentCase,
    on: date,
    reason: str,
    *,
    today: date | None = None,
) -> DevelopmentCase:
    """End a case before admission (the application withdrawn, or the branch decides not to
    develop the person further); its deadlines leave the warnings."""
    policy.authorize(actor, Action.DEVELOPMENT_EDIT)
    if case.stage not in (DevStage.APPLICANT, DevStage.ACTIVIST, DevStage.TARGET):
        raise Conflict(
            f"该记录当前为“{case.stage.label}”，预备党员不能终止发展（请按预备党员的规定处理）",
            code="case_stage",
        )
    text = (reason or "").strip()
    if not text or len(text) > 200:
        raise Invalid("请写明终止原因（不超过200字）", code="reason_missing")
    dev.check_day(on, today or hall_clock.today(), not_before=case.applied_on, what="终止日期")
    return dev._change(
        session,
        actor,
        case,
        "development.stop",
        stage=DevStage.STOPPED,
        stopped_on=on,
        stop_reason=text,
    )
