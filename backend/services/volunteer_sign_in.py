"""Signing volunteers in at a kiosk by card tap (活动签到, docs/volunteers.md).

Staff set a kiosk to one of today's activities: they sign in on the kiosk (staff card + PIN)
and choose the activity; the kiosk then keeps only its own device key, no staff token. Every
member card tapped on it signs that member in to the activity, once — a second tap answers
"已签到". The setting ends when staff close it or when the activity's day is over. The kiosk
is public, so its answers carry the masked name only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.models import DeviceState, KioskDevice, VolunteerActivity, VolunteerSignInDesk
from backend.models.base import utcnow
from backend.services import (
    audit,
    kiosk,
    kiosk_lookup_limits,
    policy,
    volunteer_activities,
    volunteer_teams,
)
from backend.services.actor import Actor
from backend.services.masking import mask_name
from backend.services.policy import Action
from backend.services.users import device_for_key
from backend.settings import Settings


@dataclass(frozen=True)
class CheckIn:
    already: bool
    name_masked: str
    minutes: int
    count: int  # people signed in to the activity so far

    @property
    def message(self) -> str:
        return f"{self.name_masked}已签到" if self.already else f"{self.name_masked}签到成功"


def kiosk_device(session: Session, key: str | None) -> KioskDevice:
    """The approved kiosk whose key came with the staff request (the kiosk being set)."""
    device = device_for_key(session, key) if key else None
    if device is None or device.state is not DeviceState.APPROVED:
        raise Invalid("请在已批准的查询机上设置活动签到", code="device_required")
    return device


def open_desk(
    session: Session,
    actor: Actor,
    device: KioskDevice,
    activity: VolunteerActivity,
    *,
    today: date,
) -> VolunteerSignInDesk:
    policy.authorize(actor, Action.VOLUNTEER_EDIT)
    if activity.held_on != today:
        raise Conflict(
            f"只能为今天的活动设置签到（该活动日期为{activity.held_on.isoformat()}）",
            code="activity_not_today",
        )
    _close_open(session, device.id)
    desk = VolunteerSignInDesk(device_id=device.id, activity_id=activity.id, opened_by=actor.name)
    session.add(desk)
    session.flush()
    audit.record(
        session,
        actor,
        "volunteer_desk.open",
        "volunteer_activity",
        activity.id,
        after={"device_id": device.id, "device": device.name},
    )
    return desk


def _close_open(session: Session, device_id: int) -> int:
    result = session.execute(
        update(VolunteerSignInDesk)
        .where(VolunteerSignInDesk.device_id == device_id, VolunteerSignInDesk.closed_at.is_(None))
        .values(closed_at=utcnow())
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def close_desk(session: Session, actor: Actor, device: KioskDevice) -> bool:
    """End the kiosk's activity sign-in; ``False`` when none was open."""
    policy.authorize(actor, Action.VOLUNTEER_EDIT)
    closed = _close_open(session, device.id) > 0
    if closed:
        audit.record(
            session,
            actor,
            "volunteer_desk.close",
            "kiosk_device",
            device.id,
            after={"device": device.name},
        )
    return closed


def current_desk(session: Session, device_id: int, today: date) -> VolunteerSignInDesk | None:
    """The kiosk's open sign-in for an activity held today (yesterday's has ended by itself)."""
    return session.scalar(
        select(VolunteerSignInDesk)
        .join(VolunteerActivity, VolunteerSignInDesk.activity_id == VolunteerActivity.id)
        .where(
            VolunteerSignInDesk.device_id == device_id,
            VolunteerSignInDesk.closed_at.is_(None),
            VolunteerActivity.held_on == today,
        )
        .order_by(VolunteerSignInDesk.id.desc())
        .limit(1)
    )


def require_desk(session: Session, device: Actor, today: date) -> VolunteerSignInDesk:
    assert device.id is not None
    desk = current_desk(session, device.id, today)
    if desk is None:
        raise Conflict("本机没有正在进行的志愿活动签到，请工作人员重新设置", code="no_sign_in_desk")
    return desk


def check_in(
    session: Session, settings: Settings, device: Actor, uid: str, *, today: date
) -> CheckIn:
    """Sign in the member whose card was tapped. Unknown, lost and revoked cards get the
    kiosk's usual messages and count towards its look-up limits; a member not on the team is
    told how to join."""
    desk = require_desk(session, device, today)
    activity = desk.activity
    assert device.id is not None
    # the same look-up limits as a tap on the member screen (docs/kiosk.md)
    subject = kiosk_lookup_limits.subject_digest(settings, uid=uid, card_no=None)
    kiosk_lookup_limits.check(session, settings, device.id, subject)
    try:
        member = kiosk.find_card_for_uid(session, settings, device, uid).member
    except (NotFound, Forbidden):
        kiosk_lookup_limits.record_failure(session, device.id, subject)
        raise
    shown = mask_name(member.name)
    existing = volunteer_activities.participation(session, activity.id, member.id)
    if existing is None:
        if not volunteer_teams.is_on_team(session, activity.team_id, member.id):
            raise Conflict(
                f"{shown}还不是“{activity.team.name}”的队员，不能签到。可在查询机刷卡后进入"
                "“志愿服务”加入本队，或请工作人员登记",
                code="not_on_team",
            )
        existing = volunteer_activities.add_participant(
            session, device, activity, member, via="card", today=today
        )
        already = False
    else:
        already = True
    count = volunteer_activities.participant_count(session, activity.id)
    return CheckIn(already, shown, existing.minutes, count)
