"""The console's side of the fleet for kiosk scenarios: register a kiosk of the test's own (so
settings pushed to it reach no other test's kiosk), push settings to it, read what it applied.
Straight into the world's database with the backend's own services, as the console would."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from backend.models import KioskDevice, PushedKioskConfig
from backend.services import kiosk_config, users
from tests.builders import SYSTEM

BASE = {
    "mode": "both",
    "idle_seconds": 30,
    "countdown_seconds": 5,
    "large_text": False,
    "sleep_from": "",
    "sleep_until": "",
}


@contextmanager
def _session(database_url: str) -> Iterator[Session]:
    engine = create_engine(database_url)
    try:
        with Session(engine) as session:
            yield session
    finally:
        engine.dispose()


def register_kiosk(database_url: str, name: str) -> str:
    with _session(database_url) as session:
        _device, key = users.register_device(session, SYSTEM, name)
        session.commit()
    return key


def push(database_url: str, name: str, pin: str = "", **settings: Any) -> int:
    with _session(database_url) as session:
        device_id = session.scalar(select(KioskDevice.id).where(KioskDevice.name == name))
        assert device_id is not None
        row = kiosk_config.save(session, SYSTEM, device_id, {**BASE, **settings}, pin=pin)
        version = row.version
        session.commit()
    return version


def applied_version(database_url: str, name: str) -> int | None:
    with _session(database_url) as session:
        return session.scalar(
            select(PushedKioskConfig.applied_version)
            .join(KioskDevice, KioskDevice.id == PushedKioskConfig.device_id)
            .where(KioskDevice.name == name)
        )
