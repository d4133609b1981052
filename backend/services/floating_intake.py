"""Floating members arriving from elsewhere (流入的流动党员): registered, listed, their stay ended.

A member of another district's organization who stays here with that organization's
流动党员活动证 joins a local branch for its activities (and may pay dues there) but keeps the
relationship at home: no member record, card number or ledger of this district is touched, so
such a guest never counts in the district's roll or dues. The 活动证 is recorded by its number,
home organization and validity; an expired card is refused. See docs/transfers-and-letters.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import FloatingGuest, MemberStatus, Organization, OrgType
from backend.services import audit, policy, scope
from backend.services.actor import Actor
from backend.services.idnumber import normalize_mobile, parse_id_number
from backend.services.input_rules import check_text
from backend.services.masking import mask_id_number
from backend.services.policy import Action


@dataclass(frozen=True)
class GuestData:
    name: str
    card_number: str  # 流动党员活动证编号
    home_org: str  # 流出地党组织
    host_org_id: int  # the local branch joined for activities
    start_date: date
    id_number: str | None = None
    sex: str | None = None  # M | F; taken from the ID number when given
    phone: str | None = None
    status: str = "full"
    home_place: str | None = None
    end_date: date | None = None
    card_valid_until: date | None = None
    note: str | None = None


def _text(value: str | None, label: str, limit: int, *, required: bool = True) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise Invalid(f"请填写{label}", code="field_missing")
        return None
    if len(text) > limit:
        raise Invalid(f"{label}不能超过{limit}个字", code="field_too_long")
    return check_text(text, label)


def _host(session: Session, actor: Actor, org_id: int) -> Organization:
    org = scope.get_org(session, actor, org_id)
    if org.type is not OrgType.BRANCH:
        raise Invalid("流动党员应编入一个党支部参加活动", code="org_not_branch")
    if not org.active:
        raise Invalid(f"{org.name}已撤销，不能编入", code="org_dissolved")
    return org


def _checked(session: Session, actor: Actor, data: GuestData, today: date) -> dict[str, object]:
    name = _text(data.name, "姓名", 50)
    card = _text(data.card_number, "流动党员活动证编号", 60)
    home = _text(data.home_org, "流出地党组织", 100)
    sex = data.sex
    id_number = None
    if data.id_number and data.id_number.strip():
        info = parse_id_number(data.id_number, today=today)
        id_number, sex = info.number, info.sex
    if sex not in ("M", "F"):
        raise Invalid("请选择性别（或填写身份证号）", code="sex")
    try:
        status = MemberStatus(data.status)
    except ValueError:
        raise Invalid("党员类别应为正式或预备", code="status") from None
    if data.start_date > today:
        raise Invalid("流入日期不能晚于今天", code="start_date")
    if data.end_date is not None and data.end_date < data.start_date:
        raise Invalid("预计离开日期不能早于流入日期", code="end_date")
    if data.card_valid_until is not None and data.card_valid_until < today:
        raise Invalid(
            f"该流动党员活动证已于{data.card_valid_until.isoformat()}过期，请持经流出地党组织审验的有效活动证登记",
            code="card_expired",
        )
    duplicate = session.scalar(
        select(FloatingGuest).where(
            FloatingGuest.card_number == card, FloatingGuest.left_on.is_(None)
        )
    )
    if duplicate is not None:
        raise Conflict(
            f"活动证{card}已登记（{duplicate.name}，{duplicate.host_org.name}）",
            code="guest_exists",
        )
    return {
        "name": name,
        "sex": sex,
        "id_number": id_number,
        "phone": normalize_mobile(data.phone),
        "status": status.value,
        "card_number": card,
        "home_org": home,
        "home_place": _text(data.home_place, "流出地", 50, required=False),
        "host_org_id": _host(session, actor, data.host_org_id).id,
        "start_date": data.start_date,
        "end_date": data.end_date,
        "card_valid_until": data.card_valid_until,
        "note": _text(data.note, "备注", 200, required=False),
    }


def register(session: Session, actor: Actor, data: GuestData, *, today: date) -> FloatingGuest:
    policy.authorize(actor, Action.FLOATING_INTAKE)
    guest = FloatingGuest(**_checked(session, actor, data, today), created_by=actor.name)
    session.add(guest)
    session.flush()
    audit.record(
        session,
        actor,
        "floating_guest.register",
        "floating_guest",
        guest.id,
        after={
            "name": guest.name,
            "id_number": mask_id_number(guest.id_number),
            "card_number": guest.card_number,
            "home_org": guest.home_org,
            "host_org_id": guest.host_org_id,
            "start_date": guest.start_date,
        },
    )
    return guest


def guests_query(actor: Actor, *, current_only: bool = True) -> Select:
    """Guests whose host branch is in the actor's subtree, the newest arrivals first."""
    stmt = (
        select(FloatingGuest)
        .join(Organization, FloatingGuest.host_org_id == Organization.id)
        .where(scope.org_in_scope(actor))
    )
    if current_only:
        stmt = stmt.where(FloatingGuest.left_on.is_(None))
    return stmt.order_by(FloatingGuest.start_date.desc(), FloatingGuest.id.desc())


def get_guest(session: Session, actor: Actor, guest_id: int) -> FloatingGuest:
    guest = session.scalar(
        guests_query(actor, current_only=False).where(FloatingGuest.id == guest_id)
    )
    if guest is None:
        raise NotFound("未找到该流动党员，或不在您的管理范围内", code="guest_not_found")
    return guest


def end_stay(
    session: Session, actor: Actor, guest: FloatingGuest, *, on: date, reason: str, today: date
) -> FloatingGuest:
    """The guest moved on or went home (离开): kept in the list of past stays."""
    policy.authorize(actor, Action.FLOATING_INTAKE)
    why = _text(reason, "离开原因", 100)
    if guest.left_on is not None:
        raise Conflict(f"{guest.name}已于{guest.left_on.isoformat()}离开", code="guest_left")
    if on > today or on < guest.start_date:
        raise Invalid("离开日期应在流入日期和今天之间", code="left_on")
    guest.left_on, guest.left_reason = on, why
    session.flush()
    audit.record(
        session,
        actor,
        "floating_guest.leave",
        "floating_guest",
        guest.id,
        after={"left_on": on, "reason": why},
    )
    return guest
