"""How often each kind of meeting must be held, and which branches did (docs/meetings.md).

A rule of N months cuts the year into calendar-aligned periods (1: every month, 3: every
quarter). A period is met when the branch recorded at least one meeting of that kind in it; it
is missed once it has ended without one. A month's completion rate looks at the periods that end
in that month: January checks the monthly kinds, March the monthly and the quarterly ones.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, exists, func, select
from sqlalchemy.orm import Session

from backend.models import (
    AttendanceState,
    Meeting,
    MeetingAttendance,
    MeetingKind,
    Member,
    Organization,
    OrgType,
)
from backend.services.actor import Actor
from backend.services.percent import percent_text
from backend.services.scope import org_in_scope
from backend.settings import MeetingSettings


def rules(settings: MeetingSettings) -> dict[MeetingKind, int]:
    """The kinds with a frequency rule and their period in months."""
    months = {
        MeetingKind.COMMITTEE: settings.committee_months,
        MeetingKind.GROUP: settings.group_months,
        MeetingKind.ASSEMBLY: settings.assembly_months,
        MeetingKind.LECTURE: settings.lecture_months,
        MeetingKind.THEME_DAY: settings.theme_day_months,
    }
    for kind, n in months.items():
        if n < 0 or n and 12 % n:
            raise ValueError(f"{kind.label}的召开周期须为1、2、3、4、6或12个月（现为{n}）")
    return {kind: n for kind, n in months.items() if n > 0}


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def period_of(day: date, months: int) -> tuple[date, date]:
    """The calendar-aligned period of ``months`` months that contains ``day``."""
    first = (day.month - 1) // months * months + 1
    last = first + months - 1
    return date(day.year, first, 1), _month_end(day.year, last)


def period_label(start: date, months: int) -> str:
    if months == 1:
        return f"{start.year}年{start.month}月"
    if months == 3:
        return f"{start.year}年第{(start.month - 1) // 3 + 1}季度"
    end = period_of(start, months)[1]
    return f"{start.year}年{start.month}月至{end.month}月"


def branches_query(actor: Actor, root: Organization | None = None) -> Select:
    """Active branches with at least one member, in the actor's subtree (or under ``root``)."""
    has_members = exists().where(Member.org_id == Organization.id, Member.archived.is_(False))
    stmt = select(Organization).where(
        Organization.type == OrgType.BRANCH,
        Organization.active.is_(True),
        org_in_scope(actor),
        has_members,
    )
    if root is not None:
        stmt = stmt.where(Organization.path.startswith(root.path, autoescape=True))
    return stmt


def held_counts(
    session: Session, org_ids: list[int], start: date, end: date
) -> Counter[tuple[int, int, MeetingKind]]:
    """Recorded meetings per (organization, month number since year 0, kind) in the span."""
    counts: Counter[tuple[int, int, MeetingKind]] = Counter()
    if not org_ids:
        return counts
    rows = session.execute(
        select(Meeting.org_id, Meeting.kind, Meeting.held_on).where(
            Meeting.org_id.in_(org_ids),
            Meeting.recorded_at.is_not(None),
            Meeting.held_on >= start,
            Meeting.held_on <= end,
        )
    )
    for org_id, kind, held_on in rows:
        counts[(org_id, held_on.year * 12 + held_on.month - 1, kind)] += 1
    return counts


@dataclass(frozen=True)
class MonthRate:
    """One branch in one month: meetings held per kind, the rules due and met, attendance."""

    held: dict[MeetingKind, int]
    due: list[MeetingKind]
    met: list[MeetingKind]
    present: int
    expected: int

    @property
    def rate_text(self) -> str:
        return percent_text(len(self.met), len(self.due), empty="—")

    @property
    def attendance_text(self) -> str:
        return percent_text(self.present, self.expected, empty="—")

    @property
    def missed(self) -> list[MeetingKind]:
        return [k for k in self.due if k not in self.met]


def month_rates(
    session: Session, settings: MeetingSettings, org_ids: list[int], year: int, month: int
) -> dict[int, MonthRate]:
    """The completion of ``year``-``month`` for each organization, in two queries."""
    kinds = rules(settings)
    longest = max(kinds.values(), default=1)
    end = _month_end(year, month)
    start = period_of(end, longest)[0]
    counts = held_counts(session, org_ids, start, end)
    present, expected = _attendance(session, org_ids, date(year, month, 1), end)
    index = year * 12 + month - 1
    result = {}
    for org_id in org_ids:
        held = {k: counts[(org_id, index, k)] for k in MeetingKind}
        due, met = [], []
        for kind, months in kinds.items():
            first, last = period_of(end, months)
            if last != end:
                continue
            due.append(kind)
            first_index = first.year * 12 + first.month - 1
            if any(counts[(org_id, i, kind)] for i in range(first_index, index + 1)):
                met.append(kind)
        result[org_id] = MonthRate(held, due, met, present.get(org_id, 0), expected.get(org_id, 0))
    return result


def _attendance(
    session: Session, org_ids: list[int], start: date, end: date
) -> tuple[dict[int, int], dict[int, int]]:
    """Members present and members expected at the recorded meetings of the span."""
    if not org_ids:
        return {}, {}
    rows = session.execute(
        select(
            Meeting.org_id,
            func.count().filter(MeetingAttendance.state == AttendanceState.PRESENT),
            func.count().filter(MeetingAttendance.expected.is_(True)),
        )
        .join(MeetingAttendance, MeetingAttendance.meeting_id == Meeting.id)
        .where(
            Meeting.org_id.in_(org_ids),
            Meeting.recorded_at.is_not(None),
            Meeting.held_on >= start,
            Meeting.held_on <= end,
        )
        .group_by(Meeting.org_id)
    )
    present, expected = {}, {}
    for org_id, came, due in rows:
        present[org_id], expected[org_id] = int(came), int(due)
    return present, expected


@dataclass(frozen=True)
class MissedRow:
    org_id: int
    org_name: str
    kind_label: str
    period: str
    last_held: date | None


def missed(
    session: Session, settings: MeetingSettings, actor: Actor, today: date
) -> list[MissedRow]:
    """For each rule, the branches that let its last finished period pass without a meeting."""
    kinds = rules(settings)
    stmt = branches_query(actor).with_only_columns(Organization.id, Organization.name)
    branches = session.execute(stmt.order_by(Organization.code)).all()
    if not branches or not kinds:
        return []
    org_ids = [b.id for b in branches]
    last = {
        (org_id, kind): held_on
        for org_id, kind, held_on in session.execute(
            select(Meeting.org_id, Meeting.kind, func.max(Meeting.held_on))
            .where(
                Meeting.org_id.in_(org_ids),
                Meeting.recorded_at.is_not(None),
                Meeting.held_on < today,
            )
            .group_by(Meeting.org_id, Meeting.kind)
        )
    }
    rows = []
    for kind, months in kinds.items():
        start, end = period_of(period_of(today, months)[0] - timedelta(days=1), months)
        met = set(
            session.scalars(
                select(Meeting.org_id).where(
                    Meeting.org_id.in_(org_ids),
                    Meeting.kind == kind,
                    Meeting.recorded_at.is_not(None),
                    Meeting.held_on >= start,
                    Meeting.held_on <= end,
                )
            )
        )
        for branch in branches:
            if branch.id not in met:
                held = last.get((branch.id, kind))
                label = period_label(start, months)
                rows.append(MissedRow(branch.id, branch.name, kind.label, label, held))
    return rows
