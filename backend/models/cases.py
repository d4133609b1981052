"""Member cases (党员诉求): hardship aid, employment help, talks, consultations, joining and
conversion applications and suggestions, as one tracked flow (docs/cases.md).

A case is accepted (at the counter or by the member at the kiosk), routed to the unit that
answers it (an organization, a partner unit by name, or a named secretary), replied to by that
unit, and closed. Each step is a ``CaseStep`` row and an audit entry.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.member import Member
from backend.models.org import Organization


class CaseType(enum.StrEnum):
    HARDSHIP = "hardship"  # 特困党员救助
    EMPLOYMENT = "employment"  # 党员就业指导
    TALK = "talk"  # 党员约谈
    CONSULT = "consult"  # 党员咨议
    JOIN = "join"  # 入党申请
    CONVERSION = "conversion"  # 预备党员转正申请
    SUGGESTION = "suggestion"  # 意见建议

    @property
    def label(self) -> str:
        return CASE_TYPE_LABELS[self]


CASE_TYPE_LABELS = {
    CaseType.HARDSHIP: "困难救助",
    CaseType.EMPLOYMENT: "就业指导",
    CaseType.TALK: "约谈",
    CaseType.CONSULT: "咨议",
    CaseType.JOIN: "入党申请",
    CaseType.CONVERSION: "转正申请",
    CaseType.SUGGESTION: "意见建议",
}


class CaseState(enum.StrEnum):
    ACCEPTED = "accepted"
    ROUTED = "routed"
    REPLIED = "replied"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {
            "accepted": "已受理",
            "routed": "已转办",
            "replied": "已答复",
            "closed": "已办结",
        }[self.value]


class CaseChannel(enum.StrEnum):
    COUNTER = "counter"
    KIOSK = "kiosk"

    @property
    def label(self) -> str:
        return "服务窗口" if self is CaseChannel.COUNTER else "自助查询机"


class TalkWith(enum.StrEnum):
    """Whom a member asks to meet (约谈对象)."""

    BRANCH_SECRETARY = "branch_secretary"
    COMMITTEE_SECRETARY = "committee_secretary"
    ORG_HEAD = "org_head"
    DISTRICT_SECRETARY = "district_secretary"

    @property
    def label(self) -> str:
        return {
            "branch_secretary": "支部书记",
            "committee_secretary": "党工委书记",
            "org_head": "组织部部长",
            "district_secretary": "区委书记",
        }[self.value]


class Case(Base):
    """One case, numbered per year (``SL`` + year + five digits, gap-free)."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("year", "seq", name="uq_cases_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int]
    seq: Mapped[int]
    case_type: Mapped[CaseType] = mapped_column(Enum(CaseType, native_enum=False, length=20))
    state: Mapped[CaseState] = mapped_column(Enum(CaseState, native_enum=False, length=20))
    channel: Mapped[CaseChannel] = mapped_column(Enum(CaseChannel, native_enum=False, length=10))
    # The member the case is about; empty for an application to join from a non-member.
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    # The organization the case belongs to (the member's, or the branch a join applicant asks
    # for): staff of its subtree see the case.
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    applicant_name: Mapped[str] = mapped_column(String(50))
    applicant_phone: Mapped[str | None] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(40))  # a fixed phrase (事由)
    detail: Mapped[str] = mapped_column(String(300), default="")
    accepted_on: Mapped[date]  # the hall's day
    due_on: Mapped[date]  # by when the case should be answered (docs/cases.md)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(80))
    # Routing: an organization (community, branch), a partner unit by name, a named person.
    routed_org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    routed_partner: Mapped[str | None] = mapped_column(String(100))
    routed_person: Mapped[str | None] = mapped_column(String(50))
    routed_at: Mapped[datetime | None]
    reply: Mapped[str | None] = mapped_column(String(500))
    replied_at: Mapped[datetime | None]
    replied_by: Mapped[str | None] = mapped_column(String(80))
    outcome: Mapped[str | None] = mapped_column(String(300))
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(80))
    # 约谈 only: whom, when (the hall's day and wall time), where, who attended.
    talk_with: Mapped[TalkWith | None] = mapped_column(Enum(TalkWith, native_enum=False, length=30))
    talk_on: Mapped[date | None]
    talk_time: Mapped[str | None] = mapped_column(String(5))  # "HH:MM", the hall's clock
    talk_place: Mapped[str | None] = mapped_column(String(100))
    talk_attendees: Mapped[str | None] = mapped_column(String(200))

    member: Mapped[Member | None] = relationship()
    org: Mapped[Organization] = relationship(foreign_keys=[org_id])
    routed_org: Mapped[Organization | None] = relationship(foreign_keys=[routed_org_id])
    steps: Mapped[list[CaseStep]] = relationship(
        back_populates="case", order_by="CaseStep.id", cascade="all, delete-orphan"
    )

    @property
    def number(self) -> str:
        return f"SL{self.year}{self.seq:05d}"

    @property
    def routed_to(self) -> str:
        """Where the case went, in words ("" before routing)."""
        parts = [
            self.routed_org.name if self.routed_org is not None else "",
            self.routed_partner or "",
            self.routed_person or "",
        ]
        return " ".join(p for p in parts if p)


class CaseStep(Base):
    """One step of a case (受理, 转办, 安排约谈, 答复, 办结) as staff and the member read it."""

    __tablename__ = "case_steps"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    step: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(String(500), default="")
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by: Mapped[str] = mapped_column(String(80))

    case: Mapped[Case] = relationship(back_populates="steps")


class CaseSequence(Base):
    """Per-year case counter (``services.sequences``)."""

    __tablename__ = "case_sequences"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_seq: Mapped[int] = mapped_column(default=0)
