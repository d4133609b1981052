"""Kiosk settings pushed from the console (docs/kiosk.md): saved and audited, delivered in the
heartbeat's answer, the applied version reported back; offline and out-of-paper kiosks on the
red warnings and the fleet page. Over HTTP on both databases."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash

from backend.models import KioskDevice, Role
from backend.models.base import utcnow
from tests.builders import Builders
from tests.console.conftest import page_text as page_html

GOOD = {
    "mode": "board",
    "idle_seconds": "45",
    "countdown_seconds": "8",
    "large_text": "1",
    "sleep_from": "20:00",
    "sleep_until": "08:00",
    "pin": "24681357",
    "pin_again": "24681357",
}


def page_text(response) -> str:  # type: ignore[no-untyped-def]
    """What a person reads: the page without its tags, blanks collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page_html(response)))


def _setup(build: Builders, db) -> dict:  # type: ignore[no-untyped-def]
    o = build.district()
    build.user(o["district"], "admin", Role.ADMIN)
    build.user(o["b3"], "b3clerk", Role.ORG_STAFF)
    key = build.device("一楼大厅")
    db.commit()
    device_id = db.scalar(select(KioskDevice.id).where(KioskDevice.name == "一楼大厅"))
    db.rollback()
    return {"key": key, "device_id": device_id}


def _beat(client, key: str, **body):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/kiosk/heartbeat", json=body, headers={"X-Device-Key": key})


def test_pushed_config_reaches_the_kiosk_and_the_applied_version_comes_back(
    client, sign_in, build, db
) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    assert _beat(client, data["key"], printer="ok").json["config"] is None
    sign_in("admin")
    url = f"/console/devices/{data['device_id']}/config"
    saved = client.post(url, data=GOOD, follow_redirects=True)
    assert "查询机一楼大厅的配置已保存为第1版，将在下次心跳时生效" in page_text(saved)
    assert "第1版 待生效" in page_text(saved)

    answer = _beat(client, data["key"], printer="ok").json["config"]
    assert answer["version"] == 1
    assert answer["settings"] == {
        "mode": "board",
        "idle_seconds": 45,
        "countdown_seconds": 8,
        "large_text": True,
        "sleep_from": "20:00",
        "sleep_until": "08:00",
    }
    assert check_password_hash(answer["pin_hash"], "24681357")
    assert not check_password_hash(answer["pin_hash"], "24681358")

    _beat(client, data["key"], printer="ok", config_version=1)
    listing = page_text(client.get("/console/devices"))
    assert "第1版 已生效" in listing

    # a second save without a PIN keeps the PIN and raises the version
    again = client.post(url, data={**GOOD, "mode": "both", "pin": "", "pin_again": ""})
    assert again.status_code == 302
    second = _beat(client, data["key"], config_version=1).json["config"]
    assert second["version"] == 2 and second["settings"]["mode"] == "both"
    assert check_password_hash(second["pin_hash"], "24681357")
    assert "第2版 待生效 （本机在用第1版）" in page_text(client.get("/console/devices"))

    log = page_text(client.get("/console/audit?group=device."))
    assert log.count("设置查询机配置") == 2
    assert "24681357" not in log


def test_bad_settings_get_a_chinese_message_and_change_nothing(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("admin")
    url = f"/console/devices/{data['device_id']}/config"
    cases = [
        ({"countdown_seconds": "45"}, "倒计时秒数必须小于空闲返回秒数"),
        ({"idle_seconds": "abc"}, "空闲返回秒数应为 10 到 3600 之间的整数"),
        ({"sleep_until": ""}, "息屏的开始和结束时间要同时填写（或都不填）"),
        ({"sleep_from": "25:00"}, "时间应写成 时:分，例如 20:00"),
        ({"pin": "1234", "pin_again": "1234"}, "维护PIN应为6至8位数字"),
        ({"pin_again": "11111111"}, "两次输入的维护PIN不一致"),
    ]
    for change, message in cases:
        answer = client.post(url, data={**GOOD, **change})
        assert answer.status_code == 400 and message in page_text(answer), message
    assert _beat(client, data["key"]).json["config"] is None


def test_only_district_admins_set_kiosk_config(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("b3clerk")
    url = f"/console/devices/{data['device_id']}/config"
    assert client.post(url, data=GOOD).status_code == 403
    assert _beat(client, data["key"]).json["config"] is None


def test_offline_and_paper_out_kiosks_are_red_warnings(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    build.device("二楼-1")
    build.device("三楼-1")
    db.commit()
    _beat(client, data["key"], printer="paper_end")
    stale = db.scalar(select(KioskDevice).where(KioskDevice.name == "二楼-1"))
    stale.last_seen_at = utcnow() - timedelta(minutes=11)
    db.commit()
    sign_in("admin")
    warnings = page_text(client.get("/console/warnings"))
    block = warnings[warnings.index("查询机离线或缺纸") :]
    assert "3 台" in block
    assert "一楼大厅" in block and "打印机缺纸" in block
    assert "二楼-1" in block and "离线：超过10分钟没有心跳" in block
    assert "三楼-1" in block and "从未联系" in block
    fleet = page_text(client.get("/console/devices"))
    assert fleet.index("需要处理的查询机") < fleet.index("设备名称 安放位置 状态")
    home = page_text(client.get("/console/"))
    assert "查询机离线或缺纸 3" in home
    _beat(client, data["key"], printer="ok")
    assert "打印机缺纸" not in page_text(client.get("/console/warnings"))

    sign_in("b3clerk")
    assert "查询机离线或缺纸" not in page_text(client.get("/console/warnings"))
