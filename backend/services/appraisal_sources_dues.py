"""Automatic indicators from the dues ledger and remittances (docs/appraisal.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from fractions import Fraction
from typing import Any

from sqlalchemy import and_, case, func, select

from backend.models import DuesMonth, Organization, RemittanceBatch, RemittanceState
from backend.services import hall_clock
from backend.services.appraisal_indicators import (
    Context,
    Measure,
    Period,
    indicator,
    month_end,
    pct,
    roll_up,
    share,
)
from backend.services.money import format_yuan


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
        value = share(got, due)
        out[org.id] = Measure(
            value,
            f"收缴率 = 已交 {format_yuan(got)}元 ÷ 应交 {format_yuan(due)}元 = {pct(value)}",
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
        value = share(timely, months)
        out[org.id] = Measure(
            value,
            f"按时交纳率 = 当月交清的人月数 {timely} ÷ 应交人月数 {months} = {pct(value)}",
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
        value = share(timely, batches)
        out[org.id] = Measure(
            value,
            f"按时汇缴率 = 期末后{grace}天内确认的汇缴单 {timely} ÷ 汇缴单 {batches} = "
            f"{pct(value)}",
            {"batches": batches, "on_time": timely, "grace_days": grace},
        )
    return out
