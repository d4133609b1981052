"""Staff users: strong password hashes, API tokens, ending sign-ins; kiosk devices.

Checking a password at sign-in is ``sign_in``."""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from backend.errors import Conflict, Forbidden, Invalid, RateLimited
from backend.models import (
    DeviceState,
    KioskDevice,
    Organization,
    Role,
    StaffToken,
    User,
)
from backend.models.base import utcnow
from backend.services import audit
from backend.services.actor import Actor
from backend.services.scope import path_in_scope
from backend.services.thread_priority import lower_this_thread
from backend.settings import Settings

# A fixed hash to compare against when the user does not exist, so timing does not reveal names.
DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")
# One password check at a time in a process, in a thread of lower CPU priority: each takes
# ~0.1 s of a core, and a flood of sign-ins must leave the hall its cores (docs/transactions.md).
_HASHER = ThreadPoolExecutor(1, "password-check", initializer=lower_this_thread)
# Sign-ins now waiting for or running their check (``checking_turn``).
_checking = 0
_checking_lock = threading.Lock()


def full_name_of(session: Session, username: str) -> str:
    """The name a paper prints as 经办人 for the user recorded as ``username`` (records keep
    the user name, which never changes; a name not of a user, e.g. an import's, prints as is)."""
    full_name = session.scalar(select(User.full_name).where(User.username == username))
    return full_name or username


def password_matches(stored_hash: str, secret: str) -> bool:
    """The scrypt check. Callers hold no transaction while it runs (on SQLite one would hold
    the write lock), see ``sign_in``."""
    return _HASHER.submit(check_password_hash, stored_hash, secret).result()


@contextmanager
def checking_turn(turns: int) -> Iterator[None]:
    """A sign-in's turn at the password check, or ``RateLimited`` at once when ``turns``
    sign-ins are already waiting for it or running it in this process. A request waiting here
    holds one of the server's threads, and a flood of sign-ins sent in parallel would otherwise
    hold all of them — for seconds, one check after another — while kiosk taps queue behind
    (docs/security.md, "Sign-in limits")."""
    global _checking
    with _checking_lock:
        if _checking >= turns:
            raise RateLimited("登录的人较多，请稍候几秒再试", code="sign_in_busy")
        _checking += 1
    try:
        yield
    finally:
        with _checking_lock:
            _checking -= 1


def new_secret_hash(secret: str) -> str:
    """A new scrypt hash of a password or PIN, made in the same low-priority thread; callers
    hold no transaction while it runs."""
    return _HASHER.submit(generate_password_hash, secret, method="scrypt").result()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def check_password_strength(password: str) -> None:
    if len(password) < 8 or password.isdigit() or password.isalpha():
        raise Invalid("密码至少8位，且须同时包含字母和数字", code="weak_password")


def create_user(
    session: Session,
    actor: Actor,
    *,
    username: str,
    password: str,
    full_name: str,
    role: Role | str,
    org: Organization,
) -> User:
    if not path_in_scope(actor, org.path):
        raise Forbidden("不能在管理范围以外创建用户", code="out_of_scope")
    check_password_strength(password)
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"用户名{username}已存在", code="username_taken")
    user = User(
        username=username,
        full_name=full_name,
        password_hash=generate_password_hash(password, method="scrypt"),
        role=Role(role),
        org=org,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        after=audit.snapshot(user, exclude=("password_hash", "pin_hash")),
    )
    return user


def issue_token(session: Session, settings: Settings, user: User) -> tuple[str, StaffToken]:
    token = secrets.token_urlsafe(32)
    row = StaffToken(
        token_hash=token_digest(token),
        user_id=user.id,
        expires_at=utcnow() + timedelta(hours=settings.staff_token_hours),
    )
    session.add(row)
    session.flush()
    return token, row


def user_for_token(session: Session, token: str) -> User | None:
    row = session.scalar(select(StaffToken).where(StaffToken.token_hash == token_digest(token)))
    if row is None or row.revoked or row.expires_at <= utcnow() or not row.user.active:
        return None
    return row.user


def end_all_sessions(session: Session, user: User) -> None:
    """End every sign-in of ``user``: console sessions (their version no longer matches) and
    API tokens alike (docs/security.md)."""
    session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_version=User.session_version + 1)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(StaffToken)
        .where(StaffToken.user_id == user.id, StaffToken.revoked.is_(False))
        .values(revoked=True)
        .execution_options(synchronize_session=False)
    )
    session.refresh(user)


def revoke_token(session: Session, token: str) -> None:
    row = session.scalar(select(StaffToken).where(StaffToken.token_hash == token_digest(token)))
    if row is not None:
        row.revoked = True


def register_device(
    session: Session, actor: Actor, name: str, *, location: str | None = None, approve: bool = True
) -> tuple[KioskDevice, str]:
    """Register a kiosk and return its key, which is shown this once and never stored."""
    if session.scalar(select(KioskDevice.id).where(KioskDevice.name == name)):
        raise Conflict(f"设备名{name}已存在", code="device_name_taken")
    key = secrets.token_urlsafe(32)
    device = KioskDevice(
        name=name,
        key_hash=token_digest(key),
        location=location,
        state=DeviceState.APPROVED if approve else DeviceState.PENDING,
    )
    session.add(device)
    session.flush()
    audit.record(
        session,
        actor,
        "device.register",
        "device",
        device.id,
        after={"name": name, "state": device.state.value},
    )
    return device, key


def device_for_key(session: Session, key: str) -> KioskDevice | None:
    return session.scalar(select(KioskDevice).where(KioskDevice.key_hash == token_digest(key)))
