"""The per-node summary of the organization tree (组织概况, docs/founding-spec.md).

Every figure is an SQL aggregate over the node's subtree, found by the materialized ``path``
prefix: one query for organizations by type, one for the member figures, however many members
the subtree holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Integer, case, func, select
from sqlalchemy.orm import Session

from backend.models import Member, MemberStatus, Organization, OrgType
from backend.models.member import PRE_PRC_DATE
from backend.services import hall_clock
from backend.services.members import COLLEGE_EDUCATION
from backend.services.percent import percent_text

YOUTH_MAX_AGE = 35


def years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def born_after_for_max_age(today: date, max_age: int) -> date:
    """Members aged ``max_age`` or younger today were born strictly after this date."""
    return years_before(today, max_age + 1)


@dataclass(frozen=True)
class OrgSummary:
    """Figures for one node and everything below it; members exclude the archive."""

    org_counts: dict[OrgType, int]  # organizations below the node, by type (active only)
    members: int
    probationary: int
    women: int
    young: int  # aged 35 and under
    college: int  # 大专及以上
    pre_1949: int  # joined before 1949-10-01

    def share(self, count: int) -> float:
        """Percentage of the node's members, 0 when there are none (for sizes, not text)."""
        return 100.0 * count / self.members if self.members else 0.0

    def share_text(self, count: int) -> str:
        """The share as shown: ``percent.percent_text``, the one rounding rule."""
        return percent_text(count, self.members)

    @property
    def orgs_total(self) -> int:
        return sum(self.org_counts.values())

    @property
    def labelled_counts(self) -> list[tuple[str, int]]:
        return [(t.label, n) for t, n in self.org_counts.items()]


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).cast(Integer)


def member_figures(session: Session, path: str, today: date) -> tuple[int, ...]:
    """(members, probationary, women, young, college, pre-1949) for the subtree at ``path``."""
    young_after = born_after_for_max_age(today, YOUTH_MAX_AGE)
    row = session.execute(
        select(
            func.count(Member.id),
            _flag(Member.status == MemberStatus.PROBATIONARY),
            _flag(Member.sex == "F"),
            _flag(Member.birth_date > young_after),
            _flag(Member.education.in_(sorted(COLLEGE_EDUCATION))),
            _flag(Member.joined_date < PRE_PRC_DATE),
        )
        .join(Organization, Member.org_id == Organization.id)
        .where(Organization.path.startswith(path, autoescape=True), Member.archived.is_(False))
    ).one()
    return tuple(int(v or 0) for v in row)


def org_counts(session: Session, path: str) -> dict[OrgType, int]:
    """Active organizations strictly below the node, by type."""
    rows = session.execute(
        select(Organization.type, func.count(Organization.id))
        .where(
            Organization.path.startswith(path, autoescape=True),
            Organization.path != path,
            Organization.active.is_(True),
        )
        .group_by(Organization.type)
    ).all()
    found = {OrgType(t): int(n) for t, n in rows}
    return {t: found.get(t, 0) for t in OrgType if t is not OrgType.DISTRICT}


def summarize(session: Session, org: Organization, today: date | None = None) -> OrgSummary:
    members, probationary, women, young, college, pre_1949 = member_figures(
        session, org.path, today or hall_clock.today()
    )
    return OrgSummary(
        org_counts=org_counts(session, org.path),
        members=members,
        probationary=probationary,
        women=women,
        young=young,
        college=college,
        pre_1949=pre_1949,
    )


def members_per_child(session: Session, org: Organization) -> dict[int, int]:
    """Member count of each direct child's whole subtree, in one grouped query."""
    child = Organization.__table__.alias("child")
    below = Organization.__table__.alias("below")
    rows = session.execute(
        select(child.c.id, func.count(Member.id))
        .select_from(child)
        .join(below, below.c.path.startswith(child.c.path))
        .join(Member, Member.org_id == below.c.id)
        .where(child.c.parent_id == org.id, Member.archived.is_(False))
        .group_by(child.c.id)
    ).all()
    return {int(i): int(n) for i, n in rows}
