"""Kiosks that need someone: offline (no heartbeat for a while) or out of paper.

Shown on the red warnings page (预警) and at the top of the fleet page (docs/kiosk.md,
Alerts). Only approved kiosks count: a pending one is not in service yet, a revoked one never
again. The list is for those who manage kiosks (``device.admin``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import DeviceState, KioskDevice
from backend.models.base import utcnow
from backend.services import policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.warnings_board import Section

PAPER_OUT = {"paper_end", "paper_out"}


@dataclass(frozen=True)
class KioskAlert:
    device_id: int
    name: str
    location: str | None
    problem: str  # what is wrong, in the words staff read
    last_seen_at: datetime | None


def alerts(session: Session, offline_minutes: int, now: datetime | None = None) -> list[KioskAlert]:
    """Every approved kiosk that is offline or out of paper, offline ones first."""
    now = now or utcnow()
    cutoff = now - timedelta(minutes=offline_minutes)
    devices = session.scalars(
        select(KioskDevice)
        .where(KioskDevice.state == DeviceState.APPROVED)
        .order_by(KioskDevice.name)
    ).all()
    offline, paper = [], []
    for d in devices:
        if d.last_seen_at is None or d.last_seen_at < cutoff:
            problem = (
                "从未联系" if d.last_seen_at is None else f"离线：超过{offline_minutes}分钟没有心跳"
            )
            offline.append(KioskAlert(d.id, d.name, d.location, problem, d.last_seen_at))
        elif (d.printer_status or "").lower() in PAPER_OUT:
            paper.append(KioskAlert(d.id, d.name, d.location, "打印机缺纸", d.last_seen_at))
    return offline + paper


def section(session: Session, actor: Actor, offline_minutes: int) -> Section | None:
    """The warnings page's block; None for those who do not manage kiosks."""
    if not policy.allows(actor, Action.DEVICE_ADMIN):
        return None
    found = alerts(session, offline_minutes)
    return Section(len(found), found)
