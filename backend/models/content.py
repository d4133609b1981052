"""Content for the touch board: disclosure (党务公开), the honor roll (光荣榜) and its donors.

Images, attachments and honor photos are stored in the database (``MediaFile``), not on disk:
they are small (a few hundred KB at most), they must appear and disappear in the same
transaction as the document that carries them (publish, withdraw), the ``backup`` command then
covers them with the rest of the data, and several backend processes need no shared folder.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.member import Member
from backend.models.org import Organization


class MediaFile(Base):
    """An image or attachment. ``data`` is deferred: listing media never loads the bytes."""

    __tablename__ = "media_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    # Set for a disclosure image or attachment; honor photos are referenced from the entry.
    document_id: Mapped[int | None] = mapped_column(
        ForeignKey("disclosure_documents.id"), index=True
    )
    is_attachment: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<MediaFile {self.id} {self.filename}>"


class DisclosureCategory(Base):
    """A board category (栏目); staff may add, rename, reorder or retire them."""

    __tablename__ = "disclosure_categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(50), unique=True)
    description: Mapped[str | None] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<DisclosureCategory {self.code} {self.name}>"


class DisclosureTier(enum.StrEnum):
    """The four scopes of 党务公开条例 (docs/disclosure.md)."""

    PUBLIC = "public"  # 向社会公开
    PARTY = "party"  # 党内公开
    UNIT = "unit"  # 在本组织（单位）内公开
    CONCERNED = "concerned"  # 向特定党员公开

    @property
    def label(self) -> str:
        return TIER_LABELS[self]


TIER_LABELS = {
    DisclosureTier.PUBLIC: "向社会公开",
    DisclosureTier.PARTY: "党内公开",
    DisclosureTier.UNIT: "本组织内公开",
    DisclosureTier.CONCERNED: "向特定党员公开",
}


class DisclosureStatus(enum.StrEnum):
    """propose → review (secrecy check) → approve → publish; withdraw keeps the record."""

    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    DisclosureStatus.DRAFT: "草稿",
    DisclosureStatus.SUBMITTED: "待审核",
    DisclosureStatus.REVIEWED: "已审核",
    DisclosureStatus.PUBLISHED: "已发布",
    DisclosureStatus.WITHDRAWN: "已撤回",
}


class DisclosureDocument(Base):
    """One disclosure item. ``body_md`` is Markdown whose images point at ``media:<id>``.

    ``summary`` is stored (given or derived from the body) so a board page reads only short
    columns. Visible on a board from ``publish_on`` through ``expires_on`` (inclusive).
    """

    __tablename__ = "disclosure_documents"
    __table_args__ = (
        Index("ix_disclosure_documents_board", "status", "category_id", "publish_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("disclosure_categories.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(300))
    body_md: Mapped[str] = mapped_column(Text)
    tier: Mapped[DisclosureTier] = mapped_column(Enum(DisclosureTier, native_enum=False, length=20))
    status: Mapped[DisclosureStatus] = mapped_column(
        Enum(DisclosureStatus, native_enum=False, length=20)
    )
    publish_on: Mapped[date]
    expires_on: Mapped[date | None]
    source_digest: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    created_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[datetime | None]
    reviewed_by: Mapped[str | None] = mapped_column(String(80))
    reviewed_at: Mapped[datetime | None]
    review_note: Mapped[str | None] = mapped_column(String(300))
    published_by: Mapped[str | None] = mapped_column(String(80))
    published_at: Mapped[datetime | None]
    withdrawn_by: Mapped[str | None] = mapped_column(String(80))
    withdrawn_at: Mapped[datetime | None]
    withdraw_reason: Mapped[str | None] = mapped_column(String(300))

    category: Mapped[DisclosureCategory] = relationship()
    org: Mapped[Organization] = relationship()

    def __repr__(self) -> str:
        return f"<DisclosureDocument {self.id} {self.status.value} {self.title}>"


class DisclosureRecipient(Base):
    """A member an item of the "concerned" tier is addressed to."""

    __tablename__ = "disclosure_recipients"
    __table_args__ = (UniqueConstraint("document_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("disclosure_documents.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)


class HonorKind(enum.StrEnum):
    PERSON = "person"
    ORGANIZATION = "organization"

    @property
    def label(self) -> str:
        return "个人" if self is HonorKind.PERSON else "集体"


class HonorEntry(Base):
    """An entry of the honor roll (两优一先, medals, other commendations; docs/disclosure.md).

    A person's photo is shown only while ``photo_consent`` is true (PIPL Art. 25).
    """

    __tablename__ = "honor_entries"
    __table_args__ = (Index("ix_honor_entries_roll", "visible", "kind", "year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[HonorKind] = mapped_column(Enum(HonorKind, native_enum=False, length=20))
    title: Mapped[str] = mapped_column(String(50))
    year: Mapped[int]
    awarding_body: Mapped[str] = mapped_column(String(100))
    citation: Mapped[str] = mapped_column(String(300), default="")
    # The organization honored, or for a person the organization they belong to.
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    person_name: Mapped[str | None] = mapped_column(String(50))
    unit_name: Mapped[str | None] = mapped_column(String(100))
    photo_id: Mapped[int | None] = mapped_column(ForeignKey("media_files.id"))
    photo_consent: Mapped[bool] = mapped_column(default=False)
    visible: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    org: Mapped[Organization] = relationship()
    member: Mapped[Member | None] = relationship()

    def __repr__(self) -> str:
        return f"<HonorEntry {self.id} {self.year} {self.title}>"


class DonorKind(enum.StrEnum):
    PERSON = "person"
    UNIT = "unit"

    @property
    def label(self) -> str:
        return "个人" if self is DonorKind.PERSON else "单位"


class Donation(Base):
    """A gift to the party-building fund (党建基金), kept minimal for the honor roll's donors.

    The fund issue extends this row (address, phone, directed purpose, receipt number) rather
    than adding a second donor list. Name and amount go public only with ``consent_public``.
    """

    __tablename__ = "fund_donations"

    id: Mapped[int] = mapped_column(primary_key=True)
    donor_kind: Mapped[DonorKind] = mapped_column(Enum(DonorKind, native_enum=False, length=10))
    donor_name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str | None] = mapped_column(String(100))
    amount_fen: Mapped[int]
    donated_on: Mapped[date] = mapped_column(index=True)
    consent_public: Mapped[bool] = mapped_column(default=False)
    receiving_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    # The fund's own fields (党建基金库, docs/founding-spec.md); the numbered receipt is
    # ``FundReceipt``.
    address: Mapped[str | None] = mapped_column(String(200))
    phone: Mapped[str | None] = mapped_column(String(30))
    directed: Mapped[bool] = mapped_column(default=False)
    purpose: Mapped[str | None] = mapped_column(String(50))
    method: Mapped[str] = mapped_column(String(10), default="cash")
    voided: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    receiving_org: Mapped[Organization] = relationship()

    def __repr__(self) -> str:
        return f"<Donation {self.id} {self.amount_fen}>"
