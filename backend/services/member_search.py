"""What the counter reads about a member: search by name, card number, member number or ID
number, and the member's dues ledger for a year.

The search runs inside the actor's scope (``scope.members_in_scope``). Hits carry just enough
to tell two 张伟 apart — organization, birth year, sex and the masked tail of the ID number —
and the staff member opens the detail to see more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, or_, select
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import DuesMonth, Member, Organization, Payment
from backend.services import ledger
from backend.services.actor import Actor
from backend.services.masking import mask_id_number
from backend.services.scope import members_in_scope
from backend.settings import DuesSettings

MAX_RESULTS = 50


@dataclass(frozen=True)
class MemberHit:
    id: int
    name: str
    sex_label: str
    birth_year: int
    id_masked: str
    card_no: str | None
    member_no: str | None
    org_id: int
    org_code: str
    org_name: str
    status_label: str
    archived: bool


def _conditions(q: str, card_no_digits: int) -> ColumnElement[bool]:
    text = q.strip().upper()
    if re.fullmatch(r"\d+", text):
        conditions = [Member.member_no == text, Member.id_number == text]
        if len(text) <= card_no_digits:
            conditions.append(Member.card_no == text.zfill(card_no_digits))
        if len(text) >= 4:
            conditions.append(Member.id_number.endswith(text, autoescape=True))
        return or_(*conditions)
    if re.fullmatch(r"\d{3,17}X", text):
        return or_(Member.id_number == text, Member.id_number.endswith(text, autoescape=True))
    return Member.name.contains(q.strip(), autoescape=True)


def search_members(
    session: Session,
    actor: Actor,
    q: str,
    *,
    limit: int = 20,
    include_archived: bool = False,
    card_no_digits: int = 5,
) -> list[MemberHit]:
    """Members in scope matching ``q``: digits match a card number, member number or an ID
    number (whole or its tail, at least 4 characters); anything else matches names."""
    q = (q or "").strip()
    if not q:
        raise Invalid("请输入姓名、卡号、党员编号或身份证号", code="query_missing")
    if len(q) > 50:
        raise Invalid("查询内容过长", code="query_too_long")
    limit = max(1, min(limit, MAX_RESULTS))
    stmt = members_in_scope(actor, select(Member, Organization)).where(
        _conditions(q, card_no_digits)
    )
    if not include_archived:
        stmt = stmt.where(Member.archived.is_(False))
    stmt = stmt.order_by(Member.name, Member.birth_date, Member.id).limit(limit)
    return [_hit(member, org) for member, org in session.execute(stmt)]


def _hit(member: Member, org: Organization) -> MemberHit:
    return MemberHit(
        id=member.id,
        name=member.name,
        sex_label={"M": "男", "F": "女"}.get(member.sex, member.sex),
        birth_year=member.birth_date.year,
        id_masked=mask_id_number(member.id_number),
        card_no=member.card_no,
        member_no=member.member_no,
        org_id=org.id,
        org_code=org.code,
        org_name=org.name,
        status_label=member.status.label,
        archived=member.archived,
    )


# --- the member's dues ledger as the counter reads it --------------------------------------


@dataclass(frozen=True)
class LedgerMonth:
    year: int
    month: int
    due_fen: int | None
    paid_fen: int
    state: ledger.MonthState
    paid_at: datetime | None
    payment_id: int | None
    slip_no: str | None


@dataclass(frozen=True)
class LedgerView:
    year: int
    monthly_dues_fen: int | None
    months: list[LedgerMonth]
    due_fen: int  # this year's total due (waived and pending months left out)
    paid_fen: int
    arrears_fen: int  # every past month still owed, all years
    unpaid_past: list[tuple[int, int]]
    consecutive_unpaid: int
    months_owed: int
    warning: ledger.Warning
    advance_until: tuple[int, int]  # the last month that may be paid in advance


def ledger_view(
    session: Session, settings: DuesSettings, member: Member, year: int, today: date
) -> LedgerView:
    """One year of a member's ledger with slip numbers, plus the derived arrears and warning."""
    rows = session.execute(
        select(DuesMonth, Payment)
        .outerjoin(Payment, Payment.id == DuesMonth.payment_id)
        .where(DuesMonth.member_id == member.id, DuesMonth.year == year)
    ).all()
    by_month = {row.month: (row, payment) for row, payment in rows}
    months = []
    for month in range(1, 13):
        row, payment = by_month.get(month, (None, None))
        if row is None:
            months.append(
                LedgerMonth(year, month, None, 0, ledger.MonthState.NONE, None, None, None)
            )
            continue
        months.append(
            LedgerMonth(
                year,
                month,
                row.due_fen,
                row.paid_fen,
                ledger.classify(row, today),
                row.paid_at,
                row.payment_id,
                payment.slip_no if payment is not None else None,
            )
        )
    counted = [m for m in months if m.state not in _NOT_COUNTED]
    consecutive = ledger.consecutive_unpaid(session, member.id, today)
    owed = ledger.months_owed(session, member.id, today)
    last = today.year * 12 + today.month - 1 + settings.advance_limit_months
    return LedgerView(
        year=year,
        monthly_dues_fen=member.monthly_dues_fen,
        months=months,
        due_fen=sum(m.due_fen or 0 for m in counted),
        paid_fen=sum(m.paid_fen for m in months),
        arrears_fen=ledger.arrears_fen(session, member.id, today),
        unpaid_past=ledger.unpaid_past_months(session, member.id, today),
        consecutive_unpaid=consecutive,
        months_owed=owed,
        warning=ledger.warning_for(owed, settings),
        advance_until=(last // 12, last % 12 + 1),
    )


_NOT_COUNTED = frozenset(
    {ledger.MonthState.NONE, ledger.MonthState.PENDING, ledger.MonthState.WAIVED}
)
