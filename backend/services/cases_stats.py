"""Case statistics (诉求统计) of one year: by type, by organization and by month, each split by
type, with the open, closed and overdue counts (docs/cases.md). Scoped like the case lists."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import extract, func, select
from sqlalchemy.orm import Session

from backend.models import Case, CaseState, CaseType, Organization
from backend.services import cases
from backend.services.actor import Actor
from backend.services.exports import Column, Section, Sheet

TYPES = tuple(CaseType)


@dataclass
class CountRow:
    label: str
    by_type: dict[CaseType, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.by_type.values())

    def cells(self) -> list[object]:
        return [self.label, *(self.by_type.get(t, 0) for t in TYPES), self.total]


@dataclass
class CaseStats:
    year: int
    summary: list[CountRow]  # 受理, 办理中, 已办结, 逾期未答复 — each split by type
    by_org: list[CountRow]
    by_month: list[CountRow]


def statistics(session: Session, actor: Actor, year: int, today: date) -> CaseStats:
    base = cases.query(actor).where(Case.year == year).subquery()
    summary = [CountRow(label) for label in ("受理", "办理中", "已办结", "逾期未答复")]
    overdue = (base.c.state.in_(cases.WAITING_STATES)) & (base.c.due_on < today)
    for kind, state, late, n in session.execute(
        select(base.c.case_type, base.c.state, overdue, func.count()).group_by(
            base.c.case_type, base.c.state, overdue
        )
    ):
        kind = CaseType(kind)
        closed = CaseState(state) is CaseState.CLOSED
        for row, counted in zip(summary, (True, not closed, closed, bool(late)), strict=True):
            if counted:
                row.by_type[kind] = row.by_type.get(kind, 0) + n
    by_org: dict[int, CountRow] = {}
    for org_id, name, code, kind, n in session.execute(
        select(base.c.org_id, Organization.name, Organization.code, base.c.case_type, func.count())
        .join(Organization, Organization.id == base.c.org_id)
        .group_by(base.c.org_id, Organization.name, Organization.code, base.c.case_type)
        .order_by(Organization.code)
    ):
        by_org.setdefault(org_id, CountRow(f"{name}（{code}）")).by_type[CaseType(kind)] = n
    months = {m: CountRow(f"{m}月") for m in range(1, 13)}
    month = extract("month", base.c.accepted_on)
    for m, kind, n in session.execute(
        select(month, base.c.case_type, func.count()).group_by(month, base.c.case_type)
    ):
        months[int(m)].by_type[CaseType(kind)] = n
    return CaseStats(year, summary, list(by_org.values()), list(months.values()))


def sheet(stats: CaseStats, center: str) -> Sheet:
    """One export: the three tables one under the other."""
    columns = [Column("项目", width=28), *(Column(t.label, "int", 9) for t in TYPES)]
    columns.append(Column("合计", "int", 8))
    rows: list[Sequence[object] | Section] = [Section("办理情况")]
    rows += [r.cells() for r in stats.summary]
    rows.append(Section("按党组织（受理件数）"))
    rows += [r.cells() for r in stats.by_org]
    rows.append(Section("按月份（受理件数）"))
    rows += [r.cells() for r in stats.by_month]
    return Sheet(
        title=f"{stats.year}年党员诉求统计",
        columns=columns,
        rows=rows,
        header_lines=[center],
    )
