"""三会一课 and 主题党日: plan a meeting, record what happened, keep its photos (docs/meetings.md).

Staff act on meetings of organizations inside their subtree; a branch's staff therefore plan and
record their own branch's meetings. Every change is one transaction with its audit row.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.errors import Invalid, NotFound
from backend.models import (
    AttendanceState,
    Meeting,
    MeetingAttendance,
    MeetingKind,
    MeetingPhoto,
    Member,
    Organization,
)
from backend.models.base import utcnow
from backend.services import audit, media, policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.scope import get_org, org_in_scope, path_in_scope

NO_REASON = "未说明原因"


@dataclass(frozen=True)
class MeetingInput:
    kind: MeetingKind | str
    topic: str
    held_on: date
    start_time: time | None = None
    place: str | None = None
    host: str | None = None
    recorder: str | None = None


def _snapshot(meeting: Meeting) -> dict[str, object]:
    """The audit image of a meeting (the start time as "HH:MM")."""
    image = audit.snapshot(meeting, exclude=("start_time",))
    image["start_time"] = meeting.start_time.strftime("%H:%M") if meeting.start_time else None
    return image


def parse_kind(value: MeetingKind | str) -> MeetingKind:
    try:
        return MeetingKind(value)
    except ValueError:
        names = "、".join(k.label for k in MeetingKind)
        raise Invalid(f"会议类型只能是{names}", code="meeting_kind") from None


def get_meeting(session: Session, actor: Actor, meeting_id: int) -> Meeting:
    """The meeting, if it belongs to the actor's subtree (otherwise it looks not found)."""
    meeting = session.get(Meeting, meeting_id)
    if meeting is None or not path_in_scope(actor, meeting.org.path):
        raise NotFound("未找到该会议，或不在您的管理范围内", code="meeting_not_found")
    return meeting


def _check(data: MeetingInput) -> MeetingKind:
    kind = parse_kind(data.kind)
    if not data.topic.strip():
        raise Invalid("请填写会议主题", code="meeting_topic")
    return kind


def _default_expected(session: Session, org_id: int) -> list[int]:
    return list(
        session.scalars(
            select(Member.id)
            .where(Member.org_id == org_id, Member.archived.is_(False))
            .order_by(Member.card_no, Member.id)
        )
    )


def _members_in_scope(session: Session, actor: Actor, member_ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(member_ids))
    if not wanted:
        return []
    found = set(
        session.scalars(
            select(Member.id)
            .join(Organization, Organization.id == Member.org_id)
            .where(Member.id.in_(wanted), Member.archived.is_(False), org_in_scope(actor))
        )
    )
    missing = [m for m in wanted if m not in found]
    if missing:
        raise Invalid("应到人员中有党员不存在或不在您的管理范围内", code="meeting_member")
    return wanted


def plan_meeting(
    session: Session,
    actor: Actor,
    org_id: int,
    data: MeetingInput,
    expected_ids: Iterable[int] | None = None,
) -> Meeting:
    """Plan a meeting of ``org_id``; the expected attendees are the organization's own members
    unless others are named."""
    policy.authorize(actor, Action.MEETING_RECORD)
    org = get_org(session, actor, org_id)
    kind = _check(data)
    ids = (
        _default_expected(session, org.id)
        if expected_ids is None
        else _members_in_scope(session, actor, expected_ids)
    )
    meeting = Meeting(
        org_id=org.id,
        kind=kind,
        topic=data.topic.strip()[:200],
        held_on=data.held_on,
        start_time=data.start_time,
        place=(data.place or "").strip()[:200] or None,
        host=(data.host or "").strip()[:50] or None,
        recorder=(data.recorder or "").strip()[:50] or None,
        created_by=actor.name,
    )
    session.add(meeting)
    session.flush()
    session.add_all(MeetingAttendance(meeting_id=meeting.id, member_id=m) for m in ids)
    session.flush()
    after = _snapshot(meeting) | {"expected": len(ids)}
    audit.record(session, actor, "meeting.plan", "meeting", meeting.id, after=after)
    return meeting


def attendances(session: Session, meeting: Meeting) -> list[MeetingAttendance]:
    return list(
        session.scalars(
            select(MeetingAttendance)
            .join(Member, Member.id == MeetingAttendance.member_id)
            .where(MeetingAttendance.meeting_id == meeting.id)
            .order_by(MeetingAttendance.expected.desc(), Member.card_no, Member.id)
        )
    )


