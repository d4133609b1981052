"""Organizations (党组织编码库)."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Enum, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow


class OrgType(enum.StrEnum):
    DISTRICT = "district"
    COMMITTEE = "committee"  # 党委 / 党工委
    GENERAL_BRANCH = "general_branch"  # 党总支
    BRANCH = "branch"  # 党支部

    @property
    def label(self) -> str:
        return ORG_TYPE_LABELS[self]


ORG_TYPE_LABELS = {
    OrgType.DISTRICT: "区委",
    OrgType.COMMITTEE: "党委",
    OrgType.GENERAL_BRANCH: "党总支",
    OrgType.BRANCH: "党支部",
}


class Organization(Base):
    """A party organization with an explicit parent.

    ``path`` is a materialized path of ids ("/1/4/17/"): a subtree is one indexed prefix match,
    never a recursive walk. The 8-digit code is kept as the identifier
    (docs/founding-spec.md) but the tree is never inferred from it (docs/architecture.md).
    """

    __tablename__ = "organizations"
    __table_args__ = (
        Index("ix_organizations_path", "path", postgresql_ops={"path": "text_pattern_ops"}),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[OrgType] = mapped_column(Enum(OrgType, native_enum=False, length=20))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)
    path: Mapped[str] = mapped_column(String(200))
    secretary: Mapped[str | None] = mapped_column(String(50))
    phone: Mapped[str | None] = mapped_column(String(30))
    address: Mapped[str | None] = mapped_column(String(200))
    fax: Mapped[str | None] = mapped_column(String(30))
    postcode: Mapped[str | None] = mapped_column(String(10))
    active: Mapped[bool] = mapped_column(default=True)
    dissolved_on: Mapped[date | None]  # a day, not a moment (docs/time.md)
    # 党组织基本情况信息表 (docs/info-tables.md)
    approved_on: Mapped[date | None]  # 批准成立日期
    liaison: Mapped[str | None] = mapped_column(String(100))  # 联系人或联系小组
    liaison_phone: Mapped[str | None] = mapped_column(String(30))
    meeting_place: Mapped[str | None] = mapped_column(String(200))  # 活动场所
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    parent: Mapped[Organization | None] = relationship(remote_side="Organization.id")

    def __repr__(self) -> str:
        return f"<Organization {self.code} {self.name}>"
