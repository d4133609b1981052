"""Bulk changes to many members' numbers or organizations at once (moves and merges of
organizations): membership periods restarted and one audit row per member, all in SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import Date, Select, String, and_, insert, literal, select, update
from sqlalchemy.orm import Session, aliased

from backend.models import Member, Membership, Organization
from backend.services import audit_chain
from backend.services.actor import Actor


def subtree_member_ids(path: str) -> Select[int]:
    """Ids of the subtree's members on the roll, over aliases so that the subquery never
    correlates with an enclosing statement on ``members``."""
    m, o = aliased(Member), aliased(Organization)
    return (
        select(m.id)
        .join(o, o.id == m.org_id)
        .where(o.path.startswith(path, autoescape=True), m.archived.is_(False))
    )


def restart_periods(session: Session, member_ids: Select[int], on: date, reason: str) -> None:
    """After members' organization or number changed: end their current period at ``on``
    (exclusive) and open one from ``on`` with the new values. A period that itself began on
    ``on`` is corrected in place rather than left zero days long."""
    current = and_(Membership.end_date.is_(None), Membership.member_id.in_(member_ids))
    of_member = Member.id == Membership.member_id
    session.execute(
        update(Membership)
        .where(current, Membership.start_date >= on)
        .values(
            org_id=select(Member.org_id).where(of_member).scalar_subquery(),
            member_no=select(Member.member_no).where(of_member).scalar_subquery(),
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        insert(Membership).from_select(
            ["member_id", "org_id", "member_no", "start_date", "reason"],
            select(
                Member.id,
                Member.org_id,
                Member.member_no,
                literal(on, Date),
                literal(reason, String),
            ).join(Membership, and_(of_member, current, Membership.start_date < on)),
        )
    )
    session.execute(
        update(Membership)
        .where(current, Membership.start_date < on)
        .values(end_date=on)
        .execution_options(synchronize_session=False)
    )


def audit_members(
    session: Session, actor: Actor, action: str, rows: Sequence[tuple[int, dict, dict]]
) -> None:
    """One audit row per member changed in bulk, written in one executemany."""
    if rows:
        audit_chain.append_rows(
            session,
            [
                {
                    "actor_type": actor.type,
                    "actor_id": actor.id,
                    "actor_name": actor.name,
                    "action": action,
                    "entity_type": "member",
                    "entity_id": str(member_id),
                    "before": before,
                    "after": after,
                }
                for member_id, before, after in rows
            ],
        )
