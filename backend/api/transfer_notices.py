"""The inbox of the receiving side: notices to receiving 党委/总支 (党员转入通知,
新转入党员党费核定通知单), listed for the organization they are addressed to and for the receiving
branch; accepting a notice, the member's arrival (报到) and the 党委's dues assessment
(``services.transfer_inbox``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.models import NoticeKind, TransferNotice
from backend.services import (
    hall_clock,
    transfer_archive,
    transfer_in,
    transfer_inbox,
    transfer_register,
)
from backend.services.dues_year import hall_today
from backend.services.letters import notice_document
from backend.services.money import format_yuan, parse_yuan
from backend.services.policy import Action

ERRORS = (400, 401, 403, 404, 409)


class ArrivalOut(BaseModel):
    transfer_id: int
    member_id: int
    name: str
    arrived_on: str | None = Field(description="报到日期；未报到为空")
    may_record: bool = Field(description="当前用户可以登记该党员报到")


class NoticeOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    org_id: int
    addressee: str
    members: list[dict[str, Any]]
    date: str
    handled: bool
    handled_by: str | None
    state_label: str = Field(description="待接收 / 已接收 / 等待党委核定（…） / 已核定")
    can_accept: bool
    can_assess: bool
    arrivals: list[ArrivalOut]
    document: dict[str, Any]


def notice_out(ctx: Ctx, n: TransferNotice) -> NoticeOut:
    item = transfer_inbox.item(ctx.session, ctx.actor, n)
    return NoticeOut(
        id=n.id,
        kind=n.kind.value,
        kind_label=n.kind.label,
        org_id=n.org_id,
        addressee=n.payload["addressee"],
        members=n.payload["members"],
        date=n.payload["date"],
        handled=n.handled_at is not None,
        handled_by=n.handled_by,
        state_label=item.state_label,
        can_accept=item.can_accept,
        can_assess=item.can_assess,
        arrivals=[
            ArrivalOut(
                transfer_id=t.id,
                member_id=t.member_id,
                name=t.name,
                arrived_on=t.arrived_on.isoformat() if t.arrived_on else None,
                may_record=item.arrivals[t.id],
            )
            for t in item.transfers
        ],
        document=notice_document(ctx.settings, n).to_dict(),
    )


class NoticeQuery(BaseModel):
    pending: bool = Field(default=False, description="只列未处理的（同 state=open）")
    state: transfer_inbox.InboxState | None = Field(
        default=None, description="open|receive|assessment|not_arrived|done"
    )
    kind: NoticeKind | None = None
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=50, ge=1, le=200)


class NoticeListOut(BaseModel):
    items: list[NoticeOut]
    total: int
    page: int
    per_page: int


@endpoint(
    api_bp,
    "/transfer-notices",
    summary="转入通知收件箱（本组织收到的和转入本组织的，分页）",
    query=NoticeQuery,
    response=NoticeListOut,
    action=Action.READ,
)
def list_notices(ctx: Ctx, query: NoticeQuery) -> NoticeListOut:
    state = query.state or (transfer_inbox.InboxState.OPEN if query.pending else None)
    stmt = transfer_inbox.inbox_query(ctx.actor, state)
    if query.kind is not None:
        stmt = stmt.where(TransferNotice.kind == query.kind)
    rows, total = transfer_inbox.page_of(ctx.session, stmt, query.page, query.per_page)
    return NoticeListOut(
        items=[notice_out(ctx, n) for n in rows],
        total=total,
        page=query.page,
        per_page=query.per_page,
    )


@endpoint(
    api_bp,
    "/transfer-notices/<int:notice_id>/handle",
    method="POST",
    summary="接收：已联系转入的党员（党费核定通知单由党委核定后办结）",
    response=NoticeOut,
    errors=(400, 404, 409),
    action=Action.NOTICE_HANDLE,
    idempotent=True,
)
def handle_notice(ctx: Ctx, notice_id: int) -> NoticeOut:
    notice = transfer_inbox.get_notice(ctx.session, ctx.actor, notice_id)
    return notice_out(ctx, transfer_inbox.accept(ctx.session, ctx.actor, notice))


class ArrivalIn(BaseModel):
    date: dt.date | None = Field(default=None, description="报到日期，默认今天")


class ArrivalResultOut(BaseModel):
    transfer_id: int
    member_id: int
    name: str
    arrived_on: str
    arrived_by: str


@endpoint(
    api_bp,
    "/transfers/<int:transfer_id>/arrival",
    method="POST",
    summary="登记转入党员到接收支部报到",
    body=ArrivalIn,
    response=ArrivalResultOut,
    errors=ERRORS,
    action=Action.TRANSFER_ARRIVAL,
    idempotent=True,
)
def record_arrival(ctx: Ctx, transfer_id: int, body: ArrivalIn) -> ArrivalResultOut:
    today = hall_today(ctx.settings.dues)
    t = transfer_inbox.record_arrival(
        ctx.session, ctx.actor, transfer_id, on=body.date or today, today=today
    )
    assert t.arrived_on is not None and t.arrived_by is not None
    return ArrivalResultOut(
        transfer_id=t.id,
        member_id=t.member_id,
        name=t.name,
        arrived_on=t.arrived_on.isoformat(),
        arrived_by=t.arrived_by,
    )


class NoticeAssessIn(BaseModel):
    category: str = Field(description="employed|retired|farmer|student|unemployed|low_income")
    base: str | None = Field(default=None, description="月计算基数（元）")


class AssessedOut(BaseModel):
    member_id: int
    monthly: str
    rule: str
    notice: NoticeOut


@endpoint(
    api_bp,
    "/transfer-notices/<int:notice_id>/assess",
    method="POST",
    summary="党委核定新转入党员党费",
    body=NoticeAssessIn,
    response=AssessedOut,
    errors=ERRORS,
    action=Action.DUES_ASSESS_NEW,
    idempotent=True,
)
def assess_notice(ctx: Ctx, notice_id: int, body: NoticeAssessIn) -> AssessedOut:
    notice = transfer_inbox.get_notice(ctx.session, ctx.actor, notice_id)
    member, result = transfer_in.assess_new_member(
        ctx.session,
        ctx.actor,
        ctx.settings,
        notice,
        category=body.category,
        base_fen=parse_yuan(body.base) if body.base else None,
    )
    return AssessedOut(
        member_id=member.id,
        monthly=format_yuan(result.monthly_fen),
        rule=result.rule,
        notice=notice_out(ctx, notice),
    )


class ArchiveLetterOut(BaseModel):
    transfer_id: int
    prints: int = Field(description="存档介绍信已打印次数（含本次）")
    document: dict[str, Any] = Field(description="打印文档（PrintDocument.to_dict）")


@endpoint(
    api_bp,
    "/transfers/<int:transfer_id>/archive-letter",
    method="POST",
    summary="打印区内转接的存档组织关系介绍信（计入打印次数，第二次起注明补打）",
    response=ArchiveLetterOut,
    errors=ERRORS,
    action=Action.LETTER_ISSUE,
)
def archive_letter(ctx: Ctx, transfer_id: int) -> ArchiveLetterOut:
    transfer = transfer_register.get_transfer(ctx.session, ctx.actor, transfer_id)
    prints = transfer_archive.count_print(ctx.session, ctx.actor, transfer)
    now = hall_clock.now_local(ctx.settings.dues.timezone)
    letter = transfer_archive.content(transfer, prints, now)
    return ArchiveLetterOut(
        transfer_id=transfer.id,
        prints=prints,
        document=transfer_archive.document(letter).to_dict(),
    )
