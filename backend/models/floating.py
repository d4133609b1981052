"""Floating members arriving from elsewhere (流入的流动党员).

A member of another district's organization who stays here for a while, holding that
organization's 流动党员活动证: they take part in a local branch's activities and may pay dues
there, but their relationship stays at home, so they are not in this district's member roll
and have no ledger here (docs/transfers-and-letters.md).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.org import Organization


class FloatingGuest(Base):
    __tablename__ = "floating_guests"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(50))
    sex: Mapped[str] = mapped_column(String(1))
    id_number: Mapped[str | None] = mapped_column(String(18))
    phone: Mapped[str | None] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # MemberStatus value (正式/预备)
    card_number: Mapped[str] = mapped_column(String(60), index=True)  # 活动证编号
    home_org: Mapped[str] = mapped_column(String(200))  # 流出地党组织 (the relationship's home)
    home_place: Mapped[str | None] = mapped_column(String(100))  # 流出地 (province, city …)
    host_org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    start_date: Mapped[date]  # 流入日期
    end_date: Mapped[date | None]  # expected end of the stay, when known
    card_valid_until: Mapped[date | None]  # the 活动证's own validity, as printed on it
    note: Mapped[str | None] = mapped_column(String(200))
    left_on: Mapped[date | None]  # the stay ended (moved on, went home)
    left_reason: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    host_org: Mapped[Organization] = relationship()

    def __repr__(self) -> str:
        return f"<FloatingGuest {self.id} host={self.host_org_id}>"
