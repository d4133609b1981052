"""Floating members arriving from elsewhere (流入的流动党员): register with the 活动证, list the
guests of one's branches, end a stay (``services.floating_intake``)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.models import FloatingGuest, MemberStatus
from backend.services import floating_intake
from backend.services.dues_year import hall_today
from backend.services.masking import mask_id_number
from backend.services.policy import Action

ERRORS = (400, 401, 403, 404, 409)


class GuestIn(BaseModel):
    name: str = Field(max_length=50)
    card_number: str = Field(max_length=60, description="流动党员活动证编号")
    home_org: str = Field(max_length=100, description="流出地党组织")
    host_org_id: int = Field(description="参加活动的本区党支部")
    start_date: dt.date = Field(description="流入日期")
    id_number: str | None = Field(default=None, max_length=20)
    sex: str | None = Field(default=None, description="M|F（填写身份证号时可省略）")
    phone: str | None = Field(default=None, max_length=20)
    status: str = Field(default="full", description="full|probationary")
    home_place: str | None = Field(default=None, max_length=50, description="流出地")
    end_date: dt.date | None = Field(default=None, description="预计离开日期")
    card_valid_until: dt.date | None = Field(default=None, description="活动证有效期至")
    note: str | None = Field(default=None, max_length=200)


class GuestOut(BaseModel):
    id: int
    name: str
    sex: str
    id_number: str = Field(description="脱敏")
    phone: str | None
    status_label: str
    card_number: str
    home_org: str
    home_place: str | None
    host_org_id: int
    host_org: str
    start_date: str
    end_date: str | None
    card_valid_until: str | None
    left_on: str | None
    left_reason: str | None


def guest_out(g: FloatingGuest) -> GuestOut:
    return GuestOut(
        id=g.id,
        name=g.name,
        sex={"M": "男", "F": "女"}[g.sex],
        id_number=mask_id_number(g.id_number),
        phone=g.phone,
        status_label=MemberStatus(g.status).label,
        card_number=g.card_number,
        home_org=g.home_org,
        home_place=g.home_place,
        host_org_id=g.host_org_id,
        host_org=g.host_org.name,
        start_date=g.start_date.isoformat(),
        end_date=g.end_date.isoformat() if g.end_date else None,
        card_valid_until=g.card_valid_until.isoformat() if g.card_valid_until else None,
        left_on=g.left_on.isoformat() if g.left_on else None,
        left_reason=g.left_reason,
    )


@endpoint(
    api_bp,
    "/floating-guests",
    method="POST",
    summary="登记流入的流动党员（外地党组织的党员，持活动证在本区参加活动）",
    body=GuestIn,
    response=GuestOut,
    status=201,
    errors=ERRORS,
    action=Action.FLOATING_INTAKE,
)
def register(ctx: Ctx, body: GuestIn) -> GuestOut:
    data = floating_intake.GuestData(**body.model_dump())
    guest = floating_intake.register(
        ctx.session, ctx.actor, data, today=hall_today(ctx.settings.dues)
    )
    return guest_out(guest)


class GuestQuery(BaseModel):
    all: bool = Field(default=False, description="包括已离开的")


class GuestListOut(BaseModel):
    items: list[GuestOut]


@endpoint(
    api_bp,
    "/floating-guests",
    summary="流入的流动党员",
    query=GuestQuery,
    response=GuestListOut,
    action=Action.READ,
)
def list_guests(ctx: Ctx, query: GuestQuery) -> GuestListOut:
    stmt = floating_intake.guests_query(ctx.actor, current_only=not query.all).limit(500)
    return GuestListOut(items=[guest_out(g) for g in ctx.session.scalars(stmt)])


class LeaveIn(BaseModel):
    date: dt.date | None = Field(default=None, description="离开日期，默认今天")
    reason: str = Field(min_length=1, max_length=100)


@endpoint(
    api_bp,
    "/floating-guests/<int:guest_id>/leave",
    method="POST",
    summary="流入的流动党员离开（结束登记）",
    body=LeaveIn,
    response=GuestOut,
    errors=ERRORS,
    action=Action.FLOATING_INTAKE,
)
def leave(ctx: Ctx, guest_id: int, body: LeaveIn) -> GuestOut:
    today = hall_today(ctx.settings.dues)
    guest = floating_intake.get_guest(ctx.session, ctx.actor, guest_id)
    floating_intake.end_stay(
        ctx.session, ctx.actor, guest, on=body.date or today, reason=body.reason, today=today
    )
    return guest_out(guest)
