"""荣誉服务 at the kiosk (issue 15, item 6): from the 办事服务 hub an eligible member sees the
partner venue's offers with the uses left this year, prints a 荣誉服务通知单 (decoded from the
preview printer's ESC/POS bytes, its QR code verified by the backend), then can only reprint it
(补打); on card removal the screen forgets them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import requests

from tests.kiosk.harness import find_button, press, touch, wait_for, wait_for_text, walk
from tests.kiosk.scenarios import Stage, assert_member_gone, show_member


def _printed(path: Path) -> tuple[str, list[str]]:
    from tests.devices.escpos_decoder import decode, lines, native_qrs

    items = decode(path.read_bytes())
    text = " ".join(" ".join(line.split()) for line in lines(items))
    return text, [q.data.decode() for q in native_qrs(items)]


def _row(stage: Stage, title: str):  # type: ignore[no-untyped-def]
    screen = stage.app.sm.get_screen("honor_services")
    return next(r for r in screen.ids.offers.children if r.title.endswith(title))


async def honor_notice(stage: Stage) -> None:
    world = stage.world["honor_services"]
    await stage.on_screen("home")
    stage.app.controller.go("honor_services")  # no member: not for anyone
    await stage.on_screen("home")
    member = await show_member(stage, "regular")
    await press("办事服务")
    await stage.on_screen("services")
    await press("荣誉服务")
    await stage.on_screen("honor_services")
    await wait_for_text("今年还可使用1次")
    await wait_for_text("老党员")
    stage.shot("honor-services")
    once = _row(stage, world["once"])
    assert "今年还可使用1次" in once.detail and once.button_text == "打印通知单"
    await touch(once.ids.action)
    await wait_for_text("正在打印荣誉服务通知单")
    folder = stage.work / "prints"
    files = await wait_for(lambda: sorted(folder.glob("*.bin")), "a printed .bin", timeout=10)
    text, qrs = _printed(files[0])
    assert "荣誉服务通知单" in text and world["venue"] in text and world["once"] in text
    assert "开具方式 自助查询机" in text and "享受条件 老党员" in text, text
    (qr,) = qrs
    url = stage.backend_url + urlsplit(qr).path
    check = requests.get(url, params={"format": "json"}, timeout=10).json()
    assert check["status_label"] == "有效" and check["kind_label"] == "荣誉服务通知单"
    stage.app.dialogs.close_all()
    await wait_for(lambda: _row(stage, world["once"]).button_text == "补打通知单", "reprint")
    assert "今年还可使用0次" in _row(stage, world["once"]).detail
    assert "今年还可使用2次" in _row(stage, world["twice"]).detail
    await touch(_row(stage, world["once"]).ids.action)
    more = await wait_for(
        lambda: sorted(set(folder.glob("*.bin")) - set(files)), "the reprint", timeout=10
    )
    again, again_qrs = _printed(more[0])
    assert "荣誉服务通知单（补打）" in again and "补打次数 第1次" in again, again
    assert again_qrs == qrs
    stage.app.dialogs.close_all()
    find_button("返回", stage.app.sm.get_screen("honor_services"))
    stage.reader.remove()
    await stage.on_screen("home")
    screen = stage.app.sm.get_screen("honor_services")
    assert list(screen.ids.offers.children) == []
    assert not any(world["venue"] in getattr(w, "text", "") for w in walk(screen))
    assert_member_gone(stage, member)


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "honor_notice": honor_notice,
}
