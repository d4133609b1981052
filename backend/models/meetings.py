"""三会一课 and 主题党日: meetings of a branch, who was expected and who came, their photos;
and 在职党员进社区报到 (a member working elsewhere registered with a community branch).
docs/meetings.md."""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import Enum, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.member import Member
from backend.models.org import Organization


class MeetingKind(enum.StrEnum):
    COMMITTEE = "committee"  # 支委会
    ASSEMBLY = "assembly"  # 党员大会
    GROUP = "group"  # 党小组会
    LECTURE = "lecture"  # 党课
    THEME_DAY = "theme_day"  # 主题党日

    @property
    def label(self) -> str:
        return MEETING_KIND_LABELS[self]


MEETING_KIND_LABELS = {
    MeetingKind.COMMITTEE: "支委会",
    MeetingKind.ASSEMBLY: "党员大会",
    MeetingKind.GROUP: "党小组会",
    MeetingKind.LECTURE: "党课",
    MeetingKind.THEME_DAY: "主题党日",
}


class AttendanceState(enum.StrEnum):
    EXPECTED = "expected"  # 应到，尚未签到
    PRESENT = "present"  # 实到
    ABSENT = "absent"  # 缺席（附原因）

    @property
    def label(self) -> str:
        return {"expected": "未签到", "present": "已到", "absent": "缺席"}[self.value]


class Meeting(Base):
    """One meeting of a branch. It counts toward the branch's frequency once it is recorded
    (``recorded_at``): a planned meeting is a promise, the minutes are the evidence."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(Enum(MeetingKind, native_enum=False, length=20))
    topic: Mapped[str] = mapped_column(String(200))
    place: Mapped[str | None] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column(index=True)  # the hall's day (docs/time.md)
    start_time: Mapped[time | None]  # the hall's wall clock on that day
    host: Mapped[str | None] = mapped_column(String(50))  # 主持人
    recorder: Mapped[str | None] = mapped_column(String(50))  # 记录人
    minutes: Mapped[str | None] = mapped_column(Text)  # 会议记录
    recorded_at: Mapped[datetime | None]
    recorded_by: Mapped[str | None] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(80))

    org: Mapped[Organization] = relationship()


class MeetingAttendance(Base):
    """A member at a meeting: expected (应到) or a guest who signed in, present or absent."""

    __tablename__ = "meeting_attendances"
    __table_args__ = (
        UniqueConstraint("meeting_id", "member_id", name="uq_meeting_attendances_member"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    expected: Mapped[bool] = mapped_column(default=True)
    state: Mapped[AttendanceState] = mapped_column(
        Enum(AttendanceState, native_enum=False, length=10), default=AttendanceState.EXPECTED
    )
    absence_reason: Mapped[str | None] = mapped_column(String(200))
    signed_in_at: Mapped[datetime | None]
    signed_in_via: Mapped[str | None] = mapped_column(String(20))  # kiosk | staff

    member: Mapped[Member] = relationship()


class MeetingPhoto(Base):
    """A photo of a meeting; the bytes are a ``MediaFile``."""

    __tablename__ = "meeting_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CommunityRegistration(Base):
    """在职党员进社区报到: a member of another organization registered with a community branch.
    ``ended_on`` closes it; one open registration per member."""

    __tablename__ = "community_registrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    registered_on: Mapped[date]
    via: Mapped[str] = mapped_column(String(20))  # kiosk | counter
    ended_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(80))

    member: Mapped[Member] = relationship()
    org: Mapped[Organization] = relationship()
