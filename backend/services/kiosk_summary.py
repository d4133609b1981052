"""What the kiosk shows the member whose card is on the reader: their own, masked record.

This year's months, and figures that add up on screen and on the printed statement::

    累计欠缴 = 今年截至上月应交 − 今年截至上月已交 + 往年欠缴

The current month is not arrears: unpaid, it shows as 本月待交 (due by the month's end) and is
counted nowhere above; months paid in advance are 预交. A month without a ledger row ("—") is
explained: before the member joined, or not kept by this organization (e.g. before a transfer
in). The rules are described in ``docs/kiosk.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import DuesMonth, Member, MemberStatus
from backend.services import ledger
from backend.services.masking import mask_id_number, mask_name, mask_phone
from backend.settings import Settings


@dataclass(frozen=True)
class MemberSummary:
    name_masked: str
    id_masked: str
    phone_masked: str
    org_name: str
    status: str
    status_label: str
    monthly_dues_fen: int | None
    year: int
    months: list[ledger.MonthView]
    arrears_fen: int
    consecutive_unpaid: int
    months_owed: int  # past months not fully paid, all years: what the warning follows
    warning: ledger.Warning
    org_id: int
    joined_on: date
    party_age_years: int | None  # None while probationary: 党龄 counts from 转正
    due_to_date_fen: int  # this year, months before this one
    paid_to_date_fen: int  # of that, what was paid (never more than a month's due)
    earlier_arrears_fen: int  # owed for earlier years
    current_due_fen: int  # what this month still needs (本月待交)
    advance_paid_fen: int  # paid for months after this one (预交)
    months_note: str


def whole_years(start: date, today: date) -> int:
    return today.year - start.year - ((today.month, today.day) < (start.month, start.day))


def party_age_years(member: Member, today: date) -> int | None:
    """党龄 in whole years from 转正; a full member recorded without that date (old records)
    counts from 入党; None while probationary."""
    full_since = member.full_member_date or (
        member.joined_date if member.status is MemberStatus.FULL else None
    )
    return whole_years(full_since, today) if full_since else None


def _state(row: ledger.LedgerRow, today: date) -> ledger.MonthState:
    state = ledger.classify(row, today)
    if state is ledger.MonthState.UNPAID and (row.year, row.month) == (today.year, today.month):
        return ledger.MonthState.DUE_NOW
    return state


def _owes(row: ledger.LedgerRow) -> bool:
    return not row.waived and row.due_fen is not None


def _months_note(member: Member, months: list[ledger.MonthView], today: date) -> str:
    empty = [m.month for m in months if m.state is ledger.MonthState.NONE]
    if not empty:
        return ""
    joined = member.joined_date
    if joined.year == today.year and all(m < joined.month for m in empty):
        return f"您于{joined.year}年{joined.month}月入党，此前的月份不需缴纳党费（显示为“—”）"
    if joined.year == today.year:
        return (
            f"您于{joined.year}年{joined.month}月入党，此前的月份不需缴纳党费；"
            "其他显示为“—”的月份不在本组织缴纳，如有疑问请到服务窗口咨询"
        )
    return "显示为“—”的月份不在本组织缴纳（如尚未转入），如有疑问请到服务窗口咨询"


def member_summary(
    session: Session, settings: Settings, member: Member, today: date, horizon: int = 36
) -> MemberSummary:
    """The member's summary from ONE ledger query (a card tap is the hall's hottest path),
    by the same rules as ``ledger.arrears_fen``, ``ledger.consecutive_unpaid`` and
    ``ledger.months_owed`` (the warning is ``ledger.warning_for``, as everywhere)."""
    rows = session.execute(
        select(
            DuesMonth.year,
            DuesMonth.month,
            DuesMonth.due_fen,
            DuesMonth.paid_fen,
            DuesMonth.waived,
        ).where(DuesMonth.member_id == member.id)
    ).all()
    by_month = {(r.year, r.month): r for r in rows}
    this_month = (today.year, today.month)
    months = []
    for month in range(1, 13):
        row = by_month.get((today.year, month))
        if row is None:
            months.append(ledger.MonthView(today.year, month, None, 0, ledger.MonthState.NONE))
        else:
            state = _state(row, today)
            months.append(ledger.MonthView(today.year, month, row.due_fen, row.paid_fen, state))
    due_to_date = paid_to_date = earlier = current = advance = 0
    for r in rows:
        key = (r.year, r.month)
        if key > this_month:
            advance += r.paid_fen
        elif not _owes(r):
            continue
        elif key == this_month:
            current = max(r.due_fen - r.paid_fen, 0)
        elif r.year == today.year:
            due_to_date += r.due_fen
            paid_to_date += min(r.paid_fen, r.due_fen)
        else:
            earlier += max(r.due_fen - r.paid_fen, 0)
    consecutive = 0
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    while consecutive < horizon:
        row = by_month.get((year, month))
        if row is None or ledger.classify(row, today) is not ledger.MonthState.UNPAID:
            break
        consecutive += 1
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    owed = ledger.count_owed(rows, today)
    return MemberSummary(
        name_masked=mask_name(member.name),
        id_masked=mask_id_number(member.id_number),
        phone_masked=mask_phone(member.phone),
        org_name=member.org.name,
        status=member.status.value,
        status_label=member.status.label,
        monthly_dues_fen=member.monthly_dues_fen,
        year=today.year,
        months=months,
        arrears_fen=due_to_date - paid_to_date + earlier,
        consecutive_unpaid=consecutive,
        months_owed=owed,
        warning=ledger.warning_for(owed, settings.dues),
        org_id=member.org_id,
        joined_on=member.joined_date,
        party_age_years=party_age_years(member, today),
        due_to_date_fen=due_to_date,
        paid_to_date_fen=paid_to_date,
        earlier_arrears_fen=earlier,
        current_due_fen=current,
        advance_paid_fen=advance,
        months_note=_months_note(member, months, today),
    )
