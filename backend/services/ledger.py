"""Reading the dues ledger: month states, arrears, months owed and the dues warning.

Everything here is derived from ``dues_months`` rows at the moment of asking; nothing about
arrears is stored, so a payment or a void can never leave a stale arrears figure behind.

The reminder and the 有情提醒 warning follow the number of months **owed** (past months not
fully paid, any year, in a row or not) — ``warning_for`` is the one place that decides, and every
screen, slip, statement and staff list counts the months by ``is_owed`` / ``owed_condition``
below. See docs/dues.md (Reminder and warning).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from sqlalchemy import ColumnElement, Integer, and_, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.selectable import Subquery

from backend.models import DuesMonth
from backend.settings import DuesSettings


class MonthState(enum.StrEnum):
    PAID = "paid"
    UNPAID = "unpaid"  # due and past (or current) and not fully paid
    NOT_DUE = "not_due"  # a future month, not paid in advance
    PENDING = "pending"  # amount awaiting assessment (待核定)
    WAIVED = "waived"  # 减免
    NONE = "none"  # no ledger row: not a member here then, or year not opened
    # This month, not yet paid: due by the month's end, so not arrears. ``classify`` never
    # returns it; the kiosk's member summary shows the current month this way (docs/kiosk.md).
    DUE_NOW = "due_now"

    @property
    def label(self) -> str:
        return {
            "paid": "已交",
            "unpaid": "未交",
            "not_due": "未到期",
            "pending": "待核定",
            "waived": "减免",
            "none": "—",
            "due_now": "本月待交",
        }[self.value]


@dataclass(frozen=True)
class MonthView:
    year: int
    month: int
    due_fen: int | None
    paid_fen: int
    state: MonthState


@dataclass(frozen=True)
class Warning:
    level: str  # none | reminder | final
    text: str


def _is_past(year: int, month: int, today: date) -> bool:
    return (year, month) < (today.year, today.month)


class LedgerRow(Protocol):
    """What ``classify`` reads: a ``DuesMonth`` or a row of the same columns."""

    year: int
    month: int
    due_fen: int | None
    paid_fen: int
    waived: bool


def classify(row: LedgerRow, today: date) -> MonthState:
    return month_state(row.waived, row.due_fen, row.paid_fen, row.year, row.month, today)


def month_state(
    waived: bool, due_fen: int | None, paid_fen: int, year: int, month: int, today: date
) -> MonthState:
    """``classify`` on plain values (a ledger export reads columns, not rows)."""
    if waived:
        return MonthState.WAIVED
    if due_fen is None:
        return MonthState.PENDING
    if paid_fen >= due_fen:
        return MonthState.PAID
    if (year, month) > (today.year, today.month):
        return MonthState.NOT_DUE
    return MonthState.UNPAID


def year_months(session: Session, member_id: int, year: int, today: date) -> list[MonthView]:
    rows = {
        r.month: r
        for r in session.scalars(
            select(DuesMonth).where(DuesMonth.member_id == member_id, DuesMonth.year == year)
        )
    }
    views = []
    for month in range(1, 13):
        row = rows.get(month)
        if row is None:
            views.append(MonthView(year, month, None, 0, MonthState.NONE))
        else:
            views.append(MonthView(year, month, row.due_fen, row.paid_fen, classify(row, today)))
    return views


def _past_condition(today: date) -> ColumnElement[bool]:
    return or_(
        DuesMonth.year < today.year,
        and_(DuesMonth.year == today.year, DuesMonth.month < today.month),
    )


def _owing_condition() -> ColumnElement[bool]:
    return and_(
        DuesMonth.waived.is_(False),
        DuesMonth.due_fen.is_not(None),
        DuesMonth.paid_fen < DuesMonth.due_fen,
    )


def is_owed(row: LedgerRow, today: date) -> bool:
    """A month owed: before the current month, priced, not waived, not fully paid."""
    return _is_past(row.year, row.month, today) and classify(row, today) is MonthState.UNPAID


def owed_condition(today: date) -> ColumnElement[bool]:
    """``is_owed`` as an SQL condition on ``dues_months`` (the same rule, for lists)."""
    return and_(_past_condition(today), _owing_condition())


def count_owed(rows: Iterable[LedgerRow], today: date) -> int:
    """Months owed among rows already read (the kiosk reads a member's ledger in one query)."""
    return sum(1 for row in rows if is_owed(row, today))


def months_owed(session: Session, member_id: int, today: date) -> int:
    """How many past months the member owes, all years: what the warning follows."""
    total = session.scalar(
        select(func.count()).where(DuesMonth.member_id == member_id, owed_condition(today))
    )
    return int(total or 0)


def months_owed_subquery(today: date, member_ids: Sequence[int] | None = None) -> Subquery:
    """(member_id, months) of every member owing at least one past month."""
    only = [] if member_ids is None else [DuesMonth.member_id.in_(list(member_ids))]
    return (
        select(
            DuesMonth.member_id.label("member_id"),
            func.count().cast(Integer).label("months"),
        )
        .where(owed_condition(today), *only)
        .group_by(DuesMonth.member_id)
        .subquery("owed")
    )


def arrears_fen(session: Session, member_id: int, today: date) -> int:
    """Total owed for past months (all years), in fen."""
    total = session.scalar(
        select(func.coalesce(func.sum(DuesMonth.due_fen - DuesMonth.paid_fen), 0)).where(
            DuesMonth.member_id == member_id, _past_condition(today), _owing_condition()
        )
    )
    return int(total or 0)


def unpaid_past_months(session: Session, member_id: int, today: date) -> list[tuple[int, int]]:
    """(year, month) of past months still owed, oldest first."""
    rows = session.execute(
        select(DuesMonth.year, DuesMonth.month)
        .where(DuesMonth.member_id == member_id, _past_condition(today), _owing_condition())
        .order_by(DuesMonth.year, DuesMonth.month)
    )
    return [(y, m) for y, m in rows]


def consecutive_unpaid(session: Session, member_id: int, today: date, horizon: int = 36) -> int:
    """Unpaid past months in a row, counted back from last month. A month that is paid,
    waived, pending assessment or without a ledger row ends the run."""
    rows = session.scalars(
        select(DuesMonth)
        .where(DuesMonth.member_id == member_id, _past_condition(today))
        .order_by(DuesMonth.year.desc(), DuesMonth.month.desc())
        .limit(horizon)
    ).all()
    expected_year, expected_month = (
        (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    )
    count = 0
    for row in rows:
        if (row.year, row.month) != (expected_year, expected_month):
            break
        if classify(row, today) is not MonthState.UNPAID:
            break
        count += 1
        expected_year, expected_month = (
            (expected_year, expected_month - 1) if expected_month > 1 else (expected_year - 1, 12)
        )
    return count


def warning_for(owed: int, settings: DuesSettings) -> Warning:
    """The reminder or the 有情提醒 warning for ``owed`` months owed (``months_owed``).

    Months owed, not only an unbroken run ending last month: a member who paid last month but
    still owes eight older months is warned. The warning comes at ``warning_months`` (6) owed
    months, the reminder from ``reminder_months`` (5) — docs/dues.md says why."""
    if owed >= settings.warning_months:
        return Warning("final", settings.warning_text)
    if owed >= settings.reminder_months:
        return Warning("reminder", settings.reminder_text.format(months=owed))
    return Warning("none", "")


def dues_warning(session: Session, member_id: int, today: date, settings: DuesSettings) -> Warning:
    return warning_for(months_owed(session, member_id, today), settings)
