"""Dues remittance (汇缴过渡库), reductions and waivers (减免) with their approvals, the use of
dues (党费使用, for the yearly publication) and the party-building fund's receipts."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.member import Member
from backend.models.org import Organization


class RemittanceState(enum.StrEnum):
    DRAFT = "draft"  # made from the remittance ledger, printed for checking; clears nothing
    CONFIRMED = "confirmed"  # remitted: its items are cleared from the remittance ledger
    CANCELLED = "cancelled"  # a draft thrown away
    REVERSED = "reversed"  # a confirmed batch undone by an audited correction

    @property
    def label(self) -> str:
        return REMITTANCE_STATE_LABELS[self]


REMITTANCE_STATE_LABELS = {
    RemittanceState.DRAFT: "待确认",
    RemittanceState.CONFIRMED: "已汇缴",
    RemittanceState.CANCELLED: "已取消",
    RemittanceState.REVERSED: "已冲销",
}


class RemittanceBatch(Base):
    """One remittance (汇缴) by an organization for a period: the transition record
    (汇缴过渡库) of docs/founding-spec.md.

    It covers every collection in the organization's subtree received up to the end of the
    period and not yet remitted. ``upward_fen`` is what the organization passes to its parent
    after each level's share (``RemittanceSettings``); ``retained_fen`` is what the levels up to
    and including it keep. Totals are the sums of the lines.
    """

    __tablename__ = "remittance_batches"
    __table_args__ = (UniqueConstraint("org_id", "year", "seq", name="uq_remittance_batches_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    year: Mapped[int]
    seq: Mapped[int]
    start_month: Mapped[int]
    end_month: Mapped[int]
    cutoff: Mapped[date]  # collections received on or before this day
    state: Mapped[RemittanceState] = mapped_column(
        Enum(RemittanceState, native_enum=False, length=12)
    )
    collected_fen: Mapped[int] = mapped_column(default=0)
    correction_fen: Mapped[int] = mapped_column(default=0)
    upward_fen: Mapped[int] = mapped_column(default=0)
    retained_fen: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    confirmed_at: Mapped[datetime | None]
    confirmed_by: Mapped[str | None] = mapped_column(String(80))
    closed_at: Mapped[datetime | None]  # cancelled or reversed
    closed_by: Mapped[str | None] = mapped_column(String(80))
    close_reason: Mapped[str | None] = mapped_column(String(200))

    org: Mapped[Organization] = relationship()
    lines: Mapped[list[RemittanceLine]] = relationship(
        back_populates="batch", order_by="RemittanceLine.id"
    )

    @property
    def batch_no(self) -> str:
        return f"{self.org.code}-{self.year}-{self.seq:03d}"

    def __repr__(self) -> str:
        return f"<RemittanceBatch {self.id} {self.state.value}>"


class RemittanceLine(Base):
    """A batch's detail line: what one source organization collected, and how it is shared."""

    __tablename__ = "remittance_lines"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("remittance_batches.id"), index=True)
    source_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    item_count: Mapped[int]
    collected_fen: Mapped[int]
    correction_fen: Mapped[int]  # voided after an earlier remittance: taken back (≤ 0)
    share_bp: Mapped[int]  # product of the level shares from the source up to the batch's org
    upward_fen: Mapped[int]
    retained_fen: Mapped[int]

    batch: Mapped[RemittanceBatch] = relationship(back_populates="lines")
    source_org: Mapped[Organization] = relationship()


class RemittanceItemKind(enum.StrEnum):
    COLLECTION = "collection"
    CORRECTION = "correction"


