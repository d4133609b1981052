"""The information tables beyond the basic records: committee seats (党内职务), the photos
of an organization's meeting place, and members' yearly 民主评议 results (docs/info-tables.md)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.member import Member

#: 党内职务 in the order a committee is listed (the roster shows its committee first, so).
PARTY_POSTS: tuple[str, ...] = (
    "书记",
    "副书记",
    "组织委员",
    "宣传委员",
    "纪检委员",
    "青年委员",
    "统战委员",
    "保密委员",
    "委员",
)

#: 民主评议党员 results.
APPRAISAL_RESULTS: tuple[str, ...] = ("优秀", "合格", "基本合格", "不合格")

#: 参加组织生活情况.
ORG_LIFE_CHOICES: tuple[str, ...] = ("正常参加", "经常请假", "很少参加", "长期未参加")


class CommitteeSeat(Base):
    """A member's seat on an organization's committee (支委会/总支委员会/党委), with the post."""

    __tablename__ = "committee_seats"
    __table_args__ = (UniqueConstraint("org_id", "member_id", name="uq_committee_seats_member"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    post: Mapped[str] = mapped_column(String(20))
    since: Mapped[date | None]  # 任职日期
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship()


class OrgPhoto(Base):
    """A photo of an organization's meeting place (活动场所); the bytes are a ``MediaFile``."""

    __tablename__ = "org_photos"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    media_id: Mapped[int] = mapped_column(ForeignKey("media_files.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MemberAppraisal(Base):
    """One year's 民主评议党员 result for a member."""

    __tablename__ = "member_appraisals"
    __table_args__ = (UniqueConstraint("member_id", "year", name="uq_member_appraisals_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    year: Mapped[int]
    result: Mapped[str] = mapped_column(String(10))
