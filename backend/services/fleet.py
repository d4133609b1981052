"""Kiosk fleet: heartbeats with printer/reader status, approval and revocation of devices."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.models import DeviceState, KioskDevice
from backend.models.base import utcnow
from backend.services import audit
from backend.services.actor import Actor

# A kiosk sends a heartbeat every minute by default; three missed ones mean it is offline.
ONLINE_WITHIN = timedelta(minutes=3)

STATUS_LABELS = {
    "ok": "正常",
    "ready": "正常",
    "online": "正常",
    "paper_end": "缺纸",
    "paper_out": "缺纸",
    "paper_near_end": "纸将用尽",
    "cover_open": "纸仓盖打开",
    "offline": "未连接",
    "error": "故障",
    "lost": "未连接",
    "unknown": "未知",
    "none": "未配置",
}

DEVICE_STATE_LABELS = {
    DeviceState.PENDING: "待批准",
    DeviceState.APPROVED: "已批准",
    DeviceState.REVOKED: "已停用",
}


def status_label(status: str | None) -> str:
    if not status:
        return "未报告"
    return STATUS_LABELS.get(status.lower(), status)


def is_online(device: KioskDevice, now: datetime | None = None) -> bool:
    seen = device.last_seen_at
    return seen is not None and (now or utcnow()) - seen <= ONLINE_WITHIN


def record_heartbeat(
    session: Session, device: KioskDevice, *, printer: str | None, reader: str | None
) -> KioskDevice:
    """What the kiosk reports about itself. Not audited: it changes no member or money record,
    and a row a minute per kiosk would bury the audit log."""
    device.last_seen_at = utcnow()
    if printer is not None:
        device.printer_status = printer.strip()[:40] or None
    if reader is not None:
        device.reader_status = reader.strip()[:40] or None
    session.flush()
    return device


def set_device_state(
    session: Session, actor: Actor, device: KioskDevice, state: DeviceState
) -> KioskDevice:
    """Approve a pending kiosk or revoke one; a revoked kiosk stays revoked (register anew)."""
    if device.state is state:
        raise Conflict(f"该设备已是“{DEVICE_STATE_LABELS[state]}”状态", code="device_state_same")
    if device.state is DeviceState.REVOKED:
        raise Conflict("已停用的设备不能恢复，请重新登记", code="device_revoked")
    before = {"state": device.state.value}
    device.state = state
    session.flush()
    action = "device.approve" if state is DeviceState.APPROVED else "device.revoke"
    audit.record(
        session, actor, action, "device", device.id, before=before, after={"state": state.value}
    )
    return device
