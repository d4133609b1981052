"""Member development (发展党员) cases and organizations' terms of office (换届).

A development case follows one person from the application to full membership
(docs/member-development.md). Before admission the person is not a ``Member``; admission as a
probationary member creates (or links) the member record, and full membership updates it.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Enum, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.org import Organization


class DevStage(enum.StrEnum):
    APPLICANT = "applicant"  # 入党申请人
    ACTIVIST = "activist"  # 入党积极分子
    TARGET = "target"  # 发展对象
    PROBATIONARY = "probationary"  # 预备党员
    FULL = "full"  # 正式党员
    STOPPED = "stopped"  # 终止发展（申请撤回或不再发展）

    @property
    def label(self) -> str:
        return DEV_STAGE_LABELS[self]


DEV_STAGE_LABELS = {
    DevStage.APPLICANT: "入党申请人",
    DevStage.ACTIVIST: "入党积极分子",
    DevStage.TARGET: "发展对象",
    DevStage.PROBATIONARY: "预备党员",
    DevStage.FULL: "正式党员",
    DevStage.STOPPED: "终止发展",
}


class DevelopmentCase(Base):
    """One person's way into the Party, in the branch that develops them.

    ``materials`` maps a checklist key (``development_rules.MATERIALS``) to the day it was
    received; ``reports`` lists the days of the written 思想汇报; ``contact_ids`` (培养联系人)
    and ``sponsor_ids`` (入党介绍人) are member ids.
    """

    __tablename__ = "development_cases"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(50))
    sex: Mapped[str] = mapped_column(String(1))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    birth_date: Mapped[date]
    phone: Mapped[str | None] = mapped_column(String(20))
    education: Mapped[str | None] = mapped_column(String(20))
    work_unit: Mapped[str | None] = mapped_column(String(100))
    stage: Mapped[DevStage] = mapped_column(Enum(DevStage, native_enum=False, length=20))
    applied_on: Mapped[date]  # 递交入党申请书
    talked_on: Mapped[date | None]  # 党组织派人谈话
    activist_on: Mapped[date | None]  # 确定为入党积极分子
    target_on: Mapped[date | None]  # 列为发展对象
    admitted_on: Mapped[date | None]  # 支部大会讨论接收为预备党员（预备期起算）
    approved_on: Mapped[date | None]  # 上级党委审批接收
    probation_end: Mapped[date | None]  # 预备期满（延长时晚于一年）
    full_on: Mapped[date | None]  # 转为正式党员（预备期满之日）
    full_approved_on: Mapped[date | None]  # 上级党委审批转正
    stopped_on: Mapped[date | None]  # 终止发展
    stop_reason: Mapped[str | None] = mapped_column(String(200))
    contact_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    sponsor_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    materials: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    reports: Mapped[list[str]] = mapped_column(JSON, default=list)
    notice_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_documents.id"))
    conversion_notice_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure_documents.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    org: Mapped[Organization] = relationship()

    def __repr__(self) -> str:
        return f"<DevelopmentCase {self.id} {self.stage.value}>"


class OrgTerm(Base):
    """One term of office (届) of an organization's committee: elected on ``term_start`` for
    ``term_years``; the latest row is the current term (docs/member-development.md)."""

    __tablename__ = "org_terms"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    term_start: Mapped[date]
    term_years: Mapped[int]
    note: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str | None] = mapped_column(String(80))

    org: Mapped[Organization] = relationship()
