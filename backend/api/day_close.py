"""日结 and void approvals: the counter previews and closes its day (with the 日结单 print
document), desk staff list closes and decide void requests (冲正). Rules: docs/day-close.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.api.payments import VoidRequestOut, void_request_out
from backend.errors import Invalid
from backend.models import DayClose
from backend.services import day_close, day_close_doc, day_close_register, voids
from backend.services.dues_year import hall_today, to_local
from backend.services.money import format_yuan
from backend.services.policy import Action


class DayCloseLineOut(BaseModel):
    slip_no: str
    amount: str
    method: str
    reason: str
    voided_by: str
    approved_by: str | None


class DayCloseOut(BaseModel):
    id: int | None = Field(description="未日结（预览）时为空")
    closed: bool
    hall_day: dt.date
    operator: str
    slip_count: int
    first_slip: str | None
    last_slip: str | None
    payment_count: int
    cash: str
    bank: str
    tendered: str
    change: str
    total: str
    void_count: int
    void_total: str
    correction_count: int
    correction_total: str
    net_cash: str
    net_bank: str
    voids: list[DayCloseLineOut]
    corrections: list[DayCloseLineOut]
    closed_at: str | None
    prints: int
    document: dict[str, Any] = Field(description="日结单打印文档")


class DayCloseListOut(BaseModel):
    items: list[DayCloseOut]


class CloseIn(BaseModel):
    day: dt.date | None = Field(default=None, description="日结日期，默认今天")


class DayQuery(BaseModel):
    day: dt.date | None = None


class RangeQuery(BaseModel):
    start: dt.date | None = None
    end: dt.date | None = None
    operator: str | None = Field(default=None, max_length=80)


class DecideIn(BaseModel):
    note: str | None = Field(default=None, max_length=200, description="审批意见")


class VoidRequestListOut(BaseModel):
    items: list[VoidRequestOut]


def _lines(lines: list[day_close.Line]) -> list[DayCloseLineOut]:
    return [
        DayCloseLineOut(
            slip_no=x.slip_no,
            amount=format_yuan(x.amount_fen),
            method=x.method,
            reason=x.reason,
            voided_by=x.voided_by,
            approved_by=x.approved_by,
        )
        for x in lines
    ]


def close_out(
    ctx: Ctx,
    summary: day_close.DaySummary,
    close: DayClose | None,
    document: dict[str, Any],
) -> DayCloseOut:
    s = summary
    return DayCloseOut(
        id=close.id if close else None,
        closed=close is not None,
        hall_day=s.hall_day,
        operator=s.operator,
        slip_count=s.slip_count,
        first_slip=s.first_slip,
        last_slip=s.last_slip,
        payment_count=s.payment_count,
        cash=format_yuan(s.cash_fen),
        bank=format_yuan(s.bank_fen),
        tendered=format_yuan(s.tendered_fen),
        change=format_yuan(s.change_fen),
        total=format_yuan(s.cash_fen + s.bank_fen),
        void_count=len(s.voids),
        void_total=format_yuan(s.void_fen),
        correction_count=len(s.corrections),
        correction_total=format_yuan(s.correction_fen()),
        net_cash=format_yuan(s.net_cash_fen),
        net_bank=format_yuan(s.net_bank_fen),
        voids=_lines(s.voids),
        corrections=_lines(s.corrections),
        closed_at=(
            to_local(close.closed_at, ctx.settings.dues).isoformat(timespec="seconds")
            if close
            else None
        ),
        prints=close.prints if close else 0,
        document=document,
    )


def stored_out(ctx: Ctx, close: DayClose, *, reprint: bool = False) -> DayCloseOut:
    document = day_close_doc.stored_document(ctx.settings, close, reprint=reprint).to_dict()
    return close_out(ctx, day_close.DaySummary.from_detail(close.detail), close, document)


@endpoint(
    api_bp,
    "/counter/day-close",
    summary="本人某日的日结（已日结时为日结单，否则为预览）",
    query=DayQuery,
    response=DayCloseOut,
    action=Action.DAY_CLOSE,
)
def preview_day(ctx: Ctx, query: DayQuery) -> DayCloseOut:
    day = query.day or hall_today(ctx.settings.dues)
    close = day_close.close_of(ctx.session, ctx.actor.name, day)
    if close is not None:
        return stored_out(ctx, close)
    summary, _requests = day_close.summarize(ctx.session, ctx.actor.name, day, ctx.settings.dues)
    document = day_close_doc.close_document(ctx.settings, summary, closed_at=None).to_dict()
    return close_out(ctx, summary, None, document)


@endpoint(
    api_bp,
    "/counter/day-close",
    method="POST",
    summary="日结：固定本人当日的收款、作废与冲正，返回日结单打印文档；日结后当天不能再收款",
    body=CloseIn,
    response=DayCloseOut,
    status=201,
    errors=(400, 409),
    action=Action.DAY_CLOSE,
)
def close_day(ctx: Ctx, body: CloseIn) -> DayCloseOut:
    today = hall_today(ctx.settings.dues)
    close = day_close.close_day(
        ctx.session, ctx.actor, ctx.settings.dues, day=body.day or today, today=today
    )
    return stored_out(ctx, close)


@endpoint(
    api_bp,
    "/day-closes",
    summary="日结记录（管理范围内）",
    query=RangeQuery,
    response=DayCloseListOut,
    action=Action.READ,
)
def list_closes(ctx: Ctx, query: RangeQuery) -> DayCloseListOut:
    today = hall_today(ctx.settings.dues)
    start = query.start or today.replace(day=1)
    end = query.end or today
    if start > end:
        raise Invalid("开始日期不能晚于结束日期", code="date_range")
    rows = day_close_register.list_closes(ctx.session, ctx.actor, start, end, query.operator)
    return DayCloseListOut(items=[stored_out(ctx, c) for c in rows])


@endpoint(
    api_bp,
    "/day-closes/<int:close_id>/reprint",
    method="POST",
    summary="补打日结单（标注补打次数与时间）",
    response=DayCloseOut,
    errors=(404,),
    action=Action.DAY_CLOSE,
)
def reprint_close(ctx: Ctx, close_id: int) -> DayCloseOut:
    close = day_close_register.get_close(ctx.session, ctx.actor, close_id)
    close = day_close_register.record_reprint(ctx.session, ctx.actor, close)
    return stored_out(ctx, close, reprint=True)


@endpoint(
    api_bp,
    "/void-requests",
    summary="待审批的作废申请（管理范围内）",
    response=VoidRequestListOut,
    action=Action.READ,
)
def list_void_requests(ctx: Ctx) -> VoidRequestListOut:
    rows = voids.requests_in_scope(ctx.session, ctx.actor, pending_only=True)
    return VoidRequestListOut(items=[void_request_out(ctx, r) for r in rows])


def _decide(ctx: Ctx, request_id: int, body: DecideIn, *, approve: bool) -> VoidRequestOut:
    request = voids.get_request(ctx.session, ctx.actor, request_id)
    request = voids.decide(
        ctx.session,
        ctx.actor,
        ctx.settings.dues,
        request,
        approve=approve,
        note=body.note,
        today=hall_today(ctx.settings.dues),
    )
    return void_request_out(ctx, request)


@endpoint(
    api_bp,
    "/void-requests/<int:request_id>/approve",
    method="POST",
    summary="批准作废申请：该笔缴费作废，作为冲正列入经办人下一次日结（党委或区级工作人员）",
    body=DecideIn,
    response=VoidRequestOut,
    errors=(403, 404, 409),
    action=Action.VOID_APPROVE,
    idempotent=True,
)
def approve_void(ctx: Ctx, request_id: int, body: DecideIn) -> VoidRequestOut:
    return _decide(ctx, request_id, body, approve=True)


@endpoint(
    api_bp,
    "/void-requests/<int:request_id>/reject",
    method="POST",
    summary="驳回作废申请（党委或区级工作人员）",
    body=DecideIn,
    response=VoidRequestOut,
    errors=(403, 404, 409),
    action=Action.VOID_APPROVE,
    idempotent=True,
)
def reject_void(ctx: Ctx, request_id: int, body: DecideIn) -> VoidRequestOut:
    return _decide(ctx, request_id, body, approve=False)
