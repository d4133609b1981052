"""Members of a subtree by category (正式/预备, 性别, 民族, 年龄段, 学历, 入党时间, 流动, 困难) for
the node summary's pies and the 党组织基本情况信息表 (docs/info-tables.md).

One SQL statement per call: every count is a ``SUM(CASE …)`` over the members joined to the
subtree's organizations (materialized ``path`` prefix), never a loop over members.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Integer, and_, case, func, select
from sqlalchemy.orm import Session

from backend.models import Member, MemberStatus, Organization
from backend.models.member import PRE_PRC_DATE
from backend.services.members import EDUCATION_LEVELS
from backend.services.org_stats import born_after_for_max_age, years_before

#: (label, youngest age, oldest age) — None for an open end.
AGE_GROUPS: tuple[tuple[str, int | None, int | None], ...] = (
    ("35岁及以下", None, 35),
    ("36至45岁", 36, 45),
    ("46至55岁", 46, 55),
    ("56至60岁", 56, 60),
    ("61岁及以上", 61, None),
)


@dataclass(frozen=True)
class Group:
    """One way of splitting the members: its title and (label, count) parts adding up to all."""

    key: str
    title: str
    parts: tuple[tuple[str, int], ...]

    @property
    def total(self) -> int:
        return sum(n for _label, n in self.parts)

    def count(self, label: str) -> int:
        return dict(self.parts)[label]


def _age(low: int | None, high: int | None, today: date) -> ColumnElement[bool]:
    conditions = []
    if high is not None:
        conditions.append(Member.birth_date > born_after_for_max_age(today, high))
    if low is not None:
        conditions.append(Member.birth_date <= years_before(today, low))
    return and_(*conditions)


def _conditions(today: date) -> dict[str, tuple[str, list[tuple[str, ColumnElement[bool]]]]]:
    known_education = Member.education.in_(EDUCATION_LEVELS)
    return {
        "status": (
            "正式/预备",
            [
                ("正式党员", Member.status == MemberStatus.FULL),
                ("预备党员", Member.status == MemberStatus.PROBATIONARY),
            ],
        ),
        "sex": ("性别", [("男", Member.sex == "M"), ("女", Member.sex == "F")]),
        "ethnicity": (
            "民族",
            [("汉族", Member.ethnicity == "汉族"), ("少数民族", Member.ethnicity != "汉族")],
        ),
        "age": ("年龄", [(label, _age(lo, hi, today)) for label, lo, hi in AGE_GROUPS]),
        "education": (
            "学历",
            [(level, Member.education == level) for level in EDUCATION_LEVELS]
            + [("未填写", Member.education.is_(None) | ~known_education)],
        ),
        "joined": (
            "入党时间",
            [
                ("1949年10月1日前入党", Member.joined_date < PRE_PRC_DATE),
                ("1949年10月1日后入党", Member.joined_date >= PRE_PRC_DATE),
            ],
        ),
        "floating": (
            "流动党员",
            [("流动党员", Member.floating.is_(True)), ("非流动党员", Member.floating.is_(False))],
        ),
        "hardship": (
            "困难党员",
            [("困难党员", Member.hardship.is_(True)), ("其他党员", Member.hardship.is_(False))],
        ),
    }


def breakdown(session: Session, path: str, today: date) -> dict[str, Group]:
    """Every group for the subtree at ``path`` (members in the archive are not counted)."""
    spec = _conditions(today)
    columns = [
        func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)
        for _title, parts in spec.values()
        for _label, condition in parts
    ]
    row = session.execute(
        select(*columns)
        .join(Organization, Member.org_id == Organization.id)
        .where(Organization.path.startswith(path, autoescape=True), Member.archived.is_(False))
    ).one()
    values = iter(int(v or 0) for v in row)
    return {
        key: Group(key, title, tuple((label, next(values)) for label, _c in parts))
        for key, (title, parts) in spec.items()
    }
