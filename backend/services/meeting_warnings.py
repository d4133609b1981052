"""The red-warnings section for meetings: branches that let a required period pass without
recording a meeting of that kind (docs/meetings.md)."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from backend.services import meeting_rates
from backend.services.actor import Actor
from backend.settings import MeetingSettings


def section(
    session: Session, actor: Actor, today: date, settings: MeetingSettings, limit: int
) -> tuple[int, list[meeting_rates.MissedRow]]:
    """The number of missed (branch, kind) pairs and the first ``limit`` of them."""
    rows = meeting_rates.missed(session, settings, actor, today)
    return len(rows), rows[:limit]
