"""The counter's day close (日结) and the voids that need a second person (冲正).

See ``docs/day-close.md``: a clerk closes each hall day once; the close keeps its totals and
lines frozen, so a reprint months later says what the first print said. A void of a payment
whose day is closed, or which was remitted, is first requested and then approved by a desk
user of a 党委 or the district; the approved void is a correction listed on the clerk's next
close.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.dues import Payment


class DayClose(Base):
    """One clerk's closed hall day. ``detail`` holds the printed lines (voids, corrections)."""

    __tablename__ = "day_closes"
    __table_args__ = (UniqueConstraint("operator", "hall_day", name="uq_day_closes_operator_day"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    operator: Mapped[str] = mapped_column(String(80))  # the username payments carry
    hall_day: Mapped[date] = mapped_column(index=True)
    closed_at: Mapped[datetime] = mapped_column(default=utcnow)
    payment_count: Mapped[int]
    cash_fen: Mapped[int]
    bank_fen: Mapped[int]
    void_count: Mapped[int]
    void_fen: Mapped[int]
    correction_count: Mapped[int]
    correction_fen: Mapped[int]  # ≤ 0: approved voids of payments of earlier closed days
    first_slip: Mapped[str | None] = mapped_column(String(20))
    last_slip: Mapped[str | None] = mapped_column(String(20))
    slip_count: Mapped[int]  # slips issued that day, voided ones included
    detail: Mapped[dict[str, Any]] = mapped_column(JSON)
    prints: Mapped[int] = mapped_column(default=1)


class VoidRequestState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"

    @property
    def label(self) -> str:
        return {"pending": "待审批", "approved": "已批准", "rejected": "已驳回"}[self.value]


class VoidRequest(Base):
    """A void asked for by one person and decided by another. At most one pending per payment."""

    __tablename__ = "void_requests"
    __table_args__ = (
        Index(
            "uq_void_requests_pending",
            "payment_id",
            unique=True,
            sqlite_where=text("state = 'PENDING'"),
            postgresql_where=text("state = 'PENDING'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    payment_id: Mapped[int] = mapped_column(ForeignKey("payments.id"), index=True)
    state: Mapped[VoidRequestState] = mapped_column(
        Enum(VoidRequestState, native_enum=False, length=10)
    )
    why_approval: Mapped[str] = mapped_column(String(100))  # 已日结 / 已汇缴
    reason: Mapped[str] = mapped_column(String(200))
    requested_by: Mapped[str] = mapped_column(String(80))
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(80))
    decided_at: Mapped[datetime | None]
    decision_note: Mapped[str | None] = mapped_column(String(200))
    # The close that listed this correction (the clerk's next close after the approval).
    day_close_id: Mapped[int | None] = mapped_column(ForeignKey("day_closes.id"), index=True)

    payment: Mapped[Payment] = relationship()
