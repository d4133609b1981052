"""One kiosk's pushed settings and maintenance PIN (docs/kiosk.md, Pushed configuration)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.web import actor, db, login_required, rollback
from backend.errors import DomainError, NotFound
from backend.models import KioskDevice
from backend.services import kiosk_config
from backend.services.policy import Action

FIELDS = (
    "mode",
    "idle_seconds",
    "countdown_seconds",
    "large_text",
    "sleep_from",
    "sleep_until",
    "voice",
)


def _device(device_id: int) -> KioskDevice:
    device = db().get(KioskDevice, device_id)
    if device is None:
        raise NotFound("未找到该设备", code="device_not_found")
    return device


def _render(device: KioskDevice, form: Form):
    row, _settings = kiosk_config.current(db(), device)
    return render_template(
        "console/admin/device_config.html",
        device=device,
        row=row,
        form=form,
        modes=list(kiosk_config.MODES.items()),
        voices=list(kiosk_config.VOICE.items()),
    )


@console_bp.get("/devices/<int:device_id>/config", endpoint="device_config")
@login_required(Action.DEVICE_CONFIG)
def device_config(device_id: int):
    device = _device(device_id)
    _row, settings = kiosk_config.current(db(), device)
    defaults = {**settings, "large_text": "1" if settings["large_text"] else ""}
    if "voice" in settings:
        defaults["voice"] = "on" if settings["voice"] else "off"
    return _render(device, Form(defaults=defaults))


@console_bp.post("/devices/<int:device_id>/config")
@login_required(Action.DEVICE_CONFIG)
def device_config_save(device_id: int):
    device = _device(device_id)
    form = Form(request.form)
    raw: dict[str, object] = {name: form.get(name) for name in FIELDS}
    raw["large_text"] = form.flag("large_text")
    pin = request.form.get("pin", "").strip()
    if pin != request.form.get("pin_again", "").strip():
        form.error("pin_again", "两次输入的维护PIN不一致")
        return _render(device, form), 400
    name = device.name
    try:
        row = kiosk_config.save(db(), actor(), device_id, raw, pin=pin)
    except DomainError as exc:
        rollback()
        form.fail(exc, {f"config_{field}": field for field in (*FIELDS, "pin")})
        return _render(_device(device_id), form), 400
    flash(f"查询机{name}的配置已保存为第{row.version}版，将在下次心跳时生效", "success")
    return redirect(url_for("console.devices"))
