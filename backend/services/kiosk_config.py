"""Settings the console pushes to one kiosk, and its maintenance PIN (docs/kiosk.md).

The console saves them here with a new version number; the kiosk gets them in the answer to
its next heartbeat, applies them without a restart and reports the version it applied, which
the fleet page shows. The PIN is kept as a scrypt hash and travels to the kiosk only as that
hash, so a kiosk can let staff out while the backend is unreachable (docs/kiosk.md, Lock-down).
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy.orm import Session

from backend.errors import Invalid, NotFound
from backend.models import KioskDevice, PushedKioskConfig
from backend.models.base import utcnow
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.users import new_secret_hash

MODES = {"member": "党员查询和党务公开", "board": "仅党务公开", "both": "两者都有"}
PIN_PATTERN = re.compile(r"\d{6,8}")
CLOCK = re.compile(r"([01]\d|2[0-3]):[0-5]\d")
#: 语音提示: "" leaves it to the kiosk's own kiosk.toml; on / off are pushed as true / false.
VOICE = {"on": "开启", "off": "关闭"}
DEFAULTS: dict[str, Any] = {
    "mode": "both",
    "idle_seconds": 60,
    "countdown_seconds": 10,
    "large_text": False,
    "sleep_from": "",
    "sleep_until": "",
}


def validate(raw: dict[str, Any]) -> dict[str, Any]:
    """The settings as they will be pushed; bad input raises :class:`Invalid` whose code names
    the field."""
    mode = str(raw.get("mode") or "")
    if mode not in MODES:
        raise Invalid("请选择运行模式", code="config_mode")
    idle = _whole(raw.get("idle_seconds"), "空闲返回秒数", 10, 3600, "config_idle_seconds")
    countdown = _whole(
        raw.get("countdown_seconds"), "倒计时秒数", 1, 120, "config_countdown_seconds"
    )
    if countdown >= idle:
        raise Invalid("倒计时秒数必须小于空闲返回秒数", code="config_countdown_seconds")
    sleep_from = str(raw.get("sleep_from") or "").strip()
    sleep_until = str(raw.get("sleep_until") or "").strip()
    for value, code in ((sleep_from, "config_sleep_from"), (sleep_until, "config_sleep_until")):
        if value and not CLOCK.fullmatch(value):
            raise Invalid("时间应写成 时:分，例如 20:00", code=code)
    if bool(sleep_from) != bool(sleep_until):
        raise Invalid("息屏的开始和结束时间要同时填写（或都不填）", code="config_sleep_until")
    if sleep_from and sleep_from == sleep_until:
        raise Invalid("息屏的开始和结束时间不能相同", code="config_sleep_until")
    voice = str(raw.get("voice") or "")
    if voice and voice not in VOICE:
        raise Invalid("语音提示只能选择开启、关闭或按本机配置", code="config_voice")
    settings: dict[str, Any] = {
        "mode": mode,
        "idle_seconds": idle,
        "countdown_seconds": countdown,
        "large_text": bool(raw.get("large_text")),
        "sleep_from": sleep_from,
        "sleep_until": sleep_until,
    }
    if voice:
        settings["voice"] = voice == "on"
    return settings


def _whole(value: Any, label: str, low: int, high: int, code: str) -> int:
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or not low <= int(text) <= high:
        raise Invalid(f"{label}应为 {low} 到 {high} 之间的整数", code=code)
    return int(text)


def current(
    session: Session, device: KioskDevice
) -> tuple[PushedKioskConfig | None, dict[str, Any]]:
    """The device's row (None if never set) and its settings, defaults filled in."""
    row = session.get(PushedKioskConfig, device.id)
    settings = dict(DEFAULTS)
    if row is not None:
        settings.update(json.loads(row.settings))
    return row, settings


def save(
    session: Session, actor: Actor, device_id: int, raw: dict[str, Any], *, pin: str = ""
) -> PushedKioskConfig:
    """Validate and store new settings (and a new PIN if one is given), raising the version.

    The PIN's scrypt hash (~0.1 s) is made with the request's transaction ended
    (docs/transactions.md); the device is read again afterwards."""
    policy.authorize(actor, Action.DEVICE_CONFIG)
    settings = validate(raw)
    pin_hash = None
    if pin:
        if not PIN_PATTERN.fullmatch(pin):
            raise Invalid("维护PIN应为6至8位数字", code="config_pin")
        session.commit()
        pin_hash = new_secret_hash(pin)
    device = session.get(KioskDevice, device_id)
    if device is None:
        raise NotFound("未找到该设备", code="device_not_found")
    row = session.get(PushedKioskConfig, device.id, with_for_update=True)
    before = None
    if row is None:
        row = PushedKioskConfig(device_id=device.id, version=0)
        session.add(row)
    else:
        before = {"version": row.version, **json.loads(row.settings)}
    row.settings = json.dumps(settings, ensure_ascii=False, sort_keys=True)
    row.version += 1
    row.updated_at = utcnow()
    if pin_hash is not None:
        row.pin_hash = pin_hash
    session.flush()
    after = {"version": row.version, **settings, "pin_changed": pin_hash is not None}
    audit.record(session, actor, "device.config", "device", device.id, before=before, after=after)
    return row


def heartbeat_answer(
    session: Session, device: KioskDevice, applied_version: int | None
) -> dict[str, Any] | None:
    """Note the version the kiosk says it applied; answer the current settings (None: the
    console never set any, the kiosk keeps its file's)."""
    row = session.get(PushedKioskConfig, device.id)
    if row is None:
        return None
    if applied_version is not None and applied_version != row.applied_version:
        if 0 < applied_version <= row.version:
            row.applied_version = applied_version
            row.applied_at = utcnow()
            session.flush()
    return {
        "version": row.version,
        "settings": {**DEFAULTS, **json.loads(row.settings)},
        "pin_hash": row.pin_hash,
    }
