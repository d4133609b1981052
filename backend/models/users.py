"""Staff users, their API sessions, kiosk devices and kiosk card sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from backend.models.base import Base, utcnow
from backend.models.org import Organization


class Role(enum.StrEnum):
    ADMIN = "admin"
    ORG_STAFF = "org_staff"
    COUNTER = "counter"
    AUDITOR = "auditor"  # read-only in its subtree (docs/roles.md)

    @property
    def label(self) -> str:
        return ROLE_LABELS[self.value]


ROLE_LABELS = {
    "admin": "系统管理员",
    "org_staff": "组织工作人员",
    "counter": "窗口工作人员",
    "auditor": "审计监督人员（只读）",
}


class User(Base):
    """A staff user; ``org_id`` is the root of the subtree the user may read and change."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(50), unique=True)
    full_name: Mapped[str] = mapped_column(String(50))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=20))
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    active: Mapped[bool] = mapped_column(default=True)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    # Raised by sign-out, a password change or reset and deactivation: every console session
    # carrying an older number ends (docs/security.md).
    session_version: Mapped[int] = mapped_column(default=0, server_default=text("0"))
    staff_card_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    pin_hash: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    org: Mapped[Organization] = relationship()


class StaffToken(Base):
    """An API sign-in. Only the SHA-256 of the bearer token is stored."""

    __tablename__ = "staff_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()


class LoginThrottle(Base):
    """Sign-in attempts from one client address in the current window (docs/security.md).

    One row per address, changed only by single guarded UPDATEs, so parallel requests cannot
    both take the last allowed attempt.
    """

    __tablename__ = "login_throttle"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(default=0)
    window_started_at: Mapped[datetime] = mapped_column(default=utcnow)


class DeviceState(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REVOKED = "revoked"


class KioskDevice(Base):
    """A registered kiosk. Its key is shown once at registration; only the hash is kept."""

    __tablename__ = "kiosk_devices"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(80), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    state: Mapped[DeviceState] = mapped_column(Enum(DeviceState, native_enum=False, length=10))
    location: Mapped[str | None] = mapped_column(String(100))
    registered_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime | None]
    printer_status: Mapped[str | None] = mapped_column(String(40))
    reader_status: Mapped[str | None] = mapped_column(String(40))


class KioskSession(Base):
    """A member's card session on one kiosk: short-lived and bound to that one member."""

    __tablename__ = "kiosk_sessions"
    __table_args__ = (
        # A tap ends the device's open session: find it without scanning the device's history.
        Index(
            "ix_kiosk_sessions_open",
            "device_id",
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("kiosk_devices.id"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    card_id: Mapped[int | None] = mapped_column(ForeignKey("cards.id"))  # None: manual entry
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]  # slides while the member uses the kiosk
    # The absolute end, however active the session (``kiosk_session_max_seconds``).
    ends_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]


class LookupFailure(Base):
    """A failed card look-up by a kiosk, counted per card and per device (see
    ``backend.services.kiosk_lookup_limits``)."""

    __tablename__ = "kiosk_lookup_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    device_id: Mapped[int] = mapped_column(ForeignKey("kiosk_devices.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    # Keyed hash of the UID or card number tried; never the UID or number itself.
    subject_digest: Mapped[str | None] = mapped_column(String(64), index=True)
