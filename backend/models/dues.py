"""The dues ledger (当年党费收缴库), assessments, payments, slip numbers. Money is integer fen."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow


class DuesMonth(Base):
    """One member-month of the ledger.

    ``org_id`` is the organization the member belonged to in that month, so per-organization
    reports add up to the district total even across transfers. Arrears are derived from these
    rows (due > paid, month already past); nothing about arrears is stored elsewhere.
    """

    __tablename__ = "dues_months"
    __table_args__ = (
        UniqueConstraint("member_id", "year", "month", name="uq_dues_months_member_year_month"),
        Index("ix_dues_months_org_year", "org_id", "year"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    year: Mapped[int]
    month: Mapped[int]
    due_fen: Mapped[int | None]  # None: amount pending assessment
    paid_fen: Mapped[int] = mapped_column(default=0)
    paid_at: Mapped[datetime | None]
    payment_id: Mapped[int | None] = mapped_column(ForeignKey("payments.id"), index=True)
    waived: Mapped[bool] = mapped_column(default=False)


class DuesMonthBackup(Base):
    """Copy of a year's ledger taken when the year is opened (the 备份 of docs/founding-spec.md)."""

    __tablename__ = "dues_months_backup"

    id: Mapped[int] = mapped_column(primary_key=True)
    backup_label: Mapped[str] = mapped_column(String(40), index=True)
    member_id: Mapped[int]
    org_id: Mapped[int]
    year: Mapped[int]
    month: Mapped[int]
    due_fen: Mapped[int | None]
    paid_fen: Mapped[int]
    payment_id: Mapped[int | None]
    taken_at: Mapped[datetime] = mapped_column(default=utcnow)


class DuesAssessment(Base):
    """党费核定: a member's monthly amount, effective from a month on (history kept)."""

    __tablename__ = "dues_assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    category: Mapped[str] = mapped_column(String(20))
    base_fen: Mapped[int | None]
    monthly_fen: Mapped[int]
    uncapped_fen: Mapped[int]
    effective_year: Mapped[int]
    effective_month: Mapped[int]
    reason: Mapped[str | None] = mapped_column(String(200))
    assessed_by: Mapped[str | None] = mapped_column(String(80))
    assessed_at: Mapped[datetime] = mapped_column(default=utcnow)


class PaymentMethod(enum.StrEnum):
    CASH = "cash"
    BANK = "bank"

    @property
    def label(self) -> str:
        return {"cash": "现金", "bank": "银行转账"}[self.value]


class Payment(Base):
    """A dues payment with its slip number (缴费凭条编号), gap-free per year."""

    __tablename__ = "payments"
    __table_args__ = (UniqueConstraint("slip_year", "slip_seq", name="uq_payments_slip"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slip_year: Mapped[int]
    slip_seq: Mapped[int]
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    amount_fen: Mapped[int]
    method: Mapped[str] = mapped_column(String(10))
    idempotency_key: Mapped[str] = mapped_column(String(80), unique=True)
    operator: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    voided: Mapped[bool] = mapped_column(default=False)
    void_reason: Mapped[str | None] = mapped_column(String(200))
    voided_at: Mapped[datetime | None]
    voided_by: Mapped[str | None] = mapped_column(String(80))
    reprints: Mapped[int] = mapped_column(default=0)
    # Consecutive unpaid months when the payment was taken: the slip's warning, reprinted as is.
    overdue_months: Mapped[int] = mapped_column(default=0)
    # 实收: what a cash payer handed over (找零 = tendered − amount); None for bank transfers.
    tendered_fen: Mapped[int | None]

    items: Mapped[list[PaymentItem]] = relationship(
        back_populates="payment", order_by="(PaymentItem.year, PaymentItem.month)"
    )

    @property
    def slip_no(self) -> str:
        return f"{self.slip_year}{self.slip_seq:06d}"


class PaymentItem(Base):
    """A month a payment covered, and how much it paid for it (what a void must reverse)."""

    __tablename__ = "payment_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    year: Mapped[int]
    month: Mapped[int]
    amount_fen: Mapped[int]

    payment: Mapped[Payment] = relationship(back_populates="items")


class SlipSequence(Base):
    """Per-year slip counter. Incremented inside the payment's own transaction, so a rolled-back
    payment gives its number back and the sequence stays gap-free."""

    __tablename__ = "slip_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)
