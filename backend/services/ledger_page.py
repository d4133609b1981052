"""The live ledger (党费台账) as a paged, sortable list: one line per member and organization.

The xlsx/PDF print of the whole ledger is ``finance_docs.ledger_sheet``; the console page shows
it a page at a time instead, so a district of 100,000 members is never read whole to show 50.
``ledger_query`` is one grouped query whose sums (due, paid, arrears) are computed in SQL and can
be sorted on; ``ledger_lines`` fills the twelve month cells of the lines of one page only.
See docs/console-lists.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from backend.models import DuesMonth, Member, Organization
from backend.services.ledger import MonthState, classify
from backend.services.money import format_yuan

# What a month cell says: an amount for a paid month, else the state's short word.
CELL_WORDS = {
    MonthState.UNPAID: "未交",
    MonthState.NOT_DUE: "",
    MonthState.PENDING: "待定",
    MonthState.WAIVED: "免",
    MonthState.NONE: "—",
}
OVERDUE_WORD = "欠"


def _arrears_months_below(year: int, today: date) -> int:
    """Months of ``year`` numbered below this are past (arrears can only be there)."""
    if year < today.year:
        return 13
    return today.month if year == today.year else 1


def _sums(year: int, today: date) -> dict[str, Any]:
    due = func.coalesce(DuesMonth.due_fen, 0)
    overdue = and_(
        DuesMonth.waived.is_(False),
        DuesMonth.due_fen.is_not(None),
        DuesMonth.paid_fen < DuesMonth.due_fen,
        DuesMonth.month < _arrears_months_below(year, today),
    )
    return {
        "due_fen": func.sum(case((DuesMonth.waived.is_(False), due), else_=0)),
        "paid_fen": func.sum(DuesMonth.paid_fen),
        "arrears_fen": func.sum(case((overdue, due - DuesMonth.paid_fen), else_=0)),
    }


def ledger_query(org: Organization, year: int, today: date) -> Select:
    """One row per (organization, member) with ledger months in ``year`` under ``org``."""
    sums = _sums(year, today)
    return (
        select(
            DuesMonth.org_id,
            DuesMonth.member_id,
            Organization.code.label("org_code"),
            Organization.name.label("org_name"),
            Member.card_no,
            Member.name,
            Member.monthly_dues_fen,
            *(expr.label(name) for name, expr in sums.items()),
        )
        .join(Member, Member.id == DuesMonth.member_id)
        .join(Organization, Organization.id == DuesMonth.org_id)
        .where(DuesMonth.year == year, Organization.path.startswith(org.path, autoescape=True))
        .group_by(
            DuesMonth.org_id,
            DuesMonth.member_id,
            Organization.code,
            Organization.name,
            Member.card_no,
            Member.name,
            Member.monthly_dues_fen,
        )
    )


def sort_options(year: int, today: date) -> dict[str, Sequence[Any]]:
    """The ledger page's sort keys (a whitelist) and what each orders by."""
    sums = _sums(year, today)
    return {
        "org": (Organization.code, Member.card_no),
        "card": (Member.card_no,),
        "name": (Member.name,),
        "monthly": (Member.monthly_dues_fen,),
        "due": (sums["due_fen"],),
        "paid": (sums["paid_fen"],),
        "arrears": (sums["arrears_fen"],),
    }


TIE = (DuesMonth.org_id, DuesMonth.member_id)


@dataclass
class LedgerLine:
    org_id: int
    member_id: int
    org_name: str
    card_no: str | None
    name: str
    monthly_fen: int | None
    due_fen: int
    paid_fen: int
    arrears_fen: int
    cells: list[str] = field(default_factory=lambda: [MonthState.NONE.label] * 12)


def month_cell(row: DuesMonth, today: date) -> str:
    state = classify(row, today)
    if state is MonthState.PAID:
        return format_yuan(row.paid_fen)
    past = (row.year, row.month) < (today.year, today.month)
    return OVERDUE_WORD if state is MonthState.UNPAID and past else CELL_WORDS[state]


def ledger_lines(session: Session, rows: Sequence[Any], year: int, today: date) -> list[LedgerLine]:
    """The lines of one page (rows of ``ledger_query``) with their month cells."""
    lines = {
        (r.org_id, r.member_id): LedgerLine(
            r.org_id,
            r.member_id,
            r.org_name,
            r.card_no,
            r.name,
            r.monthly_dues_fen,
            int(r.due_fen or 0),
            int(r.paid_fen or 0),
            int(r.arrears_fen or 0),
        )
        for r in rows
    }
    member_ids = {member_id for _org, member_id in lines}
    if member_ids:
        months = session.scalars(
            select(DuesMonth).where(DuesMonth.year == year, DuesMonth.member_id.in_(member_ids))
        )
        for month_row in months:
            line = lines.get((month_row.org_id, month_row.member_id))
            if line is not None:
                line.cells[month_row.month - 1] = month_cell(month_row, today)
    return list(lines.values())


def ledger_totals(session: Session, stmt: Select) -> tuple[int, int, int]:
    """Due, paid and arrears summed over every line of the filtered list (not just a page)."""
    sub = stmt.order_by(None).subquery()
    row = session.execute(
        select(func.sum(sub.c.due_fen), func.sum(sub.c.paid_fen), func.sum(sub.c.arrears_fen))
    ).one()
    return int(row[0] or 0), int(row[1] or 0), int(row[2] or 0)
