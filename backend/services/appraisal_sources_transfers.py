"""Automatic indicators from transfers and letters (docs/appraisal.md)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from sqlalchemy import or_, select

from backend.models import (
    Letter,
    LetterKind,
    LetterState,
    NoticeKind,
    Organization,
    TransferNotice,
)
from backend.services import hall_clock
from backend.services.appraisal_indicators import (
    Context,
    Measure,
    indicator,
    pct,
    ratio_measures,
)


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
    return ratio_measures(
        ctx,
        subjects,
        rows,
        lambda ok, n, v: f"及时办理率 = {days}天内处理的转入通知 {ok} ÷ 转入通知 {n} = {pct(v)}",
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
    return ratio_measures(
        ctx,
        subjects,
        rows,
        lambda ok, n, v: (
            f"回执按期收回率 = 有效期内收回 {ok} ÷ 已到期或已收回的介绍信 {n} = {pct(v)}"
        ),
        "本期无到期的介绍信，本项不计",
    )
