"""Red warning (红色预警): cases — and so 困难救助 and 转正 applications — still waiting for an
answer after their due day (docs/cases.md). One query limited to the cases the actor sees."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import Case
from backend.services import cases
from backend.services.actor import Actor

if TYPE_CHECKING:
    from backend.services.warnings_board import Section


@dataclass(frozen=True)
class OverdueCaseRow:
    case_id: int
    number: str
    type_label: str
    applicant: str
    org_name: str
    state_label: str
    accepted_on: date
    due_on: date
    days_overdue: int


def overdue_cases(session: Session, actor: Actor, today: date, limit: int) -> Section:
    """A ``warnings_board.Section`` of the overdue cases, the longest overdue first."""
    from backend.services.warnings_board import Section  # the board imports this module

    stmt = cases.query(actor, overdue_on=today)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.scalars(stmt.order_by(Case.due_on, Case.id).limit(limit)).all()
    return Section(
        int(total),
        [
            OverdueCaseRow(
                c.id,
                c.number,
                c.case_type.label,
                c.applicant_name,
                c.org.name,
                c.state.label,
                c.accepted_on,
                c.due_on,
                (today - c.due_on).days,
            )
            for c in rows
        ],
    )
