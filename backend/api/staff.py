"""Staff sign-in for the API (the counter app and integrations)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import request
from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.errors import DomainError
from backend.http_security import client_address, note_sign_in_refusal
from backend.services import sign_in, users
from backend.services.policy import Action

if TYPE_CHECKING:
    from backend.models import User


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=50)
    password: str = Field(min_length=1, max_length=200)


class UserOut(BaseModel):
    id: int
    username: str
    full_name: str
    role: str
    role_label: str
    org_id: int
    org_code: str
    org_name: str


class LoginOut(BaseModel):
    token: str
    expires_at: str
    user: UserOut


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        username=user.username,
        full_name=user.full_name,
        role=user.role.value,
        role_label=user.role.label,
        org_id=user.org_id,
        org_code=user.org.code,
        org_name=user.org.name,
    )


@endpoint(
    api_bp,
    "/auth/login",
    method="POST",
    summary="工作人员登录",
    auth=Auth.PUBLIC,
    body=LoginIn,
    response=LoginOut,
    errors=(401, 403, 429),
)
def login(ctx: Ctx, body: LoginIn) -> LoginOut:
    try:
        user = sign_in.verify_login(
            ctx.session, ctx.settings, body.username, body.password, address=client_address()
        )
    except DomainError as error:
        ctx.session.commit()  # keep the failure count and any lock-out
        note_sign_in_refusal(error)
        raise
    token, row = users.issue_token(ctx.session, ctx.settings, user)
    return LoginOut(token=token, expires_at=row.expires_at.isoformat() + "Z", user=user_out(user))


@endpoint(
    api_bp, "/auth/logout", method="POST", summary="退出登录", status=204, action=Action.OWN_ACCOUNT
)
def logout(ctx: Ctx) -> None:
    users.revoke_token(ctx.session, request.headers["Authorization"].removeprefix("Bearer "))


@endpoint(api_bp, "/auth/me", summary="当前登录用户", response=UserOut, action=Action.OWN_ACCOUNT)
def me(ctx: Ctx) -> UserOut:
    from backend.models import User

    return user_out(ctx.session.get_one(User, ctx.actor.id))
