"""Who is calling: a staff bearer token, a kiosk device key, or nobody."""

from __future__ import annotations

import enum
from datetime import timedelta

from flask import request
from sqlalchemy.orm import Session

from backend.errors import Forbidden, Unauthorized
from backend.models import DeviceState
from backend.models.base import utcnow
from backend.services import users
from backend.services.actor import Actor
from backend.settings import Settings

LAST_SEEN_RESOLUTION = timedelta(minutes=1)


class Auth(enum.StrEnum):
    """Who may call an endpoint: anyone, a signed-in staff user, or a registered kiosk."""

    PUBLIC = "public"
    STAFF = "staff"
    DEVICE = "device"


def authenticate(session: Session, settings: Settings, required: Auth) -> Actor:
    if required is Auth.PUBLIC:
        return Actor.system("public")
    device_key = request.headers.get("X-Device-Key")
    bearer = request.headers.get("Authorization", "")
    if required is Auth.DEVICE:
        if not device_key:
            raise Unauthorized("缺少设备密钥", code="device_key_missing")
        device = users.device_for_key(session, device_key)
        if device is None:
            raise Unauthorized("设备密钥无效", code="device_key_invalid")
        if device.state is not DeviceState.APPROVED:
            raise Forbidden("该设备尚未批准或已停用，请联系管理员", code="device_not_approved")
        now = utcnow()
        # "Last contact" is for the fleet page; a write per tap would cost every tap an UPDATE.
        if device.last_seen_at is None or now - device.last_seen_at > LAST_SEEN_RESOLUTION:
            device.last_seen_at = now
        return Actor.for_device(device)
    if device_key and not bearer:
        raise Forbidden("查询机设备密钥只能调用查询机接口", code="device_not_allowed")
    if not bearer.startswith("Bearer "):
        raise Unauthorized("请先登录", code="login_required")
    user = users.user_for_token(session, bearer.removeprefix("Bearer ").strip())
    if user is None:
        raise Unauthorized("登录已失效，请重新登录", code="token_invalid")
    return Actor.for_user(user)
