"""The register of day closes (日结): the closes a desk user may read, and their reprints.
What a close contains and how it is made: ``day_close`` (docs/day-close.md)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend.errors import NotFound
from backend.models import DayClose, Organization, User
from backend.services import audit
from backend.services.actor import Actor
from backend.services.scope import org_in_scope


def closes_in_scope(actor: Actor) -> Select:
    """Closes of clerks whose account belongs to the actor's subtree (system closes: all)."""
    visible = (
        select(User.username)
        .join(Organization, User.org_id == Organization.id)
        .where(org_in_scope(actor))
    )
    stmt = select(DayClose)
    if actor.org_path is not None:
        stmt = stmt.where(DayClose.operator.in_(visible))
    return stmt


def list_closes(
    session: Session, actor: Actor, start: date, end: date, operator: str | None = None
) -> list[DayClose]:
    stmt = closes_in_scope(actor).where(DayClose.hall_day >= start, DayClose.hall_day <= end)
    if operator:
        stmt = stmt.where(DayClose.operator == operator)
    return list(session.scalars(stmt.order_by(DayClose.hall_day.desc(), DayClose.operator)))


def get_close(session: Session, actor: Actor, close_id: int) -> DayClose:
    close = session.scalar(closes_in_scope(actor).where(DayClose.id == close_id))
    if close is None:
        raise NotFound("未找到该日结记录，或不在您的管理范围内", code="day_close_not_found")
    return close


def record_reprint(session: Session, actor: Actor, close: DayClose) -> DayClose:
    close.prints += 1
    session.flush()
    audit.record(
        session,
        actor,
        "day_close.reprint",
        "day_close",
        close.id,
        after={"hall_day": close.hall_day, "operator": close.operator, "prints": close.prints},
    )
    return close
