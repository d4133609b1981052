"""Staff card + PIN at the counter: sign in with a tapped staff card, and bind one's own card."""

from __future__ import annotations

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.api.staff import LoginOut, user_out
from backend.errors import DomainError
from backend.http_security import client_address, note_sign_in_refusal
from backend.models import User
from backend.services import staff_cards, users
from backend.services.policy import Action


class CardLoginIn(BaseModel):
    uid: str = Field(min_length=1, max_length=64, description="工作证的卡片UID（十六进制）")
    pin: str = Field(min_length=1, max_length=20)


class StaffCardIn(BaseModel):
    uid: str = Field(min_length=1, max_length=64, description="要绑定的工作证UID")
    pin: str = Field(min_length=1, max_length=20, description="新的PIN（4至8位数字）")
    password: str = Field(min_length=1, max_length=200, description="本人登录密码")


@endpoint(
    api_bp,
    "/auth/card-login",
    method="POST",
    summary="工作人员刷工作证并输入PIN登录（仅限已登记并批准的设备）",
    auth=Auth.DEVICE,
    body=CardLoginIn,
    response=LoginOut,
    errors=(400, 401, 403, 429),
)
def card_login(ctx: Ctx, body: CardLoginIn) -> LoginOut:
    try:
        user = staff_cards.verify_card_login(
            ctx.session, ctx.settings, body.uid, body.pin, address=client_address()
        )
    except DomainError as error:
        ctx.session.commit()  # keep the failure count and any lock-out
        note_sign_in_refusal(error)
        raise
    token, row = users.issue_token(ctx.session, ctx.settings, user)
    return LoginOut(token=token, expires_at=row.expires_at.isoformat() + "Z", user=user_out(user))


@endpoint(
    api_bp,
    "/auth/staff-card",
    method="POST",
    summary="为本人绑定工作证并设置PIN（须输入登录密码）",
    body=StaffCardIn,
    status=204,
    errors=(400, 401, 409),
    action=Action.OWN_ACCOUNT,
)
def bind_staff_card(ctx: Ctx, body: StaffCardIn) -> None:
    user = ctx.session.get(User, ctx.actor.id)
    assert user is not None
    staff_cards.bind_staff_card(
        ctx.session, ctx.settings, user, uid=body.uid, pin=body.pin, password=body.password
    )
