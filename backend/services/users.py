"""Staff users: strong password hashes, sign-in with lock-out, API tokens; kiosk devices."""

from __future__ import annotations

import hashlib
import secrets
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from backend.errors import Conflict, DomainError, Forbidden, Invalid, Unauthorized
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
_DUMMY_HASH = generate_password_hash("not-a-real-password", method="scrypt")
# One password check at a time in a process, in a thread of lower CPU priority: each takes
# ~0.1 s of a core, and a flood of sign-ins must leave the hall its cores (docs/transactions.md).
_HASHER = ThreadPoolExecutor(1, "password-check", initializer=lower_this_thread)


def password_matches(session: Session, stored_hash: str, secret: str) -> bool:
    """The scrypt check, outside any transaction: the session's transaction ends first (on
    SQLite it holds the write lock), so what follows reads the account afresh."""
    session.rollback()
    return _HASHER.submit(check_password_hash, stored_hash, secret).result()


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


def verify_login(session: Session, settings: Settings, username: str, password: str) -> User:
    """Check a password, counting failures and locking the account after too many."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        password_matches(session, _DUMMY_HASH, password)
        raise Unauthorized("用户名或密码错误", code="bad_credentials")
    return check_secret(
        session,
        settings,
        user,
        password,
        user.password_hash,
        wrong=Unauthorized("用户名或密码错误", code="bad_credentials"),
    )


def check_secret(
    session: Session,
    settings: Settings,
    user: User,
    secret: str,
    stored_hash: str,
    *,
    wrong: DomainError,
) -> User:
    """Check a password or PIN against its hash, with the shared failure count and lock-out:
    after ``login_max_failures`` wrong tries the account is locked for a while, whichever way
    (password or staff card + PIN) the tries came."""
    now = utcnow()
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise Forbidden(f"密码错误次数过多，账户已锁定，请{minutes}分钟后再试", code="locked")
    if not password_matches(session, stored_hash, secret):
        user.failed_logins += 1
        if user.failed_logins >= settings.login_max_failures:
            user.locked_until = now + timedelta(minutes=settings.login_lockout_minutes)
            user.failed_logins = 0
            audit.record(session, Actor.system("login"), "user.locked", "user", user.id)
        session.flush()
        raise wrong
    user.failed_logins = 0
    user.locked_until = None
    session.flush()
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
