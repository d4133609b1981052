"""A branch's latest activities, as a member sees them on their own record at the kiosk.

Two kinds: the items the member's own organization published on the disclosure board and the
member may see (``disclosure_board.visible_to``), and the organization's recorded meetings that
the whole branch attends — 党员大会, 党小组会, 党课, 主题党日 (docs/meetings.md); a 支委会 is the
committee's and is not listed. :func:`latest_activities` is the one place that gathers them:
each kind turns its rows into :class:`Activity` and the list stays newest first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from backend.models import DisclosureDocument, Meeting, MeetingKind, Member
from backend.services.disclosure_board import Viewer, visible_to

#: How many activities the member's record lists.
LATEST = 5


@dataclass(frozen=True)
class Activity:
    kind: str  # "disclosure" (a board item the kiosk can open by ``ref_id``) or "meeting"
    kind_label: str
    title: str
    on: date
    ref_id: int | None


def _published_items(session: Session, member: Member, today: date, limit: int) -> list[Activity]:
    doc = DisclosureDocument
    rows = session.execute(
        select(doc.id, doc.title, doc.publish_on)
        .where(and_(doc.org_id == member.org_id, visible_to(Viewer.for_member(member), today)))
        .order_by(doc.publish_on.desc(), doc.published_at.desc(), doc.id.desc())
        .limit(limit)
    ).all()
    return [Activity("disclosure", "党务公开", r.title, r.publish_on, r.id) for r in rows]


def _branch_meetings(session: Session, member: Member, today: date, limit: int) -> list[Activity]:
    rows = session.execute(
        select(Meeting.kind, Meeting.topic, Meeting.held_on)
        .where(
            Meeting.org_id == member.org_id,
            Meeting.kind != MeetingKind.COMMITTEE,
            Meeting.recorded_at.is_not(None),
            Meeting.held_on <= today,
        )
        .order_by(Meeting.held_on.desc(), Meeting.id.desc())
        .limit(limit)
    ).all()
    return [Activity("meeting", r.kind.label, r.topic, r.held_on, None) for r in rows]


def latest_activities(
    session: Session, member: Member, today: date, limit: int = LATEST
) -> list[Activity]:
    """The newest ``limit`` activities of the member's own organization, newest first."""
    found = _published_items(session, member, today, limit)
    found += _branch_meetings(session, member, today, limit)
    found.sort(key=lambda a: a.on, reverse=True)
    return found[:limit]
