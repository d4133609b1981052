"""What the console pushes to one kiosk: its settings, its maintenance PIN, and which version
the kiosk last reported as applied (docs/kiosk.md, Pushed configuration)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, utcnow


class PushedKioskConfig(Base):
    """One row per kiosk that was ever given settings; no row means "the kiosk's own file"."""

    __tablename__ = "kiosk_configs"

    device_id: Mapped[int] = mapped_column(ForeignKey("kiosk_devices.id"), primary_key=True)
    #: JSON object of the pushed settings (``backend/services/kiosk_config.py`` validates it).
    settings: Mapped[str] = mapped_column(Text, default="{}")
    #: Raised by one on every change; the kiosk reports the version it applied.
    version: Mapped[int] = mapped_column(default=1)
    applied_version: Mapped[int | None]
    applied_at: Mapped[datetime | None]
    #: scrypt hash of the maintenance PIN that lets staff leave the kiosk app.
    pin_hash: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
