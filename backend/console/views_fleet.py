"""Kiosk devices: register (key shown once), approve, revoke; last contact and device status."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.web import actor, db, login_required, rollback, settings
from backend.errors import DomainError, NotFound
from backend.models import DeviceState, KioskDevice, PushedKioskConfig
from backend.models.base import utcnow
from backend.services import fleet, fleet_alerts, users
from backend.services.policy import Action

add_menu_entry(
    "查询机管理",
    "console.devices",
    section="系统管理",
    order=20,
    action=Action.DEVICE_ADMIN,
    active_prefix="console.device",
)


def _device(device_id: int) -> KioskDevice:
    device = db().get(KioskDevice, device_id)
    if device is None:
        raise NotFound("未找到该设备", code="device_not_found")
    return device


def _page(form: Form, new_key: str | None = None, new_name: str | None = None) -> str:
    devices = db().scalars(select(KioskDevice).order_by(KioskDevice.name)).all()
    pushed = {row.device_id: row for row in db().scalars(select(PushedKioskConfig))}
    return render_template(
        "console/admin/devices.html",
        devices=devices,
        form=form,
        new_key=new_key,
        new_name=new_name,
        now=utcnow(),
        fleet=fleet,
        states=fleet.DEVICE_STATE_LABELS,
        pushed=pushed,
        kiosk_alerts=fleet_alerts.alerts(db(), settings().kiosk_offline_minutes),
    )


@console_bp.get("/devices", endpoint="devices")
@login_required(Action.DEVICE_ADMIN)
def devices_list() -> ResponseReturnValue:
    return _page(Form())


@console_bp.post("/devices")
@login_required(Action.DEVICE_ADMIN)
def device_register() -> ResponseReturnValue:
    """The key is shown in this response only: never in a redirect, a flash or a log."""
    form = Form(request.form)
    name = form.text("name", "设备名称", required=True, max_len=80)
    location = form.text("location", "安放位置", max_len=100)
    if form.ok:
        try:
            device, key = users.register_device(
                db(), actor(), name or "", location=location, approve=form.flag("approve")
            )
        except DomainError as exc:
            rollback()
            form.fail(exc, {"device_name_taken": "name"})
        else:
            return _page(Form(), new_key=key, new_name=device.name)
    return _page(form), 400


@console_bp.post("/devices/<int:device_id>/<any(approved,revoked):state>")
@login_required(Action.DEVICE_ADMIN)
def device_state(device_id: int, state: str) -> ResponseReturnValue:
    device = _device(device_id)
    try:
        fleet.set_device_state(db(), actor(), device, DeviceState(state))
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(f"查询机{device.name}{'已批准' if state == 'approved' else '已停用'}", "success")
    return redirect(url_for("console.devices"))
