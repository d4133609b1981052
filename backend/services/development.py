"""Member development (发展党员) cases: opening a case, the records kept along the way (the
talk, 思想汇报, materials, 培养联系人 and 入党介绍人) and the facts the rules are checked on.

The moves between stages are in ``development_moves``; the rules themselves (time spans,
materials) are data in ``development_rules``. Every change is authorized
(``Action.DEVELOPMENT_EDIT``), limited to the actor's subtree and audited in the same
transaction. See docs/member-development.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import (
    DevelopmentCase,
    DevStage,
    DisclosureDocument,
    DisclosureStatus,
    Member,
    MemberStatus,
    Organization,
    OrgType,
)
from backend.services import audit, hall_clock, policy
from backend.services import development_rules as rules
from backend.services.actor import Actor
from backend.services.idnumber import normalize_mobile, parse_id_number
from backend.services.members import EDUCATION_LEVELS
from backend.services.policy import Action
from backend.services.probation import PROBATION_YEARS, add_years
from backend.services.scope import get_org, org_in_scope, path_in_scope

#: Stages of a case still under way (not admitted to full membership, not stopped).
OPEN_STAGES = (DevStage.APPLICANT, DevStage.ACTIVIST, DevStage.TARGET, DevStage.PROBATIONARY)
#: Stages in which 思想汇报 are received.
REPORT_STAGES = (DevStage.ACTIVIST, DevStage.TARGET, DevStage.PROBATIONARY)


@dataclass(frozen=True)
class NewCase:
    org_id: int
    name: str
    id_number: str
    applied_on: date
    phone: str | None = None
    education: str | None = None
    work_unit: str | None = None


def cases_query(actor: Actor, stage: DevStage | None = None) -> Select:
    stmt = (
        select(DevelopmentCase)
        .join(Organization, Organization.id == DevelopmentCase.org_id)
        .where(org_in_scope(actor))
    )
    if stage is not None:
        stmt = stmt.where(DevelopmentCase.stage == stage)
    return stmt.order_by(Organization.code, DevelopmentCase.applied_on, DevelopmentCase.id)


def get_case(
    session: Session, actor: Actor, case_id: int, *, lock: bool = False
) -> DevelopmentCase:
    """The case, if the actor may see it; out of scope looks exactly like not found."""
    stmt = select(DevelopmentCase).where(DevelopmentCase.id == case_id)
    case = session.scalar(stmt.with_for_update() if lock else stmt)
    if case is None or not path_in_scope(actor, case.org.path):
        raise NotFound("未找到该发展党员记录，或不在您的管理范围内", code="case_not_found")
    return case


def _notice_day(session: Session, notice_id: int | None) -> date | None:
    """The first day of a published 公示 (its 发布日期); ``None`` until it is published."""
    if notice_id is None:
        return None
    doc = session.get(DisclosureDocument, notice_id)
    if doc is None or doc.status is not DisclosureStatus.PUBLISHED:
        return None
    return doc.publish_on


def probation_end(case: DevelopmentCase) -> date | None:
    if case.probation_end is not None:
        return case.probation_end
    return None if case.admitted_on is None else add_years(case.admitted_on, PROBATION_YEARS)


def facts(session: Session, case: DevelopmentCase) -> dict[str, date | None]:
    """The dates the rules in ``development_rules.TIME_RULES`` speak of."""
    reports = sorted(date.fromisoformat(d) for d in case.reports or [])
    return {
        "birth_date": case.birth_date,
        "applied_on": case.applied_on,
        "talked_on": case.talked_on,
        "activist_on": case.activist_on,
        "target_on": case.target_on,
        "admitted_on": case.admitted_on,
        "approved_on": case.approved_on,
        "full_on": case.full_on,
        "full_approved_on": case.full_approved_on,
        "probation_end": probation_end(case),
        "last_report_on": reports[-1] if reports else case.activist_on,
        "next_report_on": None,
        "notice_on": _notice_day(session, case.notice_id),
        "conversion_notice_on": _notice_day(session, case.conversion_notice_id),
    }


def check_day(on: date, today: date, *, not_before: date | None = None, what: str) -> None:
    if on > today:
        raise Invalid(f"{what}不能晚于今天", code="date_future")
    if not_before is not None and on < not_before:
        raise Invalid(f"{what}不能早于{not_before.isoformat()}", code="date_order")


def require_open(case: DevelopmentCase) -> None:
    if case.stage not in OPEN_STAGES:
        raise Conflict(f"该记录已{case.stage.label}，不能再办理", code="case_closed")


def snapshot(case: DevelopmentCase) -> dict[str, object]:
    return audit.snapshot(case, exclude=("created_at", "updated_at"))


def create_case(
    session: Session, actor: Actor, data: NewCase, *, today: date | None = None
) -> DevelopmentCase:
    """Register an application to join (入党申请书) in a branch."""
    policy.authorize(actor, Action.DEVELOPMENT_EDIT)
    today = today or hall_clock.today()
    org = get_org(session, actor, data.org_id)
    if org.type is not OrgType.BRANCH or not org.active:
        raise Invalid("入党申请须由在册的党支部受理", code="org_not_branch")
    name = (data.name or "").strip()
    if not name or len(name) > 50:
        raise Invalid("姓名不能为空，且不超过50个字", code="name")
    info = parse_id_number(data.id_number, today=today)
    if data.education is not None and data.education not in EDUCATION_LEVELS:
        raise Invalid(f"学历应为：{'、'.join(EDUCATION_LEVELS)}之一", code="education")
    check_day(data.applied_on, today, not_before=info.birth_date, what="递交申请日期")
    rules.check_time_rules(
        {"birth_date": info.birth_date, "applied_on": data.applied_on}, "applied_on"
    )
    if session.scalar(
        select(Member.id).where(Member.id_number == info.number, Member.archived.is_(False))
    ):
        raise Conflict("此人已是在册党员", code="already_member")
    if session.scalar(
        select(DevelopmentCase.id).where(
            DevelopmentCase.id_number == info.number,
            DevelopmentCase.stage.in_(OPEN_STAGES),
        )
    ):
        raise Conflict("此人已有正在进行的发展党员记录", code="case_exists")
    case = DevelopmentCase(
        org_id=org.id,
        name=name,
        sex=info.sex,
        id_number=info.number,
        birth_date=info.birth_date,
        phone=normalize_mobile(data.phone),
        education=data.education,
        work_unit=(data.work_unit or "").strip()[:100] or None,
        stage=DevStage.APPLICANT,
        applied_on=data.applied_on,
        contact_ids=[],
        sponsor_ids=[],
        materials={"application": data.applied_on.isoformat()},
        reports=[],
    )
    session.add(case)
    session.flush()
    audit.record(
        session, actor, "development.create", "development_case", case.id, after=snapshot(case)
    )
    return case


def _change(
    session: Session, actor: Actor, case: DevelopmentCase, action: str, **values: object
) -> DevelopmentCase:
    before = snapshot(case)
    for key, value in values.items():
        setattr(case, key, value)
    session.flush()
    after = snapshot(case)
    changed = [k for k in after if after[k] != before[k]]
    audit.record(
        session,
        actor,
        action,
        "development_case",
        case.id,
        before={k: before[k] for k in changed},
        after={k: after[k] for k in changed},
    )
    return case


def record_talk(
    session: Session, actor: Actor, case: DevelopmentCase, on: date, *, today: date | None = None
) -> DevelopmentCase:
    """The talk the organization holds with an applicant (谈话)."""
    policy.authorize(actor, Action.DEVELOPMENT_EDIT)
    if case.stage is not DevStage.APPLICANT:
        raise Conflict("只有入党申请人阶段登记入党谈话", code="case_stage")
    check_day(on, today or hall_clock.today(), not_before=case.applied_on, what="谈话日期")
    materials = dict(case.materials or {})
    materials.setdefault("talk_record", on.isoformat())
    return _change(session, actor, case, "development.talk", talked_on=on, materials=materials)


def add_report(
    session: Session, actor: Actor, case: DevelopmentCase, on: date, *, today: date | None = None
) -> DevelopmentCase:
    """A written 思想汇报 received."""
    policy.authorize(actor, Action.DEVELOPMENT_EDIT)
    if case.stage not in REPORT_STAGES:
        raise Conflict("入党积极分子、发展对象和预备党员才递交思想汇报", code="case_stage")
    check_day(on, today or hall_clock.today(), not_before=case.activist_on, what="思想汇报日期")
    if on.isoformat() in (case.reports or []):
        raise Conflict("该日期的思想汇报已登记", code="report_exists")
    reports = sorted([*(case.reports or []), on.isoformat()])
    return _change(session, actor, case, "development.report", reports=reports)


def set_material(
    session: Session,
    actor: Actor,
    case: DevelopmentCase,
    key: str,
    on: date | None,
    *,
    today: date | None = None,
) -> DevelopmentCase:
    """Tick (with the day received) or untick an item of the materials checklist."""
    policy.authorize(actor, Action.DEVELOPMENT_EDIT)
    require_open(case)
    if key not in rules.MATERIAL_LABELS:
        raise Invalid("没有这项入党材料", code="material_unknown")
    materials = dict(case.materials or {})
    if on is None:
        materials.pop(key, None)
    else:
        check_day(on, today or hall_clock.today(), not_before=case.applied_on, what="材料日期")
        materials[key] = on.isoformat()
    return _change(session, actor, case, "development.material", materials=materials)


def _full_members(
    session: Session, actor: Actor, ids: Sequence[int], role: str, case: DevelopmentCase
) -> list[int]:
    ids = list(dict.fromkeys(int(i) for i in ids))
    for member_id in ids:
        member = session.get(Member, member_id)
        if member is None or member.archived or not path_in_scope(actor, member.org.path):
            raise Invalid(f"{role}须是本范围内的在册党员", code="person_not_member")
        if member.status is not MemberStatus.FULL:
            raise Invalid(f"{role}须是正式党员（{member.name}是预备党员）", code="person_not_full")
        if member.id_number == case.id_number:
            raise Invalid(f"{role}不能是本人", code="person_self")
    return ids


def set_people(
    session: Session,
    actor: Actor,
    case: DevelopmentCase,
    *,
    contact_ids: Sequence[int] | None = None,
    sponsor_ids: Sequence[int] | None = None,
) -> DevelopmentCase:
    """培养联系人 (one or two full members) and 入党介绍人 (two full members)."""
    policy.authorize(actor, Action.DEVELOPMENT_EDIT)
    require_open(case)
    values: dict[str, object] = {}
    if contact_ids is not None:
        contacts = _full_members(session, actor, contact_ids, "培养联系人", case)
        if len(contacts) > max(rules.CONTACTS):
            raise Invalid("培养联系人为一至两名正式党员", code="contacts_count")
        values["contact_ids"] = contacts
    if sponsor_ids is not None:
        sponsors = _full_members(session, actor, sponsor_ids, "入党介绍人", case)
        if len(sponsors) > rules.SPONSORS:
            raise Invalid("入党介绍人为两名正式党员", code="sponsors_count")
        values["sponsor_ids"] = sponsors
    return _change(session, actor, case, "development.people", **values)


def people_names(session: Session, ids: Sequence[int]) -> list[str]:
    if not ids:
        return []
    rows = session.execute(select(Member.id, Member.name).where(Member.id.in_(list(ids))))
    names = {int(i): n for i, n in rows}
    return [names.get(i, "") for i in ids]
