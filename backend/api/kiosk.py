"""Kiosk endpoints (device key only): card sessions and the member's own summary.

No member data travels in URLs: the UID or card number goes in the body, the session token in
the ``X-Kiosk-Session`` header.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field, model_validator

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.errors import Invalid
from backend.models import Member
from backend.services import kiosk
from backend.services.dues_year import hall_today
from backend.services.kiosk_statement import member_statement
from backend.services.money import format_yuan

SESSION_HEADER = "X-Kiosk-Session"


def card_member(ctx: Ctx) -> Member:
    """The member whose card session this kiosk request carries (``SESSION_HEADER``); each use
    slides the session's lifetime (``services.kiosk.session_member``, docs/kiosk.md)."""
    return kiosk.session_member(
        ctx.session,
        ctx.actor,
        ctx.header(SESSION_HEADER),
        extend_seconds=ctx.settings.kiosk_session_seconds,
    )


class CardSessionIn(BaseModel):
    uid: str | None = Field(default=None, max_length=64, description="卡片UID，十六进制")
    card_no: str | None = Field(default=None, max_length=10, description="卡号（手工输入）")
    id_last6: str | None = Field(default=None, max_length=6, description="身份证号后六位")

    @model_validator(mode="after")
    def one_way(self) -> CardSessionIn:
        if not self.uid and not (self.card_no and self.id_last6):
            raise ValueError("请提供卡片UID，或卡号加身份证号后六位")
        return self


class MonthOut(BaseModel):
    month: int
    state: str
    state_label: str
    due: str | None
    paid: str


class WarningOut(BaseModel):
    level: str
    text: str


class MemberSummaryOut(BaseModel):
    name_masked: str
    id_masked: str
    phone_masked: str
    org_name: str
    status: str
    status_label: str
    monthly_dues: str | None
    year: int
    months: list[MonthOut]
    arrears: str
    consecutive_unpaid: int
    months_owed: int = Field(
        description="欠交月数（往月未交清的月份，不论是否连续；提醒与警示据此）"
    )
    warning: WarningOut
    joined_on: str = Field(description="入党日期（ISO）")
    party_age: int | None = Field(description="党龄（整年，自转正起算；预备党员为空）")
    due_to_date: str = Field(description="今年截至上月应交")
    paid_to_date: str = Field(description="今年截至上月已交")
    earlier_arrears: str = Field(description="往年欠缴")
    current_due: str = Field(description="本月待交（不计入欠缴）")
    advance_paid: str = Field(description="预交（本月以后的月份）")
    months_note: str = Field(description="为何有的月份显示为“—”")


class CardSessionOut(BaseModel):
    token: str
    expires_in: int
    member: MemberSummaryOut


def summary_out(s: kiosk.MemberSummary) -> MemberSummaryOut:
    return MemberSummaryOut(
        name_masked=s.name_masked,
        id_masked=s.id_masked,
        phone_masked=s.phone_masked,
        org_name=s.org_name,
        status=s.status,
        status_label=s.status_label,
        monthly_dues=format_yuan(s.monthly_dues_fen) if s.monthly_dues_fen is not None else None,
        year=s.year,
        months=[
            MonthOut(
                month=m.month,
                state=m.state.value,
                state_label=m.state.label,
                due=format_yuan(m.due_fen) if m.due_fen is not None else None,
                paid=format_yuan(m.paid_fen),
            )
            for m in s.months
        ],
        arrears=format_yuan(s.arrears_fen),
        consecutive_unpaid=s.consecutive_unpaid,
        months_owed=s.months_owed,
        warning=WarningOut(level=s.warning.level, text=s.warning.text),
        joined_on=s.joined_on.isoformat(),
        party_age=s.party_age_years,
        due_to_date=format_yuan(s.due_to_date_fen),
        paid_to_date=format_yuan(s.paid_to_date_fen),
        earlier_arrears=format_yuan(s.earlier_arrears_fen),
        current_due=format_yuan(s.current_due_fen),
        advance_paid=format_yuan(s.advance_paid_fen),
        months_note=s.months_note,
    )


@endpoint(
    api_bp,
    "/kiosk/card-session",
    method="POST",
    summary="刷卡（或卡号+身份证后六位）开始查询",
    auth=Auth.DEVICE,
    body=CardSessionIn,
    response=CardSessionOut,
    status=201,
    errors=(403, 404, 429),
)
def open_card_session(ctx: Ctx, body: CardSessionIn) -> CardSessionOut:
    token, member = kiosk.open_session(
        ctx.session,
        ctx.settings,
        ctx.actor,
        uid=body.uid,
        card_no=body.card_no,
        id_last6=body.id_last6,
    )
    summary = kiosk.member_summary(ctx.session, ctx.settings, member, hall_today(ctx.settings.dues))
    return CardSessionOut(
        token=token, expires_in=ctx.settings.kiosk_session_seconds, member=summary_out(summary)
    )


@endpoint(
    api_bp,
    "/kiosk/session",
    summary="当前刷卡党员的本人信息",
    auth=Auth.DEVICE,
    response=MemberSummaryOut,
)
def current_session(ctx: Ctx) -> MemberSummaryOut:
    member = card_member(ctx)
    return summary_out(
        kiosk.member_summary(ctx.session, ctx.settings, member, hall_today(ctx.settings.dues))
    )


@endpoint(
    api_bp,
    "/kiosk/session",
    method="DELETE",
    summary="结束查询（卡片移开或超时）",
    auth=Auth.DEVICE,
    status=204,
)
def end_card_session(ctx: Ctx) -> None:
    token = ctx.header(SESSION_HEADER)
    if not token:
        raise Invalid("缺少查询会话", code="session_missing")
    kiosk.end_session(ctx.session, ctx.actor, token)


class StatementOut(BaseModel):
    document: dict[str, Any] = Field(description="缴费明细打印文档")


@endpoint(
    api_bp,
    "/kiosk/session/statement",
    method="POST",
    summary="打印本人本年度党费缴纳明细（返回打印文档）",
    auth=Auth.DEVICE,
    response=StatementOut,
    errors=(401,),
)
def print_statement(ctx: Ctx) -> StatementOut:
    member = card_member(ctx)
    document = member_statement(ctx.session, ctx.settings, member, hall_today(ctx.settings.dues))
    return StatementOut(document=document.to_dict())
