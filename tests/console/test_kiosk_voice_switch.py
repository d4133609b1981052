"""The console's 语音提示 switch for one kiosk (docs/kiosk.md, 语音提示): on and off travel in
the heartbeat's answer as true / false; 按本机配置文件 sends nothing, so the kiosk's own
kiosk.toml decides. Over HTTP on both databases."""

from __future__ import annotations

from tests.console.test_kiosk_fleet_config import GOOD, _beat, _setup, page_text


def test_voice_switch_is_pushed_and_shown_again_on_the_page(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("admin")
    url = f"/console/devices/{data['device_id']}/config"
    form = page_text(client.get(url))
    assert "语音提示" in form and "按本机配置文件" in form

    assert client.post(url, data={**GOOD, "voice": "on"}).status_code == 302
    assert _beat(client, data["key"]).json["config"]["settings"]["voice"] is True
    html = client.get(url).get_data(as_text=True)
    assert '<option value="on" selected>开启</option>' in html

    assert (
        client.post(url, data={**GOOD, "voice": "off", "pin": "", "pin_again": ""}).status_code
        == 302
    )
    assert _beat(client, data["key"]).json["config"]["settings"]["voice"] is False

    assert (
        client.post(url, data={**GOOD, "voice": "", "pin": "", "pin_again": ""}).status_code == 302
    )
    assert "voice" not in _beat(client, data["key"]).json["config"]["settings"]

    log = page_text(client.get("/console/audit?group=device."))
    assert log.count("设置查询机配置") == 3


def test_an_unknown_voice_choice_gets_a_chinese_message(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("admin")
    answer = client.post(
        f"/console/devices/{data['device_id']}/config", data={**GOOD, "voice": "loud"}
    )
    assert answer.status_code == 400
    assert "语音提示只能选择开启、关闭或按本机配置" in page_text(answer)
    assert _beat(client, data["key"]).json["config"] is None
