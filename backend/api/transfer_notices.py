"""Notices to receiving 党委/总支 (党员转入通知, 新转入党员党费核定通知单), listed for the staff of
the organization they are addressed to, and the 党委's dues assessment that answers the latter."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.models import NoticeKind, TransferNotice
from backend.services import transfer_in, transfer_register
from backend.services.letters import notice_document
from backend.services.money import format_yuan, parse_yuan
from backend.services.policy import Action

ERRORS = (400, 401, 403, 404, 409)


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
    document: dict[str, Any]


def notice_out(ctx: Ctx, n: TransferNotice) -> NoticeOut:
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
        document=notice_document(ctx.settings, n).to_dict(),
    )


class NoticeQuery(BaseModel):
    pending: bool = Field(default=False, description="只列未处理的")
    kind: NoticeKind | None = None


class NoticeListOut(BaseModel):
    items: list[NoticeOut]


@endpoint(
    api_bp,
    "/transfer-notices",
    summary="转入通知与党费核定通知单",
    query=NoticeQuery,
    response=NoticeListOut,
    action=Action.READ,
)
def list_notices(ctx: Ctx, query: NoticeQuery) -> NoticeListOut:
    rows = transfer_register.list_notices(
        ctx.session, ctx.actor, pending_only=query.pending, kind=query.kind
    )
    return NoticeListOut(items=[notice_out(ctx, n) for n in rows])


@endpoint(
    api_bp,
    "/transfer-notices/<int:notice_id>/handle",
    method="POST",
    summary="通知已处理（已联系接收）",
    response=NoticeOut,
    errors=(404, 409),
    action=Action.NOTICE_HANDLE,
)
def handle_notice(ctx: Ctx, notice_id: int) -> NoticeOut:
    notice = transfer_register.get_notice(ctx.session, ctx.actor, notice_id)
    return notice_out(ctx, transfer_register.mark_handled(ctx.session, ctx.actor, notice))


class AssessIn(BaseModel):
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
    body=AssessIn,
    response=AssessedOut,
    errors=ERRORS,
    action=Action.DUES_ASSESS_NEW,
)
def assess_notice(ctx: Ctx, notice_id: int, body: AssessIn) -> AssessedOut:
    notice = transfer_register.get_notice(ctx.session, ctx.actor, notice_id)
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
