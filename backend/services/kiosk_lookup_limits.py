"""Limits on failed kiosk look-ups: per card (UID or card number) first, per device second.

A failed look-up (unknown, lost or revoked card; wrong card number or ID tail) is recorded with
a keyed hash of what was tried, never the UID or number itself. The same card or card number
failing ``kiosk_lookup_card_failures`` times within ``kiosk_lookup_window_seconds`` is refused
for ``kiosk_lookup_card_backoff_seconds`` after its latest failure; every other card on that
kiosk is still served, so a bus card tried a few times does not lock out the member behind.
Many different failures on one kiosk (``kiosk_lookup_device_failures`` in the window: someone
trying card numbers) hold the whole kiosk back for a short ``kiosk_lookup_device_backoff_seconds``
after each further failure. The rules are described in ``docs/kiosk.md``.

Counting is atomic: ``check`` first locks the kiosk's device row, so look-ups from one kiosk are
checked one after another — a look-up sees every failure recorded before it, and parallel wrong
entries cannot all pass the check before any of them is counted. The lock ends with the
transaction: at once for a failure (``record_failure`` commits), with the request otherwise.
SQLite's ``BEGIN IMMEDIATE`` already orders whole transactions the same way.
"""

from __future__ import annotations

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.errors import RateLimited
from backend.models import KioskDevice, LookupFailure
from backend.models.base import utcnow
from backend.services.cards import normalize_uid
from backend.settings import Settings

KEEP_FAILURES = timedelta(days=1)  # older rows are of no use to any limit


def subject_digest(settings: Settings, *, uid: str | None, card_no: str | None) -> str:
    """A keyed hash naming what was tried: the card's UID, or the typed card number."""
    subject = f"uid:{normalize_uid(uid)}" if uid else f"card_no:{(card_no or '').strip()}"
    return hmac.new(settings.card_uid_key.encode(), subject.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class _Recent:
    """Failures on one kiosk since the window's start: of one subject, and of any subject."""

    subject_count: int
    subject_latest: datetime | None
    device_count: int
    device_latest: datetime | None


def _recent(session: Session, since: datetime, device_id: int, subject: str) -> _Recent:
    """Both counts in one statement: a tap asks this before every look-up, and each round trip
    to the database costs the tap more application CPU than the query costs PostgreSQL
    (docs/scaling.md)."""
    mine = LookupFailure.subject_digest == subject
    row = session.execute(
        select(
            func.count().filter(mine),
            func.max(LookupFailure.at).filter(mine),
            func.count(),
            func.max(LookupFailure.at),
        ).where(LookupFailure.device_id == device_id, LookupFailure.at >= since)
    ).one()
    return _Recent(int(row[0] or 0), row[1], int(row[2] or 0), row[3])


def _wait_seconds(latest: datetime | None, backoff: int, now: datetime) -> int:
    if latest is None:
        return 0
    return max(math.ceil((latest + timedelta(seconds=backoff) - now).total_seconds()), 0)


def check(session: Session, settings: Settings, device_id: int, subject: str) -> None:
    """Refuse the look-up while this card, or this kiosk, is backing off. Takes the device's
    row lock first (see the module's docstring)."""
    session.execute(select(KioskDevice.id).where(KioskDevice.id == device_id).with_for_update())
    now = utcnow()
    since = now - timedelta(seconds=settings.kiosk_lookup_window_seconds)
    recent = _recent(session, since, device_id, subject)
    if recent.subject_count >= settings.kiosk_lookup_card_failures:
        wait = _wait_seconds(recent.subject_latest, settings.kiosk_lookup_card_backoff_seconds, now)
        if wait:
            raise RateLimited(
                f"这张卡（或这个卡号）刚才多次未能查到，请{wait}秒后再试，或到服务窗口咨询",
                code="card_backoff",
                details={"retry_after": wait},
            )
    if recent.device_count >= settings.kiosk_lookup_device_failures:
        backoff = settings.kiosk_lookup_device_backoff_seconds
        wait = _wait_seconds(recent.device_latest, backoff, now)
        if wait:
            raise RateLimited(
                f"查询失败次数较多，请{wait}秒后再试或联系工作人员",
                code="rate_limited",
                details={"retry_after": wait},
            )


def record_failure(session: Session, device_id: int, subject: str) -> None:
    """Count a failed look-up, committed at once: the request itself ends in an error."""
    now = utcnow()
    session.execute(delete(LookupFailure).where(LookupFailure.at < now - KEEP_FAILURES))
    session.add(LookupFailure(device_id=device_id, subject_digest=subject, at=now))
    session.commit()
