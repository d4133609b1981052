"""Kiosk heartbeat: each kiosk reports that it is alive and how its printer and reader are."""

from __future__ import annotations

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.models import KioskDevice
from backend.services import fleet


class HeartbeatIn(BaseModel):
    printer: str | None = Field(default=None, max_length=40, description="打印机状态，如 ok")
    reader: str | None = Field(default=None, max_length=40, description="读卡器状态，如 ok")
    version: str | None = Field(default=None, max_length=40, description="查询机程序版本")


class HeartbeatOut(BaseModel):
    name: str
    state: str
    printer: str | None
    reader: str | None
    last_seen_at: str


@endpoint(
    api_bp,
    "/kiosk/heartbeat",
    method="POST",
    summary="查询机心跳：报告在线及打印机、读卡器状态",
    auth=Auth.DEVICE,
    body=HeartbeatIn,
    response=HeartbeatOut,
    errors=(401, 403),
)
def heartbeat(ctx: Ctx, body: HeartbeatIn) -> HeartbeatOut:
    device = ctx.session.get(KioskDevice, ctx.actor.id)
    assert device is not None  # authenticated just now
    fleet.record_heartbeat(ctx.session, device, printer=body.printer, reader=body.reader)
    return HeartbeatOut(
        name=device.name,
        state=device.state.value,
        printer=device.printer_status,
        reader=device.reader_status,
        last_seen_at=device.last_seen_at.isoformat() + "Z" if device.last_seen_at else "",
    )
