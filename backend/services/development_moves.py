"""The moves of a development case from stage to stage, and the 公示 before admission and
before full membership (docs/member-development.md).

A move that breaks a rule is refused with the rule named (``development_rules``). Branch staff
make the branch's moves (``Action.DEVELOPMENT_EDIT``); admitting a probationary member and
converting one to full membership are the 党委's approvals (``Action.DEVELOPMENT_APPROVE``).
Admission creates the member record; conversion updates the member's status — each in the same
transaction as the case and with its audit rows.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import (
    DevelopmentCase,
    DevStage,
    DisclosureCategory,
    DisclosureDocument,
    DisclosureStatus,
    DuesCategory,
    Member,
    MemberStatus,
)
from backend.services import audit, disclosure, disclosure_workflow, hall_clock, members, policy
from backend.services import development as dev
from backend.services import development_rules as rules
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.probation import probation_period

NOTICE_CATEGORY = "recruitment"  # 发展党员公示 (disclosure_categories.DEFAULT_CATEGORIES)
NOTICE_DAYS_SHOWN = 30


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


def _notice_text(session: Session, case: DevelopmentCase, converting: bool) -> tuple[str, str]:
    """The 公示's title and body: who, which branch, the dates, the people responsible — no
    ID number and no phone."""
    sex = "男" if case.sex == "M" else "女"
    lines = [
        f"姓名：{case.name}，性别：{sex}，出生年月：{case.birth_date.year}年{case.birth_date.month}月",
        f"学历：{case.education or '—'}；工作单位：{case.work_unit or '—'}",
        f"所在党支部：{case.org.name}",
        f"递交入党申请书：{case.applied_on.isoformat()}",
    ]
    if case.activist_on:
        lines.append(f"确定为入党积极分子：{case.activist_on.isoformat()}")
    if case.target_on:
        lines.append(f"列为发展对象：{case.target_on.isoformat()}")
    sponsors = "、".join(dev.people_names(session, case.sponsor_ids or []))
    if converting:
        lines.append(f"接收为预备党员：{(case.admitted_on or case.approved_on)}")
        title = f"预备党员转正公示：{case.name}"
        ask = "拟按期转为正式党员"
    else:
        lines.append(f"入党介绍人：{sponsors or '—'}")
        title = f"发展党员公示：{case.name}"
        ask = "拟接收为预备党员"
    body = "\n\n".join(
        [
            f"{case.org.name}{ask}，现予公示。",
            *lines,
            "公示期间如有意见，请向党支部或上级党委反映。",
        ]
    )
    return title, body


def open_notice(
    session: Session,
    actor: Actor,
    case: DevelopmentCase,
    *,
    on: date | None = None,
) -> DisclosureDocument:
    """Draft the 公示 in the 发展党员公示 category and send it to the secrecy review; another
    person reviews and publishes it through the disclosure workflow. The 公示 period counts
    from its 发布日期 ``on``."""
    policy.authorize(actor, Action.DEVELOPMENT_EDIT)
    if case.stage not in (DevStage.TARGET, DevStage.PROBATIONARY):
        raise Conflict("只有发展对象和预备党员需要公示", code="case_stage")
    converting = case.stage is DevStage.PROBATIONARY
    column = rules.NOTICE_BEFORE[rules.NEXT_STAGE[case.stage]]
    current = getattr(case, column)
    if current is not None:
        doc = session.get(DisclosureDocument, current)
        if doc is not None and doc.status is not DisclosureStatus.WITHDRAWN:
            raise Conflict(f"公示已发起（{doc.status.label}）", code="notice_exists")
    category = session.scalar(
        select(DisclosureCategory).where(DisclosureCategory.code == NOTICE_CATEGORY)
    )
    if category is None or not category.active:
        raise Invalid("请先由管理员设置“发展党员公示”栏目", code="category_missing")
    day = on or hall_clock.today()
    title, body = _notice_text(session, case, converting)
    doc = disclosure.create_document(
        session,
        actor,
        org=case.org,
        category=category,
        title=title,
        body_md=body,
        publish_on=day,
        expires_on=day + timedelta(days=NOTICE_DAYS_SHOWN),
    )
    disclosure_workflow.submit_review(session, actor, doc)
    dev._change(session, actor, case, "development.notice", **{column: doc.id})
    return doc
