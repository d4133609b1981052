"""Volunteer activities (活动记录): date, place, what was done, who took part and for how long.

Participants come in two ways: staff add them (console or counter), or they tap their card at a
kiosk set to the activity (``volunteer_sign_in``). Either way a participant is a current member
of the team, signed in once per activity, and credited the activity's usual minutes unless
staff set their own. Hours are whole minutes (docs/volunteers.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import (
    Member,
    Organization,
    VolunteerActivity,
    VolunteerParticipation,
    VolunteerPhoto,
    VolunteerTeam,
)
from backend.services import audit, media, policy, scope, volunteer_teams
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.volunteer_teams import text

MAX_MINUTES = 24 * 60


@dataclass(frozen=True)
class ActivityData:
    team_id: int
    held_on: date
    place: str
    description: str
    hours: str  # as typed: "2", "2.5"


def parse_hours(raw: str | int | float | Decimal | None, label: str = "服务时长") -> int:
    """Hours as typed (up to one decimal) → whole minutes; 0 < hours ≤ 24."""
    try:
        hours = Decimal(str(raw if raw is not None else "").strip())
    except InvalidOperation:
        raise Invalid(f"{label}应为小时数，如 2 或 1.5", code="hours_format") from None
    if not hours.is_finite() or hours != hours.quantize(Decimal("0.1")):
        raise Invalid(f"{label}应为小时数，最多一位小数，如 2 或 1.5", code="hours_format")
    minutes = int(hours * 60)
    if not 0 < minutes <= MAX_MINUTES:
        raise Invalid(f"{label}应大于0且不超过24小时", code="hours_range")
    return minutes


def format_hours(minutes: int | None) -> str:
    """Whole minutes as hours with at most one decimal: 150 → "2.5", 120 → "2"."""
    value = (Decimal(minutes or 0) / 60).quantize(Decimal("0.1"))
    return f"{value:f}".removesuffix(".0")


def activities_query(actor: Actor) -> Select:
    """Activities of teams in the actor's subtree, the newest first."""
    return (
        select(VolunteerActivity)
        .join(VolunteerTeam, VolunteerActivity.team_id == VolunteerTeam.id)
        .join(Organization, VolunteerTeam.org_id == Organization.id)
        .where(scope.org_in_scope(actor))
        .order_by(VolunteerActivity.held_on.desc(), VolunteerActivity.id.desc())
    )


def get_activity(session: Session, actor: Actor, activity_id: int) -> VolunteerActivity:
    found = session.scalar(activities_query(actor).where(VolunteerActivity.id == activity_id))
    if found is None:
        raise NotFound("未找到该志愿活动，或不在您的管理范围内", code="activity_not_found")
    return found


def _snapshot(activity: VolunteerActivity) -> dict[str, object]:
    return {
        "team_id": activity.team_id,
        "held_on": activity.held_on,
        "place": activity.place,
        "description": activity.description,
        "minutes": activity.minutes,
    }


def create_activity(
    session: Session, actor: Actor, data: ActivityData, *, today: date
) -> VolunteerActivity:
    """Log an activity. A date ahead is allowed (to open a kiosk sign-in on the day); people
    are credited only once the day has come."""
    policy.authorize(actor, Action.VOLUNTEER_EDIT)
    team = volunteer_teams.get_team(session, actor, data.team_id)
    if data.held_on.year < today.year - 5 or data.held_on.year > today.year + 1:
        raise Invalid("活动日期不在可登记的范围内", code="held_on")
    activity = VolunteerActivity(
        team_id=team.id,
        held_on=data.held_on,
        place=text(data.place, "活动地点", 100),
        description=text(data.description, "活动内容", 500),
        minutes=parse_hours(data.hours),
        created_by=actor.name,
    )
    session.add(activity)
    session.flush()
    audit.record(
        session,
        actor,
        "volunteer_activity.create",
        "volunteer_activity",
        activity.id,
        after=_snapshot(activity),
    )
    return activity


def participation(
    session: Session, activity_id: int, member_id: int
) -> VolunteerParticipation | None:
    return session.scalar(
        select(VolunteerParticipation).where(
            VolunteerParticipation.activity_id == activity_id,
            VolunteerParticipation.member_id == member_id,
        )
    )


