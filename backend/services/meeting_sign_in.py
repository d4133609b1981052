"""Signing in to a meeting by a card tap (a kiosk in attendance mode; docs/meetings.md).

Who may sign in: a member expected at the meeting, a member of the host organization, or a member
registered with the host (a community branch) as 在职党员. A second tap says 已签到 and changes
nothing. Only the masked name goes back to the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Forbidden
from backend.models import AttendanceState, CommunityRegistration, Meeting, MeetingAttendance
from backend.models.base import utcnow
from backend.services import audit, kiosk, policy
from backend.services.actor import Actor
from backend.services.masking import mask_name
from backend.services.meetings import count_expected, count_present, get_meeting
from backend.services.policy import Action
from backend.settings import Settings


@dataclass(frozen=True)
class SignInResult:
    name_masked: str
    already: bool
    present: int
    expected: int

    @property
    def message(self) -> str:
        if self.already:
            return f"{self.name_masked}，您已签到，无需重复刷卡"
        return f"{self.name_masked}，签到成功"


def _registered_with(session: Session, member_id: int, org_id: int) -> bool:
    return (
        session.scalar(
            select(CommunityRegistration.id).where(
                CommunityRegistration.member_id == member_id,
                CommunityRegistration.org_id == org_id,
                CommunityRegistration.ended_on.is_(None),
            )
        )
        is not None
    )


def _mark_present(row: MeetingAttendance) -> None:
    row.state = AttendanceState.PRESENT
    row.absence_reason = None
    row.signed_in_at = utcnow()
    row.signed_in_via = "kiosk"


def sign_in_by_card(
    session: Session, settings: Settings, actor: Actor, meeting_id: int, uid: str, today: date
) -> SignInResult:
    """Sign the card's member in to the meeting (held ``today``), once."""
    policy.authorize(actor, Action.MEETING_RECORD)
    meeting: Meeting = get_meeting(session, actor, meeting_id)
    if meeting.held_on != today:
        raise Forbidden("这次会议不在今天举行，不能签到", code="meeting_not_today")
    card = kiosk.find_card_for_uid(session, settings, actor, uid)
    member = card.member
    row = session.scalar(
        select(MeetingAttendance)
        .where(MeetingAttendance.meeting_id == meeting.id, MeetingAttendance.member_id == member.id)
        .with_for_update()
    )
    if row is not None and row.state is AttendanceState.PRESENT:
        return SignInResult(
            mask_name(member.name),
            True,
            count_present(session, meeting.id),
            count_expected(session, meeting.id),
        )
    if row is None:
        if member.org_id != meeting.org_id and not _registered_with(
            session, member.id, meeting.org_id
        ):
            raise Forbidden(
                "您不在本次会议的参会人员中，请与会议组织者联系", code="meeting_not_expected"
            )
        row = MeetingAttendance(meeting_id=meeting.id, member_id=member.id, expected=False)
        _mark_present(row)
        try:
            with session.begin_nested():  # two taps at once: the other one signed them in
                session.add(row)
        except IntegrityError:
            return SignInResult(
                mask_name(member.name),
                True,
                count_present(session, meeting.id),
                count_expected(session, meeting.id),
            )
    else:
        _mark_present(row)
        session.flush()
    audit.record(
        session,
        actor,
        "meeting.sign_in",
        "meeting",
        meeting.id,
        after={"member_id": member.id, "expected": row.expected, "via": "kiosk"},
    )
    return SignInResult(
        mask_name(member.name),
        False,
        count_present(session, meeting.id),
        count_expected(session, meeting.id),
    )
