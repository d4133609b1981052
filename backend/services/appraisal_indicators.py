"""Automatic indicators: values computed from the hall's own records, each with the formula and
the figures it used, so a branch can check its score (docs/appraisal.md).

``REGISTRY`` maps a source name (what a template leaf names in ``source``) to its function. A
new source is one ``@indicator(...)`` function here or in another module imported below; it
receives every subject organization of a round at once and answers per organization, so a round
of thousands of branches costs a few queries, not thousands.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from backend.models import (
    DuesMonth,
    Letter,
    LetterKind,
    LetterState,
    NoticeKind,
    Organization,
    RemittanceBatch,
    RemittanceState,
    TransferNotice,
)
from backend.services import hall_clock
from backend.services.money import format_yuan
from backend.settings import AppraisalSettings


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


def _share(part: int, whole: int) -> Fraction:
    return Fraction(100 * part, whole)


def _pct(value: Fraction) -> str:
    return f"{float(value):.2f}%"


@indicator("dues_collection", "党费收缴率")
def dues_collection(ctx: Context, subjects: Sequence[Organization]) -> dict[int, Measure]:
    paid = case(
        (DuesMonth.paid_fen < DuesMonth.due_fen, DuesMonth.paid_fen), else_=DuesMonth.due_fen
    )
    rows = ctx.session.execute(
        select(DuesMonth.org_id, func.sum(DuesMonth.due_fen), func.sum(paid))
        .where(_ledger_in(ctx.period))
        .group_by(DuesMonth.org_id)
    ).all()
    totals = roll_up(ctx.session, subjects, ((r[0], (r[1], r[2])) for r in rows))
    out = {}
    for org in subjects:
        due, got = totals.get(org.id, [0, 0])
        if not due:
            out[org.id] = Measure(None, f"{ctx.period.label}无应交党费，本项不计", {"due_fen": 0})
            continue
        value = _share(got, due)
        out[org.id] = Measure(
            value,
            f"收缴率 = 已交 {format_yuan(got)}元 ÷ 应交 {format_yuan(due)}元 = {_pct(value)}",
            {"due_fen": due, "paid_fen": got},
        )
    return out


@indicator("dues_on_time", "按月交纳党费")
def dues_on_time(ctx: Context, subjects: Sequence[Organization]) -> dict[int, Measure]:
    # a month is on time when it was paid in full before the end of that month (hall time)
    deadline = case(
        *(
            (
                DuesMonth.month == m,
                hall_clock.utc_start_of(month_end(ctx.period.year, m) + timedelta(days=1)),
            )
            for m in ctx.period.months
        )
    )
    on_time = case(
        (and_(DuesMonth.paid_fen >= DuesMonth.due_fen, DuesMonth.paid_at < deadline), 1), else_=0
    )
    rows = ctx.session.execute(
        select(DuesMonth.org_id, func.count(), func.sum(on_time))
        .where(_ledger_in(ctx.period))
        .group_by(DuesMonth.org_id)
    ).all()
    totals = roll_up(ctx.session, subjects, ((r[0], (r[1], r[2])) for r in rows))
    out = {}
    for org in subjects:
        months, timely = totals.get(org.id, [0, 0])
        if not months:
            out[org.id] = Measure(None, f"{ctx.period.label}无应交党费，本项不计", {"months": 0})
            continue
        value = _share(timely, months)
        out[org.id] = Measure(
            value,
            f"按时交纳率 = 当月交清的人月数 {timely} ÷ 应交人月数 {months} = {_pct(value)}",
            {"months": months, "on_time": timely},
        )
    return out


def _ledger_in(period: Period) -> Any:
    return and_(
        DuesMonth.year == period.year,
        DuesMonth.month.in_(list(period.months)),
        DuesMonth.due_fen > 0,
        DuesMonth.waived.is_(False),
    )


@indicator("remittance_on_time", "按时汇缴党费")
def remittance_on_time(ctx: Context, subjects: Sequence[Organization]) -> dict[int, Measure]:
    grace = ctx.settings.remittance_grace_days
    deadline = case(
        *(
            (
                RemittanceBatch.end_month == m,
                hall_clock.utc_start_of(month_end(ctx.period.year, m) + timedelta(days=grace + 1)),
            )
            for m in ctx.period.months
        )
    )
    on_time = case(
        (
            and_(
                RemittanceBatch.state == RemittanceState.CONFIRMED,
                RemittanceBatch.confirmed_at < deadline,
            ),
            1,
        ),
        else_=0,
    )
    rows = ctx.session.execute(
        select(RemittanceBatch.org_id, func.count(), func.sum(on_time))
        .where(
            RemittanceBatch.year == ctx.period.year,
            RemittanceBatch.end_month.in_(list(ctx.period.months)),
            RemittanceBatch.state != RemittanceState.CANCELLED,
        )
        .group_by(RemittanceBatch.org_id)
    ).all()
    totals = roll_up(ctx.session, subjects, ((r[0], (r[1], r[2])) for r in rows))
    out = {}
    for org in subjects:
        batches, timely = totals.get(org.id, [0, 0])
        if not batches:
            out[org.id] = Measure(
                Fraction(0), f"{ctx.period.label}无汇缴记录，按0分计", {"batches": 0}
            )
            continue
        value = _share(timely, batches)
        out[org.id] = Measure(
            value,
            f"按时汇缴率 = 期末后{grace}天内确认的汇缴单 {timely} ÷ 汇缴单 {batches} = "
            f"{_pct(value)}",
            {"batches": batches, "on_time": timely, "grace_days": grace},
        )
    return out


@indicator("transfer_notices_on_time", "组织关系转接及时办理")
def transfer_notices_on_time(ctx: Context, subjects: Sequence[Organization]) -> dict[int, Measure]:
    days = ctx.settings.notice_handle_days
    start = hall_clock.utc_start_of(ctx.period.first_day)
    end = hall_clock.utc_start_of(ctx.period.last_day + timedelta(days=1))
    notices = ctx.session.execute(
        select(TransferNotice.org_id, TransferNotice.created_at, TransferNotice.handled_at).where(
            TransferNotice.kind == NoticeKind.RECEIVE,
            TransferNotice.created_at >= start,
            TransferNotice.created_at < end,
        )
    ).all()
    rows = [
        (org_id, (1, int(handled is not None and handled - made <= timedelta(days=days))))
        for org_id, made, handled in notices
    ]
    return _ratio_measures(
        ctx,
        subjects,
        rows,
        lambda ok, n, v: f"及时办理率 = {days}天内处理的转入通知 {ok} ÷ 转入通知 {n} = {_pct(v)}",
        "本期无转入通知，本项不计",
    )


@indicator("letters_returned", "介绍信回执按期收回")
def letters_returned(ctx: Context, subjects: Sequence[Organization]) -> dict[int, Measure]:
    letters = ctx.session.execute(
        select(Letter.issuer_org_id, Letter.state, Letter.returned_on, Letter.valid_until).where(
            Letter.kind == LetterKind.INTRODUCTION,
            Letter.issued_on >= ctx.period.first_day,
            Letter.issued_on <= ctx.period.last_day,
            Letter.state != LetterState.REVOKED,
            or_(Letter.state == LetterState.RETURNED, Letter.valid_until < ctx.period.last_day),
        )
    ).all()
    rows = [
        (org_id, (1, int(state == LetterState.RETURNED and back is not None and back <= until)))
        for org_id, state, back, until in letters
    ]
    return _ratio_measures(
        ctx,
        subjects,
        rows,
        lambda ok, n, v: (
            f"回执按期收回率 = 有效期内收回 {ok} ÷ 已到期或已收回的介绍信 {n} = {_pct(v)}"
        ),
        "本期无到期的介绍信，本项不计",
    )


def _ratio_measures(
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
        value = _share(ok, count)
        out[org.id] = Measure(value, formula(ok, count, value), {"count": count, "on_time": ok})
    return out


# Satisfaction votes are read from the round itself.
from backend.services import appraisal_votes  # noqa: E402,F401
