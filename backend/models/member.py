"""Members (党员基本信息库), their membership periods, cards and the deleted-member archive."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.org import Organization


class MemberStatus(enum.StrEnum):
    FULL = "full"  # 正式党员
    PROBATIONARY = "probationary"  # 预备党员

    @property
    def label(self) -> str:
        return "正式" if self is MemberStatus.FULL else "预备"


class DuesCategory(enum.StrEnum):
    EMPLOYED = "employed"
    RETIRED = "retired"
    FARMER = "farmer"
    STUDENT = "student"
    UNEMPLOYED = "unemployed"
    LOW_INCOME = "low_income"

    @property
    def label(self) -> str:
        return DUES_CATEGORY_LABELS[self]


DUES_CATEGORY_LABELS = {
    DuesCategory.EMPLOYED: "在职",
    DuesCategory.RETIRED: "离退休",
    DuesCategory.FARMER: "农民",
    DuesCategory.STUDENT: "学生",
    DuesCategory.UNEMPLOYED: "下岗失业",
    DuesCategory.LOW_INCOME: "低保/救济",
}

PRE_PRC_DATE = date(1949, 10, 1)


class Member(Base):
    """A party member. ``id`` is stable for life; the member number changes on transfer."""

    __tablename__ = "members"
    __table_args__ = (
        Index(
            "uq_members_active_id_number",
            "id_number",
            unique=True,
            sqlite_where=text("archived = 0"),
            postgresql_where=text("archived = false"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    card_no: Mapped[str | None] = mapped_column(String(10), unique=True)
    member_no: Mapped[str | None] = mapped_column(String(30), index=True)
    name: Mapped[str] = mapped_column(String(50), index=True)
    sex: Mapped[str] = mapped_column(String(1))  # "M" | "F"
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    ethnicity: Mapped[str] = mapped_column(String(20), default="汉族")
    education: Mapped[str | None] = mapped_column(String(20))
    birth_date: Mapped[date]
    work_start_date: Mapped[date | None]
    joined_date: Mapped[date]  # 入党日期 (admitted as probationary)
    full_member_date: Mapped[date | None]  # 转正日期
    status: Mapped[MemberStatus] = mapped_column(Enum(MemberStatus, native_enum=False, length=20))
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(20))
    dues_category: Mapped[DuesCategory] = mapped_column(
        Enum(DuesCategory, native_enum=False, length=20)
    )
    dues_base_fen: Mapped[int | None]
    monthly_dues_fen: Mapped[int | None]  # None: pending assessment (待核定)
    hardship: Mapped[bool] = mapped_column(default=False)
    floating: Mapped[bool] = mapped_column(default=False)
    # 党员信息表 (docs/info-tables.md); 党内职务 are the member's committee seats
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id"))
    work_unit: Mapped[str | None] = mapped_column(String(100))  # 工作单位及职务
    org_life: Mapped[str | None] = mapped_column(String(20))  # 参加组织生活情况
    skills: Mapped[str | None] = mapped_column(String(200))  # 特长
    hardship_note: Mapped[str | None] = mapped_column(String(200))  # 困难情况
    archived: Mapped[bool] = mapped_column(default=False, index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    org: Mapped[Organization] = relationship()

    @property
    def joined_before_prc(self) -> bool:
        """入党于1949年10月1日前 — derived, never stored."""
        return self.joined_date < PRE_PRC_DATE

    def __repr__(self) -> str:
        return f"<Member {self.id} {self.member_no}>"


class Membership(Base):
    """A period during which a member belonged to one organization (history of transfers)."""

    __tablename__ = "memberships"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    member_no: Mapped[str | None] = mapped_column(String(30))
    start_date: Mapped[date]
    end_date: Mapped[date | None]  # exclusive; None = current
    reason: Mapped[str] = mapped_column(String(50), default="建档")


class CardState(enum.StrEnum):
    ACTIVE = "active"
    LOST = "lost"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return {"active": "正常", "lost": "已挂失", "revoked": "已注销"}[self.value]


class Card(Base):
    """A physical IC card bound to a member's card number.

    The UID is stored only as an HMAC under the server's card key: a stolen database does not
    let anyone clone cards, yet a tap can still be matched with one indexed look-up.
    """

    __tablename__ = "cards"
    # The enum column stores member NAMES ('ACTIVE'), not values: the predicate must say so,
    # or the index covers no row and enforces nothing (docs/members-and-privacy.md).
    __table_args__ = (
        Index(
            "uq_cards_active_member",
            "member_id",
            unique=True,
            sqlite_where=text("state = 'ACTIVE'"),
            postgresql_where=text("state = 'ACTIVE'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    card_no: Mapped[str] = mapped_column(String(10), index=True)
    uid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[CardState] = mapped_column(Enum(CardState, native_enum=False, length=10))
    issue_seq: Mapped[int] = mapped_column(default=1)  # 1 = first card, 2 = first replacement …
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    state_changed_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship()


class CardNumberSequence(Base):
    """The district's card-number counter (one row), taken under a row lock."""

    __tablename__ = "card_number_sequence"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_no: Mapped[int] = mapped_column(default=0)


class MemberArchive(Base):
    """删除党员库: a removed member's snapshot, reason and paperwork. Never deleted."""

    __tablename__ = "member_archive"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    reason: Mapped[str] = mapped_column(String(200))
    letter_no: Mapped[str | None] = mapped_column(String(40))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    archived_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_by: Mapped[str | None] = mapped_column(String(80))
