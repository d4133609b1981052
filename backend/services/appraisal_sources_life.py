"""Automatic indicators from organizational life, member cases and member development
(docs/appraisal.md): 三会一课 held as often as the rules ask (docs/meetings.md), member cases
answered by their due day (docs/cases.md), and the development deadlines kept
(docs/member-development.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import ColumnElement, or_, select

from backend.models import Case, DevelopmentCase, DevStage, Organization, OrgType
from backend.services import development, hall_clock, meeting_rates
from backend.services.appraisal_indicators import (
    Context,
    Measure,
    indicator,
    pct,
    ratio_measures,
)
from backend.services.development_rules import TIME_RULES, Kind


def _in_subtrees(subjects: Sequence[Organization]) -> ColumnElement[bool]:
    return or_(*(Organization.path.startswith(s.path, autoescape=True) for s in subjects))


@indicator("meetings_held", "三会一课按期召开")
def meetings_held(ctx: Context, subjects: Sequence[Organization]) -> dict[int, Measure]:
    """Over the months of the period that have ended, the meeting rules whose period ended in
    that month (a monthly 支委会 every month, a quarterly 党课 in the quarter's last month …),
    and how many of them the branch met."""
    branches = list(
        ctx.session.scalars(
            select(Organization.id).where(
                Organization.type == OrgType.BRANCH,
                Organization.active.is_(True),
                _in_subtrees(subjects),
            )
        )
    )
    today = hall_clock.today()
    rows: list[tuple[int, tuple[int, int]]] = []
    for month in ctx.period.months:
        if meeting_rates.period_of(ctx.period.first_day.replace(month=month), 1)[1] >= today:
            break  # a month not over yet cannot have missed anything
        rates = meeting_rates.month_rates(
            ctx.session, ctx.meetings, branches, ctx.period.year, month
        )
        rows += [(org_id, (len(r.due), len(r.met))) for org_id, r in rates.items() if r.due]
    return ratio_measures(
        ctx,
        subjects,
        rows,
        lambda ok, n, v: f"按期召开率 = 按期召开的会议 {ok} ÷ 应召开的会议 {n} = {pct(v)}",
        "本期没有已到期的会议要求，本项不计",
    )


@indicator("cases_answered_on_time", "党员诉求按期答复")
def cases_answered_on_time(ctx: Context, subjects: Sequence[Organization]) -> dict[int, Measure]:
    """Cases accepted in the period by the subject's organizations and already due or answered:
    answered by the end of their due day, out of all of them (a case not yet due and not yet
    answered is not counted)."""
    today = hall_clock.today()
    cases = ctx.session.execute(
        select(Case.org_id, Case.due_on, Case.replied_at).where(
            Case.accepted_on >= ctx.period.first_day,
            Case.accepted_on <= ctx.period.last_day,
            or_(Case.replied_at.is_not(None), Case.due_on < today),
        )
    ).all()
    rows = [
        (
            org_id,
            (1, int(replied is not None and replied < hall_clock.utc_start_of(due + timedelta(1)))),
        )
        for org_id, due, replied in cases
    ]
    return ratio_measures(
        ctx,
        subjects,
        rows,
        lambda ok, n, v: f"按期答复率 = 按期答复的诉求 {ok} ÷ 已到期或已答复的诉求 {n} = {pct(v)}",
        "本期没有已到期或已答复的党员诉求，本项不计",
    )


#: The deadlines that have one due day per case (谈话, 党委审批, 转正); the quarterly 思想汇报
#: recurs and is watched on the warnings page only.
_ONE_DEADLINE = [r for r in TIME_RULES if r.kind is Kind.WITHIN and r.code != "report"]


@indicator("development_deadlines_kept", "发展党员时限落实")
def development_deadlines_kept(
    ctx: Context, subjects: Sequence[Organization]
) -> dict[int, Measure]:
    """The development cases' deadlines that fell in the period and are settled — done, or
    passed — and of those, the ones done by their due day. A stopped case is not counted."""
    today = hall_clock.today()
    cases = ctx.session.scalars(
        select(DevelopmentCase)
        .join(Organization, DevelopmentCase.org_id == Organization.id)
        .where(DevelopmentCase.stage != DevStage.STOPPED, _in_subtrees(subjects))
    ).all()
    rows: list[tuple[int, tuple[int, int]]] = []
    for case in cases:
        facts = development.facts(ctx.session, case)
        for rule in _ONE_DEADLINE:
            start, done = facts.get(rule.start), facts.get(rule.end)
            if start is None:
                continue
            due = rule.deadline(start)
            if not ctx.period.first_day <= due <= ctx.period.last_day:
                continue
            if done is None and due >= today:
                continue  # not due yet
            rows.append((case.org_id, (1, int(done is not None and done <= due))))
    return ratio_measures(
        ctx,
        subjects,
        rows,
        lambda ok, n, v: f"时限落实率 = 按时办理的事项 {ok} ÷ 本期到期的事项 {n} = {pct(v)}",
        "本期没有到期的发展党员事项，本项不计",
    )
