"""Organization-relationship transfers (组织关系接转库), notices and the letter register.

A ``Transfer`` row keeps what the transfer register records for both sides (outgoing and
incoming member, from, to, inside or outside the district: docs/founding-spec.md). Everything
a printout shows is copied into the rows at the time of the transfer, so a reprint months later
says exactly what the first print said even if the member or the organizations have changed
since.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, utcnow


class TransferKind(enum.StrEnum):
    WITHIN = "within"  # 区内转接 (branch → branch)
    OUT = "out"  # 转出区外
    IN = "in"  # 区外转入

    @property
    def label(self) -> str:
        return {"within": "区内转接", "out": "转出区外", "in": "区外转入"}[self.value]

    @property
    def scope_label(self) -> str:
        """The register's type column: inside or outside the district."""
        return "区内" if self is TransferKind.WITHIN else "区外"


class Transfer(Base):
    """One member's move. ``details`` holds the printed texts' inputs (secretary, phones …)."""

    __tablename__ = "transfers"
    __table_args__ = (Index("ix_transfers_kind_date", "kind", "transfer_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[TransferKind] = mapped_column(Enum(TransferKind, native_enum=False, length=10))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    batch: Mapped[str] = mapped_column(String(40), index=True)  # one operation, one batch
    from_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    to_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    from_name: Mapped[str] = mapped_column(String(200))
    to_name: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(50))
    sex: Mapped[str] = mapped_column(String(1))
    birth_date: Mapped[date]
    education: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # MemberStatus value at the transfer
    card_no: Mapped[str | None] = mapped_column(String(10))
    old_member_no: Mapped[str | None] = mapped_column(String(30))
    new_member_no: Mapped[str | None] = mapped_column(String(30))
    transfer_date: Mapped[date]
    dues_paid_year: Mapped[int | None]  # 党费交到 (last fully paid month)
    dues_paid_month: Mapped[int | None]
    shortfall_fen: Mapped[int] = mapped_column(default=0)
    incoming_letter_no: Mapped[str | None] = mapped_column(String(60))
    letter_id: Mapped[int | None] = mapped_column(ForeignKey("letters.id"))
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_notices.id"))
    assessment_notice_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_notices.id"))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    prints: Mapped[int] = mapped_column(default=0)
    # The receiving branch's record that the member reported (报到) with the slip.
    arrived_on: Mapped[date | None]
    arrived_by: Mapped[str | None] = mapped_column(String(80))
    # Prints of the archival 组织关系介绍信 of a within-district transfer (存档).
    archive_prints: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<Transfer {self.id} {self.kind.value} member={self.member_id}>"


class NoticeKind(enum.StrEnum):
    RECEIVE = "receive"  # 转入通知: the member has moved to the receiving unit, which contacts them
    ASSESSMENT = "assessment"  # 新转入党员党费核定通知单

    @property
    def label(self) -> str:
        return {"receive": "党员转入通知", "assessment": "新转入党员党费核定通知单"}[self.value]


class TransferNotice(Base):
    """A notice to a receiving 党委/总支, listed for that organization's staff until handled.

    ``payload`` lists the members it concerns (a bulk move sends one notice for the batch).
    """

    __tablename__ = "transfer_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[NoticeKind] = mapped_column(Enum(NoticeKind, native_enum=False, length=20))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    batch: Mapped[str] = mapped_column(String(40), index=True)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    prints: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    handled_at: Mapped[datetime | None]
    handled_by: Mapped[str | None] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<TransferNotice {self.id} {self.kind.value} org={self.org_id}>"


class LetterKind(enum.StrEnum):
    INTRODUCTION = "introduction"  # 组织关系介绍信
    CERTIFICATE = "certificate"  # 党员证明信 (≤ 6 months away)
    FLOATING = "floating"  # 流动党员活动证

    @property
    def label(self) -> str:
        return {
            "introduction": "组织关系介绍信",
            "certificate": "党员证明信",
            "floating": "流动党员活动证",
        }[self.value]

    @property
    def letter(self) -> str:
        """The one-letter series mark in the letter number."""
        return {"introduction": "J", "certificate": "Z", "floating": "L"}[self.value]


class LetterState(enum.StrEnum):
    """Stored state. "Expired" is derived (issued, past ``valid_until``), never stored."""

    ISSUED = "issued"
    RETURNED = "returned"  # 回执已收回 / received by the other side
    REVOKED = "revoked"


class Letter(Base):
    """The letter register: introduction letters, certificates and floating-member cards.

    ``number`` is gap-free per issuing organization, year and series (see ``LetterSequence``).
    ``payload`` is everything printed on it, frozen at issue.
    """

    __tablename__ = "letters"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[LetterKind] = mapped_column(Enum(LetterKind, native_enum=False, length=20))
    number: Mapped[str] = mapped_column(String(40), unique=True)
    issuer_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    year: Mapped[int]
    seq: Mapped[int]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    state: Mapped[LetterState] = mapped_column(
        Enum(LetterState, native_enum=False, length=10), index=True
    )
    from_name: Mapped[str] = mapped_column(String(200))
    to_name: Mapped[str] = mapped_column(String(200))
    issued_on: Mapped[date]
    valid_until: Mapped[date]  # last valid day
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    returned_on: Mapped[date | None]
    return_handler: Mapped[str | None] = mapped_column(String(50))
    return_phone: Mapped[str | None] = mapped_column(String(30))
    return_note: Mapped[str | None] = mapped_column(String(200))
    revoked_at: Mapped[datetime | None]
    revoke_reason: Mapped[str | None] = mapped_column(String(200))
    reviewed_year: Mapped[int | None]  # 流动党员活动证: last yearly review
    prints: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    def __repr__(self) -> str:
        return f"<Letter {self.number} {self.state.value}>"


class LetterSequence(Base):
    """Per issuer, year and series counter, taken under a row lock inside the issuing
    transaction: a rolled-back transfer gives its number back, so numbers stay gap-free."""

    __tablename__ = "letter_sequences"
    __table_args__ = (
        UniqueConstraint("org_id", "year", "kind", name="uq_letter_sequences_org_year_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    year: Mapped[int]
    kind: Mapped[str] = mapped_column(String(20))
    last_seq: Mapped[int] = mapped_column(default=0)