def record_meeting(
    session: Session,
    actor: Actor,
    meeting: Meeting,
    data: MeetingInput,
    *,
    minutes: str,
    present: Iterable[int],
    absence_reasons: Mapping[int, str] | None = None,
) -> Meeting:
    """Record what happened: the details, the minutes, who came. An expected member not marked
    present (and not signed in at a kiosk) is absent, with the reason given or 未说明原因."""
    policy.authorize(actor, Action.MEETING_RECORD)
    meeting = get_meeting(session, actor, meeting.id)
    kind = _check(data)
    if not minutes.strip():
        raise Invalid("请填写会议记录", code="meeting_minutes")
    before = _snapshot(meeting)
    meeting.kind = kind
    meeting.topic = data.topic.strip()[:200]
    meeting.held_on = data.held_on
    meeting.start_time = data.start_time
    meeting.place = (data.place or "").strip()[:200] or None
    meeting.host = (data.host or "").strip()[:50] or None
    meeting.recorder = (data.recorder or "").strip()[:50] or None
    meeting.minutes = minutes.strip()
    meeting.recorded_at = utcnow()
    meeting.recorded_by = actor.name
    came, reasons = set(present), dict(absence_reasons or {})
    for row in attendances(session, meeting):
        signed_in = row.state is AttendanceState.PRESENT and row.signed_in_at is not None
        if row.member_id in came or signed_in:
            if row.state is not AttendanceState.PRESENT:
                row.state, row.signed_in_via = AttendanceState.PRESENT, "staff"
            row.absence_reason = None
        else:
            row.state = AttendanceState.ABSENT
            row.absence_reason = (reasons.get(row.member_id) or "").strip()[:200] or NO_REASON
    session.flush()
    after = _snapshot(meeting) | {"present": count_present(session, meeting.id)}
    audit.record(
        session, actor, "meeting.record", "meeting", meeting.id, before=before, after=after
    )
    return meeting


def add_photo(
    session: Session, actor: Actor, meeting: Meeting, item: media.NewMedia
) -> MeetingPhoto:
    policy.authorize(actor, Action.MEETING_RECORD)
    meeting = get_meeting(session, actor, meeting.id)
    stored = media.store(session, item)
    photo = MeetingPhoto(meeting_id=meeting.id, media_id=stored.id)
    session.add(photo)
    session.flush()
    audit.record(
        session, actor, "meeting.photo", "meeting", meeting.id, after=media.describe(stored)
    )
    return photo


def photos(session: Session, meeting: Meeting) -> list[MeetingPhoto]:
    return list(
        session.scalars(
            select(MeetingPhoto)
            .where(MeetingPhoto.meeting_id == meeting.id)
            .order_by(MeetingPhoto.id)
        )
    )


def count_present(session: Session, meeting_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                MeetingAttendance.meeting_id == meeting_id,
                MeetingAttendance.state == AttendanceState.PRESENT,
            )
        )
        or 0
    )


def count_expected(session: Session, meeting_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).where(
                MeetingAttendance.meeting_id == meeting_id, MeetingAttendance.expected.is_(True)
            )
        )
        or 0
    )


def meetings_query(
    actor: Actor,
    *,
    org: Organization | None = None,
    kind: MeetingKind | None = None,
    start: date | None = None,
    end: date | None = None,
) -> Select:
    """Meetings in the actor's subtree (or under ``org``), newest first by default."""
    stmt = select(Meeting).join(Organization, Organization.id == Meeting.org_id)
    stmt = stmt.where(org_in_scope(actor))
    if org is not None:
        stmt = stmt.where(Organization.path.startswith(org.path, autoescape=True))
    if kind is not None:
        stmt = stmt.where(Meeting.kind == kind)
    if start is not None:
        stmt = stmt.where(Meeting.held_on >= start)
    if end is not None:
        stmt = stmt.where(Meeting.held_on <= end)
    return stmt.order_by(Meeting.held_on.desc(), Meeting.id.desc())


def meetings_on(session: Session, actor: Actor, day: date) -> list[Meeting]:
    """The meetings of ``day`` in the actor's subtree: what a kiosk's attendance mode offers."""
    stmt = meetings_query(actor, start=day, end=day).order_by(None)
    return list(session.scalars(stmt.order_by(Meeting.start_time, Meeting.id)))