def check_can_sign_in(
    session: Session, activity: VolunteerActivity, member: Member, *, today: date
) -> None:
    if activity.held_on > today:
        raise Conflict(
            f"活动日期是{activity.held_on.isoformat()}，当天才能签到", code="activity_ahead"
        )
    if not volunteer_teams.is_on_team(session, activity.team_id, member.id):
        raise Conflict(
            f"{member.name}还不是“{activity.team.name}”的队员，请先加入本队再签到",
            code="not_on_team",
        )


def add_participant(
    session: Session,
    actor: Actor,
    activity: VolunteerActivity,
    member: Member,
    *,
    via: str,
    today: date,
    minutes: int | None = None,
) -> VolunteerParticipation:
    """Sign ``member`` in to the activity (once); the caller checked who may do it."""
    check_can_sign_in(session, activity, member, today=today)
    if participation(session, activity.id, member.id) is not None:
        raise Conflict(f"{member.name}已签到", code="already_signed_in")
    row = VolunteerParticipation(
        activity_id=activity.id,
        member_id=member.id,
        minutes=minutes if minutes is not None else activity.minutes,
        via=via,
        recorded_by=actor.name,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor,
        "volunteer.sign_in",
        "volunteer_activity",
        activity.id,
        after={"member_id": member.id, "minutes": row.minutes, "via": via},
    )
    return row


def staff_add(
    session: Session,
    actor: Actor,
    activity: VolunteerActivity,
    member_id: int,
    *,
    today: date,
    hours: str | None = None,
) -> VolunteerParticipation:
    policy.authorize(actor, Action.VOLUNTEER_EDIT)
    member = scope.get_member(session, actor, member_id)
    minutes = parse_hours(hours) if hours not in (None, "") else None
    return add_participant(
        session, actor, activity, member, via="staff", today=today, minutes=minutes
    )


def set_minutes(
    session: Session, actor: Actor, activity: VolunteerActivity, member_id: int, hours: str
) -> VolunteerParticipation:
    policy.authorize(actor, Action.VOLUNTEER_EDIT)
    row = participation(session, activity.id, member_id)
    if row is None:
        raise NotFound("该党员没有参加这次活动", code="not_signed_in")
    before = row.minutes
    row.minutes = parse_hours(hours)
    session.flush()
    audit.record(
        session,
        actor,
        "volunteer.hours",
        "volunteer_activity",
        activity.id,
        before={"member_id": member_id, "minutes": before},
        after={"member_id": member_id, "minutes": row.minutes},
    )
    return row


def remove_participant(
    session: Session, actor: Actor, activity: VolunteerActivity, member_id: int
) -> None:
    policy.authorize(actor, Action.VOLUNTEER_EDIT)
    row = participation(session, activity.id, member_id)
    if row is None:
        raise NotFound("该党员没有参加这次活动", code="not_signed_in")
    before = {"member_id": member_id, "minutes": row.minutes, "via": row.via}
    session.delete(row)
    session.flush()
    audit.record(
        session, actor, "volunteer.sign_in_remove", "volunteer_activity", activity.id, before=before
    )


def participants_query(activity_id: int) -> Select:
    return (
        select(VolunteerParticipation)
        .join(Member, VolunteerParticipation.member_id == Member.id)
        .where(VolunteerParticipation.activity_id == activity_id)
        .order_by(VolunteerParticipation.signed_in_at, VolunteerParticipation.id)
    )


def participant_count(session: Session, activity_id: int) -> int:
    return int(
        session.scalar(
            select(func.count()).where(VolunteerParticipation.activity_id == activity_id)
        )
        or 0
    )


def add_photo(
    session: Session, actor: Actor, activity: VolunteerActivity, filename: str, data: bytes
) -> VolunteerPhoto:
    """A photo of the activity, checked by its bytes like the board's images."""
    policy.authorize(actor, Action.VOLUNTEER_EDIT)
    stored = media.store(session, media.NewMedia(filename=filename, data=data))
    photo = VolunteerPhoto(activity_id=activity.id, media_id=stored.id)
    session.add(photo)
    session.flush()
    audit.record(
        session,
        actor,
        "volunteer.photo",
        "volunteer_activity",
        activity.id,
        after=media.describe(stored),
    )
    return photo


def photos(session: Session, activity_id: int) -> list[VolunteerPhoto]:
    return list(
        session.scalars(
            select(VolunteerPhoto)
            .where(VolunteerPhoto.activity_id == activity_id)
            .order_by(VolunteerPhoto.id)
        )
    )
