"""The red-warnings sections of member development and 换届: deadlines that are near or past.

A development deadline is a WITHIN rule of ``development_rules`` (the talk, the quarterly
思想汇报, the 党委's approval, the conversion at the end of probation) not yet met in the case's
current stage; it is listed from ``days_ahead`` days before it falls due. A term of office is
listed from ``term_days_ahead`` days before it ends (docs/member-development.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from backend.models import DevelopmentCase, DevStage, DisclosureDocument
from backend.services import development as dev
from backend.services import development_rules as rules
from backend.services import terms
from backend.services.actor import Actor
from backend.services.warnings_board import Section
from backend.settings import Settings

WATCHED = (DevStage.APPLICANT, DevStage.ACTIVIST, DevStage.TARGET, DevStage.PROBATIONARY)


@dataclass(frozen=True)
class DeadlineRow:
    case_id: int
    name: str
    org_name: str
    stage_label: str
    due_label: str
    rule_name: str
    due_on: date
    days_left: int  # negative: overdue


def development_section(
    session: Session, actor: Actor, today: date, days_ahead: int, limit: int
) -> Section:
    cases = session.scalars(
        dev.cases_query(actor)
        .where(DevelopmentCase.stage.in_(WATCHED))
        .options(selectinload(DevelopmentCase.org))
    ).all()
    # The notices the facts read, in one query: ``session.get`` then finds them loaded.
    notice_ids = {i for c in cases for i in (c.notice_id, c.conversion_notice_id) if i}
    if notice_ids:
        session.scalars(
            select(DisclosureDocument).where(DisclosureDocument.id.in_(notice_ids))
        ).all()
    rows = []
    for case in cases:
        for deadline in rules.deadlines(case.stage, dev.facts(session, case)):
            left = (deadline.due_on - today).days
            if left <= days_ahead:
                rows.append(
                    DeadlineRow(
                        case.id,
                        case.name,
                        case.org.name,
                        case.stage.label,
                        deadline.rule.due_label,
                        deadline.rule.name,
                        deadline.due_on,
                        left,
                    )
                )
    rows.sort(key=lambda r: (r.due_on, r.case_id))
    return Section(len(rows), rows[: max(limit, 0)])


def term_section(
    session: Session, actor: Actor, today: date, days_ahead: int, limit: int
) -> Section:
    total, rows = terms.terms_due(session, actor, today, days_ahead, limit)
    return Section(total, rows)


@dataclass
class DevelopmentWarnings:
    """The board's block for member development and 换届 (``Board.development``)."""

    deadlines: Section
    terms: Section

    @property
    def total(self) -> int:
        return self.deadlines.total + self.terms.total


def warnings(
    session: Session, actor: Actor, today: date, hall: Settings, limit: int
) -> DevelopmentWarnings:
    return DevelopmentWarnings(
        development_section(session, actor, today, hall.development_warning_days, limit),
        term_section(session, actor, today, hall.term_reminder_days, limit),
    )


def case_deadlines(session: Session, case: DevelopmentCase, today: date) -> list[DeadlineRow]:
    """The open deadlines of one case, for its page."""
    return [
        DeadlineRow(
            case.id,
            case.name,
            case.org.name,
            case.stage.label,
            d.rule.due_label,
            d.rule.name,
            d.due_on,
            (d.due_on - today).days,
        )
        for d in rules.deadlines(case.stage, dev.facts(session, case))
    ]
