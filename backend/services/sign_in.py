"""Checking a password or PIN so that the limits hold under parallel requests.

Two limits (docs/security.md): an account is locked after ``login_max_failures`` wrong tries,
and one client address may fail ``login_address_max_failures`` times per window. Both are
counted *before* the hash is checked, each by one guarded UPDATE that takes an attempt only
while one is left — so 32 parallel guesses cannot all read "4 failures so far" and all go on.
A successful sign-in gives its attempts back.

An address already over its limit is refused after a plain read on a connection of its own, with
no write at all: a flood of bogus sign-ins from one address must not queue for SQLite's write
lock in front of the kiosks' taps (docs/transactions.md).

The hash itself (scrypt, tens of milliseconds of CPU) runs with no transaction open: on SQLite
every transaction holds the database's write lock, and nobody else should wait for it.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import case, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from backend.db import READ_ONLY, affected_rows
from backend.errors import DomainError, Forbidden, RateLimited, Unauthorized
from backend.models import LoginThrottle, User
from backend.models.base import utcnow
from backend.services import audit
from backend.services.actor import Actor
from backend.services.users import DUMMY_HASH, checking_turn, password_matches
from backend.settings import Settings

_LOGIN = Actor.system("login")


def verify_login(
    session: Session, settings: Settings, username: str, password: str, *, address: str
) -> User:
    """The user whose password this is. Commits the attempt's bookkeeping on the way."""
    reserve_address(session, settings, address)
    user = session.scalar(select(User).where(User.username == username))
    if user is None or not user.active:
        session.commit()
        with checking_turn(settings.sign_in_check_turns):
            password_matches(DUMMY_HASH, password)
        raise failed(
            session,
            None,
            address,
            Unauthorized("用户名或密码错误", code="bad_credentials"),
            username=username,
        )
    return check_secret(
        session,
        settings,
        user,
        password,
        user.password_hash,
        address=address,
        wrong=Unauthorized("用户名或密码错误", code="bad_credentials"),
    )


def check_secret(
    session: Session,
    settings: Settings,
    user: User,
    secret: str,
    stored_hash: str,
    *,
    address: str,
    wrong: DomainError,
    method: str = "password",
) -> User:
    """Check a password or PIN of ``user``, counted against the account's lock-out (shared by
    password and staff card + PIN). The address's attempt must already be reserved."""
    with checking_turn(settings.sign_in_check_turns):
        _reserve_account(session, settings, user)
        session.commit()  # release the write lock before hashing
        matches = password_matches(stored_hash, secret)
    if matches:
        session.execute(
            update(User)
            .where(User.id == user.id)
            .values(failed_logins=0, locked_until=None)
            .execution_options(synchronize_session=False)
        )
        release_address(session, address)
        session.refresh(user)
        return user
    now = utcnow()
    locked = session.execute(
        update(User)
        .where(User.id == user.id, User.failed_logins >= settings.login_max_failures)
        .values(
            failed_logins=0, locked_until=now + timedelta(minutes=settings.login_lockout_minutes)
        )
        .execution_options(synchronize_session=False)
    )
    if affected_rows(locked):
        audit.record(session, _LOGIN, "user.locked", "user", user.id)
    raise failed(session, user, address, wrong, username=user.username, method=method)


def _reserve_account(session: Session, settings: Settings, user: User) -> None:
    now = utcnow()
    taken = session.execute(
        update(User)
        .where(
            User.id == user.id,
            or_(User.locked_until.is_(None), User.locked_until <= now),
            User.failed_logins < settings.login_max_failures,
        )
        .values(failed_logins=User.failed_logins + 1, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    if affected_rows(taken):
        return
    until = session.scalar(select(User.locked_until).where(User.id == user.id))
    seconds = (until - now).total_seconds() if until and until > now else 0
    minutes = int(seconds // 60) + 1 if seconds else settings.login_lockout_minutes
    raise Forbidden(f"密码错误次数过多，账户已锁定，请{minutes}分钟后再试", code="locked")


def reserve_address(session: Session, settings: Settings, address: str) -> None:
    """Take one of the address's attempts for this window, or refuse before any hashing."""
    now = utcnow()
    window_start = now - timedelta(minutes=settings.login_address_window_minutes)
    if _address_exhausted(session, settings, address, window_start):
        raise address_limited(settings)
    _ensure_row(session, address, now)
    expired = LoginThrottle.window_started_at <= window_start
    taken = session.execute(
        update(LoginThrottle)
        .where(
            LoginThrottle.address == address,
            or_(expired, LoginThrottle.attempts < settings.login_address_max_failures),
        )
        .values(
            attempts=case((expired, 1), else_=LoginThrottle.attempts + 1),
            window_started_at=case((expired, now), else_=LoginThrottle.window_started_at),
        )
        .execution_options(synchronize_session=False)
    )
    if not affected_rows(taken):
        raise address_limited(settings)


def _address_exhausted(
    session: Session, settings: Settings, address: str, window_start: datetime
) -> bool:
    """Whether the address has no attempt left this window, read without the write lock.

    Only a refusal is decided here; an attempt that may go on is still taken by the guarded
    UPDATE in :func:`reserve_address`, so parallel requests cannot overrun the limit."""
    engine = session.get_bind().engine
    with engine.execution_options(**{READ_ONLY: True}).connect() as conn:
        row = conn.execute(
            select(LoginThrottle.attempts, LoginThrottle.window_started_at).where(
                LoginThrottle.address == address
            )
        ).first()
        conn.rollback()
    return (
        row is not None
        and row.window_started_at > window_start
        and row.attempts >= settings.login_address_max_failures
    )


def address_limited(settings: Settings) -> RateLimited:
    """The refusal of an address over its limit (also repeated by ``backend.sign_in_shield``)."""
    return RateLimited(
        f"本机登录失败次数过多，请{settings.login_address_window_minutes}分钟后再试，或联系管理员",
        code="address_limited",
    )


def release_address(session: Session, address: str) -> None:
    """A successful sign-in does not count against its address."""
    session.execute(
        update(LoginThrottle)
        .where(LoginThrottle.address == address, LoginThrottle.attempts > 0)
        .values(attempts=LoginThrottle.attempts - 1)
        .execution_options(synchronize_session=False)
    )


def _ensure_row(session: Session, address: str, now: object) -> None:
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(LoginThrottle)
        .values(address=address, attempts=0, window_started_at=now)
        .on_conflict_do_nothing()
    )


def failed(
    session: Session,
    user: User | None,
    address: str,
    error: DomainError,
    *,
    username: str | None = None,
    method: str = "password",
) -> DomainError:
    """Write one failed sign-in to the audit log (never what was typed as the secret), commit
    it with the counts, and hand back the error to raise."""
    audit.record(
        session,
        _LOGIN,
        "user.login_failed",
        "user",
        user.id if user else None,
        after={
            "username": (username or "")[:50] or None,
            "client_ip": address,
            "method": method,
            "reason": error.code,
        },
    )
    session.commit()
    return error
