"""Transfers out of the district: the 组织关系介绍信 and the deleted-member archive.

Dues are normally settled up to the month of transfer. By default a shortfall refuses the
transfer; with ``allow_shortfall`` it goes ahead and the shortfall is printed on the stub. The
member is moved to the deleted-member archive with the reason and the letter number (which
revokes the card and closes the membership period), and unpaid ledger months after the
transfer month are removed: the member owes nothing here for months spent elsewhere.

See docs/transfers-and-letters.md and docs/dues.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import DuesMonth, LetterKind, Member, Transfer, TransferKind
from backend.services import audit, letter_register, members, scope, transfers
from backend.services.actor import Actor
from backend.services.dues_year import from_month_on, lock_member
from backend.services.money import format_yuan
from backend.settings import Settings

MAX_NAME = 100


@dataclass(frozen=True)
class OutRequest:
    to_name: str  # the receiving organization (outside the district)
    addressee: str | None = None  # 抬头: the receiving 党委/组织部, when not ``to_name``
    on: date | None = None  # date out; today when omitted
    valid_days: int | None = None  # the letter's validity; the setting when omitted
    allow_shortfall: bool = False
    probation_end: date | None = None  # when probation was extended


def _valid_days(req: OutRequest, settings: Settings) -> int:
    days = settings.letter_valid_days if req.valid_days is None else req.valid_days
    if days < 1:
        raise Invalid("介绍信有效期至少为1天", code="valid_days")
    if days > settings.letter_max_valid_days:
        raise Invalid(
            f"介绍信有效期不能超过{settings.letter_max_valid_days}天",
            code="valid_days_too_long",
        )
    return days


def _clean_name(raw: str | None, what: str, *, required: bool) -> str | None:
    text = (raw or "").strip()
    if not text:
        if required:
            raise Invalid(f"请填写{what}", code="to_name_missing")
        return None
    if len(text) > MAX_NAME:
        raise Invalid(f"{what}不能超过{MAX_NAME}个字", code="to_name_too_long")
    return text


def _drop_later_months(session: Session, member: Member, on: date) -> list[str]:
    """Remove untouched ledger months after the transfer month (nothing was paid for them)."""
    after = transfers.next_month_start(on)
    rows = session.scalars(
        select(DuesMonth).where(
            DuesMonth.member_id == member.id,
            from_month_on(after.year, after.month),
            DuesMonth.paid_fen == 0,
            DuesMonth.payment_id.is_(None),
        )
    ).all()
    keys = sorted(f"{r.year}-{r.month:02d}" for r in rows)
    for row in rows:
        session.delete(row)
    session.flush()
    return keys


def _age(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def transfer_out(
    session: Session,
    actor: Actor,
    settings: Settings,
    member_id: int,
    req: OutRequest,
    *,
    today: date,
) -> Transfer:
    """转出区外: one transaction issues the letter, archives the member and records it all."""
    member = scope.get_member(session, actor, member_id)
    member = lock_member(session, member.id)
    if member.archived:
        raise Conflict("该党员已不在册，不能转出", code="member_archived")
    to_name = _clean_name(req.to_name, "转往的党组织", required=True) or ""
    addressee = _clean_name(req.addressee, "介绍信抬头", required=False) or to_name
    days = _valid_days(req, settings)
    on = req.on or today
    transfers.check_move_date(session, member, on, today)
    probation = transfers.check_probation(member, on, req.probation_end)
    owed_fen, owed_months = transfers.shortfall(session, member.id, on)
    if owed_fen and not req.allow_shortfall:
        raise Conflict(
            f"该党员党费尚未交到转出当月，欠交{format_yuan(owed_fen)}元"
            f"（{transfers.months_span(owed_months)}），请先补交；"
            "如确需先行转出，请选择“欠费转出”，欠费将注明在介绍信存根上",
            code="dues_shortfall",
            details={"shortfall": format_yuan(owed_fen), "months": owed_months},
        )
    paid_to = transfers.dues_paid_to(session, member.id)
    branch = member.org
    committee = transfers.committee_of(session, branch)
    from_name = transfers.full_name(session, branch)
    payload: dict[str, Any] = {
        "name": member.name,
        "sex": "男" if member.sex == "M" else "女",
        "age": _age(member.birth_date, today),
        "ethnicity": member.ethnicity,
        "status_label": member.status.label,
        "id_number": member.id_number,
        "phone": member.phone or "",
        "from_name": from_name,
        "to_name": to_name,
        "addressee": addressee,
        "valid_days": days,
        "paid_to": list(paid_to) if paid_to else None,
        "shortfall_fen": owed_fen,
        "shortfall_months": owed_months,
        "issuer": {
            "name": committee.name,
            "address": committee.address or "",
            "phone": committee.phone or "",
            "fax": committee.fax or "",
            "postcode": committee.postcode or "",
        },
        "probation": (
            {"start": probation[0].isoformat(), "end": probation[1].isoformat()}
            if probation
            else None
        ),
        "transfer_date": on.isoformat(),
        "center_name": settings.center_name,
    }
    letter = letter_register.issue(
        session,
        actor,
        kind=LetterKind.INTRODUCTION,
        issuer=committee,
        member=member,
        from_name=from_name,
        to_name=to_name,
        issued_on=today,
        valid_until=today + timedelta(days=days),
        payload=payload,
    )
    dropped = _drop_later_months(session, member, on)
    if dropped:
        audit.record(
            session,
            actor,
            "ledger.close_after_transfer",
            "member",
            member.id,
            before={"months": dropped},
            after={"months": []},
        )
    old_no = member.member_no
    transfer = transfers.record(
        session,
        actor,
        kind=TransferKind.OUT,
        member=member,
        batch=transfers.new_batch(),
        from_org=branch,
        to_org=None,
        from_name=from_name,
        to_name=to_name,
        on=on,
        old_no=old_no,
        new_no=None,
        details={"center_name": settings.center_name, "letter_no": letter.number},
        dues_paid_year=paid_to[0] if paid_to else None,
        dues_paid_month=paid_to[1] if paid_to else None,
        shortfall_fen=owed_fen,
        letter_id=letter.id,
    )
    members.archive_member(
        session,
        actor,
        member,
        reason=f"组织关系转出区外（转往{to_name}）",
        letter_no=letter.number,
        on=on,
    )
    return transfer
