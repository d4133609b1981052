"""Automatic indicators: values computed from the hall's own records, each with the formula and
the figures it used, so a branch can check its score (docs/appraisal.md).

``REGISTRY`` maps a source name (what a template leaf names in ``source``) to its function. A
new source is one ``@indicator(...)`` function in its area's module, imported at the end of this
one (``appraisal_sources_dues``, ``appraisal_sources_transfers``, ``appraisal_votes``); it
receives every subject organization of a round at once and answers per organization, so a round
of thousands of branches costs a few queries, not thousands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Organization
from backend.settings import AppraisalSettings, MeetingSettings


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None  # None: the whole year

    @property
    def months(self) -> range:
        if self.quarter is None:
            return range(1, 13)
        return range(3 * self.quarter - 2, 3 * self.quarter + 1)

    @property
    def first_day(self) -> date:
        return date(self.year, self.months[0], 1)

    @property
    def last_day(self) -> date:
        return month_end(self.year, self.months[-1])

    @property
    def label(self) -> str:
        return f"{self.year}年" + (f"第{self.quarter}季度" if self.quarter else "度")


def month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


@dataclass(frozen=True)
class Context:
    session: Session
    period: Period
    settings: AppraisalSettings
    round_id: int | None = None
    subject_ids: dict[int, int] = field(default_factory=dict)  # org id → subject id
    meetings: MeetingSettings = field(default_factory=MeetingSettings)  # 三会一课 frequencies


@dataclass(frozen=True)
class Measure:
    """``points`` out of 100, or None when there was nothing to measure (the leaf then does not
    count, docs/appraisal.md); ``formula`` says how, with the figures."""

    points: Fraction | None
    formula: str
    figures: dict[str, Any]


Compute = Callable[[Context, Sequence[Organization]], dict[int, Measure]]


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    kinds: tuple[str, ...]
    compute: Compute


REGISTRY: dict[str, Indicator] = {}


def indicator(
    key: str, label: str, kinds: tuple[str, ...] = ("org",)
) -> Callable[[Compute], Compute]:
    def register(fn: Compute) -> Compute:
        REGISTRY[key] = Indicator(key, label, kinds, fn)
        return fn

    return register


def roll_up(
    session: Session, subjects: Sequence[Organization], rows: Iterable[tuple[int, Sequence[int]]]
) -> dict[int, list[int]]:
    """Add per-organization counts into every subject whose subtree holds that organization."""
    wanted = {s.id for s in subjects}
    totals: dict[int, list[int]] = {}
    rows = list(rows)
    paths = (
        dict(
            session.execute(
                select(Organization.id, Organization.path).where(
                    Organization.id.in_({org_id for org_id, _ in rows})
                )
            ).all()
        )
        if rows
        else {}
    )
    for org_id, counts in rows:
        for ancestor in (int(i) for i in paths.get(org_id, "").strip("/").split("/") if i):
            if ancestor in wanted:
                acc = totals.setdefault(ancestor, [0] * len(counts))
                for i, c in enumerate(counts):
                    acc[i] += int(c or 0)
    return totals


def share(part: int, whole: int) -> Fraction:
    return Fraction(100 * part, whole)


def pct(value: Fraction) -> str:
    return f"{float(value):.2f}%"


def ratio_measures(
    ctx: Context,
    subjects: Sequence[Organization],
    rows: list[tuple[int, tuple[int, int]]],
    formula: Callable[[int, int, Fraction], str],
    empty: str,
) -> dict[int, Measure]:
    totals = roll_up(ctx.session, subjects, rows)
    out = {}
    for org in subjects:
        count, ok = totals.get(org.id, [0, 0])
        if not count:
            out[org.id] = Measure(None, empty, {"count": 0})
            continue
        value = share(ok, count)
        out[org.id] = Measure(value, formula(ok, count, value), {"count": count, "on_time": ok})
    return out


# The sources register themselves on import: one module per area, one line here each.
from backend.services import (  # noqa: E402,F401
    appraisal_sources_dues,
    appraisal_sources_life,
    appraisal_sources_transfers,
    appraisal_votes,
)
