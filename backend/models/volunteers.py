"""Volunteer teams (党员志愿者队伍, window 8): teams, their members, activities and hours.

Hours are kept in whole minutes (integers, like money in fen) so that sums are exact; screens
and prints show them as hours with one decimal. See docs/volunteers.md.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.member import Member
from backend.models.org import Organization


class VolunteerTeam(Base):
    """A team kept by a community (any organization; members of its subtree may join)."""

    __tablename__ = "volunteer_teams"
    __table_args__ = (UniqueConstraint("org_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(60))
    leader: Mapped[str] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    org: Mapped[Organization] = relationship()

    def __repr__(self) -> str:
        return f"<VolunteerTeam {self.id} {self.name}>"


class VolunteerMembership(Base):
    """A member on a team's roster; leaving keeps the row (``left_on``) for the statistics."""

    __tablename__ = "volunteer_memberships"
    __table_args__ = (UniqueConstraint("team_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("volunteer_teams.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    joined_on: Mapped[date]
    via: Mapped[str] = mapped_column(String(20))  # console | counter | kiosk
    left_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[VolunteerTeam] = relationship()
    member: Mapped[Member] = relationship()


class VolunteerActivity(Base):
    """One activity of a team (活动记录); ``minutes`` is the usual length credited per person."""

    __tablename__ = "volunteer_activities"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("volunteer_teams.id"), index=True)
    held_on: Mapped[date] = mapped_column(index=True)
    place: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500))
    minutes: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    team: Mapped[VolunteerTeam] = relationship()


class VolunteerParticipation(Base):
    """A member who took part in an activity, with the minutes credited to them."""

    __tablename__ = "volunteer_participations"
    __table_args__ = (UniqueConstraint("activity_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("volunteer_activities.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    minutes: Mapped[int]
    via: Mapped[str] = mapped_column(String(20))  # card | staff
    signed_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(80))

    activity: Mapped[VolunteerActivity] = relationship()
    member: Mapped[Member] = relationship()


class VolunteerPhoto(Base):
    """A photo of an activity, stored as a checked image (``services.media``)."""

    __tablename__ = "volunteer_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("volunteer_activities.id"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class VolunteerSignInDesk(Base):
    """A kiosk set by staff to sign members in to one activity by card tap, until closed."""

    __tablename__ = "volunteer_sign_in_desks"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("kiosk_devices.id"), index=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("volunteer_activities.id"), index=True)
    opened_by: Mapped[str] = mapped_column(String(80))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[datetime | None]

    activity: Mapped[VolunteerActivity] = relationship()
