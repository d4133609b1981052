"""Honor services (党员荣誉服务, window 11): partner venues and units, their offers, the
eligibility rules, and each free use with its printed 荣誉服务通知单 (docs/honor-services.md).

A use is one row per member, offer, year and use number: the unique constraint is what keeps a
member to the offer's free uses in a year even when two windows issue at the same moment.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.member import Member
from backend.models.org import Organization


class HonorVenue(Base):
    """A partner venue (场馆) or unit (合作单位). ``org_id`` is the organization whose staff keep
    it; its offers are open to the members of that organization's subtree."""

    __tablename__ = "honor_venues"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_name: Mapped[str] = mapped_column(String(50), default="")
    contact_phone: Mapped[str] = mapped_column(String(20), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    org: Mapped[Organization] = relationship()
    offers: Mapped[list[HonorOffer]] = relationship(
        back_populates="venue", order_by="HonorOffer.id"
    )


class HonorOffer(Base):
    """What a venue offers (free entry, a discount), when, and how many free uses a member has
    in a year."""

    __tablename__ = "honor_offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    venue_id: Mapped[int] = mapped_column(ForeignKey("honor_venues.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    schedule: Mapped[str] = mapped_column(String(100), default="")
    free_uses: Mapped[int] = mapped_column(default=1)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    venue: Mapped[HonorVenue] = relationship(back_populates="offers")


class HonorRule(Base):
    """One eligibility rule (model member, volunteer, veteran) and its figure; a missing row
    means the rule's default (``services/honor_service_rules.py``)."""

    __tablename__ = "honor_rules"

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=True)
    threshold: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(80))


class HonorUse(Base):
    """A free use of an offer by a member, with the number of its 荣誉服务通知单."""

    __tablename__ = "honor_uses"
    __table_args__ = (
        UniqueConstraint("offer_id", "member_id", "year", "use_no", name="uq_honor_uses_once"),
        UniqueConstraint("notice_year", "notice_seq", name="uq_honor_uses_notice"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("honor_offers.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), index=True)
    year: Mapped[int]
    use_no: Mapped[int] = mapped_column(default=1)
    # The member's organization and the rules that made them eligible, frozen at issue time.
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    basis: Mapped[str] = mapped_column(String(100))
    notice_year: Mapped[int]
    notice_seq: Mapped[int]
    channel: Mapped[str] = mapped_column(String(10))  # counter | kiosk
    prints: Mapped[int] = mapped_column(default=1)
    used_on: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))

    offer: Mapped[HonorOffer] = relationship()
    member: Mapped[Member] = relationship()
    org: Mapped[Organization] = relationship()

    @property
    def notice_no(self) -> str:
        return f"{self.notice_year}{self.notice_seq:06d}"


class HonorNoticeSequence(Base):
    """Per-year counter of 荣誉服务通知单 numbers (``services/sequences.py``: gap-free)."""

    __tablename__ = "honor_notice_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)