class RemittanceItem(Base):
    """A payment item a batch covers. A cleared item is remitted; the partial unique index makes
    a payment item part of at most one cleared collection and at most one cleared correction."""

    __tablename__ = "remittance_items"
    __table_args__ = (
        Index(
            "uq_remittance_items_cleared",
            "payment_item_id",
            "kind",
            unique=True,
            sqlite_where=text("cleared = 1"),
            postgresql_where=text("cleared = true"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("remittance_batches.id"), index=True)
    payment_item_id: Mapped[int] = mapped_column(ForeignKey("payment_items.id"), index=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    source_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[RemittanceItemKind] = mapped_column(
        Enum(RemittanceItemKind, native_enum=False, length=12)
    )
    amount_fen: Mapped[int]  # negative for a correction
    cleared: Mapped[bool] = mapped_column(default=False)


class WaiverKind(enum.StrEnum):
    WAIVE = "waive"  # 免交
    REDUCE = "reduce"  # 减交

    @property
    def label(self) -> str:
        return "免交" if self is WaiverKind.WAIVE else "减交"


class WaiverState(enum.StrEnum):
    PENDING_BRANCH = "pending_branch"
    PENDING_COMMITTEE = "pending_committee"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {
            "pending_branch": "待支部审议",
            "pending_committee": "待上级党委审批",
            "approved": "已批准",
            "rejected": "未批准",
        }[self.value]


class WaiverRequest(Base):
    """A request to reduce or waive a member's dues for months of one year (docs/dues.md).

    The ledger changes only when the last required approval is given: the branch, then the
    next-higher 党委 (``committee_org_id``); retirees need the branch alone.
    """

    __tablename__ = "waiver_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    committee_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    kind: Mapped[WaiverKind] = mapped_column(Enum(WaiverKind, native_enum=False, length=10))
    year: Mapped[int]
    start_month: Mapped[int]
    end_month: Mapped[int]
    reduced_fen: Mapped[int | None]  # monthly amount after a reduction
    reason: Mapped[str] = mapped_column(String(300))
    evidence: Mapped[str] = mapped_column(String(300))
    state: Mapped[WaiverState] = mapped_column(Enum(WaiverState, native_enum=False, length=20))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    applied_at: Mapped[datetime | None]

    member: Mapped[Member] = relationship()
    org: Mapped[Organization] = relationship(foreign_keys=[org_id])
    committee_org: Mapped[Organization | None] = relationship(foreign_keys=[committee_org_id])
    approvals: Mapped[list[WaiverApproval]] = relationship(
        back_populates="request", order_by="WaiverApproval.id"
    )


class WaiverApproval(Base):
    """One decision on a waiver request, at the branch or at the 党委."""

    __tablename__ = "waiver_approvals"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("waiver_requests.id"), index=True)
    level: Mapped[str] = mapped_column(String(10))  # branch | committee
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    approved: Mapped[bool]
    comment: Mapped[str] = mapped_column(String(300), default="")
    decided_on: Mapped[date]  # the branch meeting's or the 党委's decision date
    decided_by: Mapped[str] = mapped_column(String(80))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    request: Mapped[WaiverRequest] = relationship(back_populates="approvals")


class DuesUse(Base):
    """A use of retained dues (党费使用), published quarterly and yearly with the dues collected.

    It counts (in the publication) only once the organization's committee (支委会) decision is
    recorded: the meeting's date, the meeting and the decision's text (docs/dues.md)."""

    __tablename__ = "dues_uses"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    used_on: Mapped[date]
    purpose: Mapped[str] = mapped_column(String(100))
    amount_fen: Mapped[int]
    voided: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    approval_date: Mapped[date | None]  # the 支委会 meeting that decided the spending
    approval_meeting: Mapped[str | None] = mapped_column(String(100))
    approval_decision: Mapped[str | None] = mapped_column(String(500))
    approved_at: Mapped[datetime | None]  # when the decision was recorded here
    approved_by: Mapped[str | None] = mapped_column(String(80))

    @property
    def approved(self) -> bool:
        return self.approval_date is not None


class FundReceipt(Base):
    """The numbered receipt of a fund donation (gap-free per year; a voided number stays used)."""

    __tablename__ = "fund_receipts"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_fund_receipts_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    donation_id: Mapped[int] = mapped_column(ForeignKey("fund_donations.id"), unique=True)
    year: Mapped[int]
    seq: Mapped[int]
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    issued_by: Mapped[str] = mapped_column(String(80))
    void_reason: Mapped[str | None] = mapped_column(String(200))

    @property
    def receipt_no(self) -> str:
        return f"JJ{self.year}{self.seq:05d}"


class FundReceiptSequence(Base):
    """Per-year receipt counter, incremented in the donation's own transaction."""

    __tablename__ = "fund_receipt_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)
