"""Kiosk heartbeat: each kiosk reports that it is alive and how its printer and reader are;
the answer carries the settings the console pushed to it (docs/kiosk.md)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.models import KioskDevice
from backend.services import fleet, kiosk_config


class HeartbeatIn(BaseModel):
    printer: str | None = Field(default=None, max_length=40, description="打印机状态，如 ok")
    reader: str | None = Field(default=None, max_length=40, description="读卡器状态，如 ok")
    version: str | None = Field(default=None, max_length=40, description="查询机程序版本")
    config_version: int | None = Field(
        default=None, ge=0, description="查询机已应用的下发配置版本（未应用过则不填）"
    )


class PushedConfig(BaseModel):
    version: int = Field(description="配置版本，每次在管理后台修改加一")
    settings: dict[str, Any] = Field(description="运行参数：模式、空闲秒数、大字、息屏时段")
    pin_hash: str | None = Field(description="维护PIN的scrypt散列（未设置则为空）")


class HeartbeatOut(BaseModel):
    name: str
    state: str
    printer: str | None
    reader: str | None
    last_seen_at: str
    config: PushedConfig | None = Field(
        default=None, description="管理后台为本机设置的配置（从未设置则为空）"
    )


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
    pushed = kiosk_config.heartbeat_answer(ctx.session, device, body.config_version)
    return HeartbeatOut(
        name=device.name,
        state=device.state.value,
        printer=device.printer_status,
        reader=device.reader_status,
        last_seen_at=device.last_seen_at.isoformat() + "Z" if device.last_seen_at else "",
        config=PushedConfig(**pushed) if pushed else None,
    )
