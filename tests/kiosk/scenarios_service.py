"""Scenarios where the hall's infrastructure misbehaves: the backend goes away and comes back,
the statement is printed, the printer runs out of paper."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from tests.kiosk.harness import press, screen_text, wait_for, wait_for_text
from tests.kiosk.scenarios import Stage, show_member

OFFLINE_MESSAGE = "暂时无法连接服务器，请稍后再试或联系工作人员"
PRINTER_UNAVAILABLE = "打印机暂时无法使用，请联系工作人员"


async def offline(stage: Stage) -> None:
    """The backend stops: a banner appears by itself and a tap gets a clear message; it comes
    back: the banner goes by itself and taps work again."""
    from tests.kiosk.server import BackendServer

    port = int(stage.backend_url.rsplit(":", 1)[1])
    server = BackendServer(stage.world["database_url"], port, log=stage.work / "backend.log")
    server.start()
    stage.cleanups.append(server.stop)
    await stage.on_screen("home")
    await wait_for(lambda: stage.app.online, "online", timeout=10)
    member = await show_member(stage, "regular")
    await press("退出")
    await stage.on_screen("home")
    server.stop()
    await wait_for_text("网络连接中断", timeout=10)
    stage.shot("offline-banner")
    stage.tap(member["uid"])
    await wait_for_text(OFFLINE_MESSAGE, timeout=10)
    stage.shot("offline-tap")
    await press("好的")
    await stage.on_screen("home")
    stage.reader.remove()
    server.start()
    await wait_for(lambda: "网络连接中断" not in screen_text(), "banner gone", timeout=40)
    await show_member(stage, "regular")
    stage.shot("offline-recovered")


def assert_statement(data: bytes, member: dict[str, Any]) -> None:
    """The printed 缴费明细, decoded from its ESC/POS bytes: the amounts in text lines, and the
    name row (with a rare character the printer's font lacks) as a raster image."""
    from tests.devices.escpos_decoder import decode, lines, rasters

    items = decode(data)
    printed = lines(items)
    text = "\n".join(printed)
    assert "党费缴纳明细" in text
    assert member["org_name"] in text
    assert rasters(items), "the name with 𠮷 must be printed as an image"
    assert any("每月党费" in line and member["monthly"] in line for line in printed), text
    assert any("累计欠交" in line and member["arrears"] in line for line in printed), text
    assert any("欠交月数" in line and f"{member['unpaid']}个月" in line for line in printed), text


async def printing(stage: Stage) -> None:
    """The 缴费明细 goes to the preview printer; its ESC/POS bytes hold the right amounts."""
    await stage.on_screen("home")
    member = await show_member(stage, "regular")
    await press("打印缴费明细")
    await wait_for_text("正在打印缴费明细")
    folder = stage.work / "prints"
    files = await wait_for(lambda: sorted(folder.glob("*.bin")), "a printed .bin", timeout=10)
    await wait_for(lambda: sorted(folder.glob("*.png")), "a printed .png", timeout=10)
    assert_statement(files[0].read_bytes(), member)
    stage.facts["statement"] = str(files[0])
    stage.shot("member-print")


async def printer_unavailable(stage: Stage) -> None:
    """Out of paper: the member is told so, the job waits in the queue and prints once paper
    is back."""
    from tests.devices.fake_printer import FakeNetworkPrinter

    fake = FakeNetworkPrinter(port=int(stage.facts_in["printer_port"]))
    fake.set_paper("out")
    stage.cleanups.append(fake.close)
    printing = stage.app.printing
    await wait_for(lambda: printing.state and printing.state.value == "paper_end", "paper end")
    await wait_for_text(PRINTER_UNAVAILABLE)
    member = await show_member(stage, "regular")
    await press("打印缴费明细")
    await wait_for_text(PRINTER_UNAVAILABLE)
    stage.shot("printer-unavailable")
    jobs = printing.queue.jobs()
    assert len(jobs) == 1 and jobs[0].state.value in ("queued", "waiting_printer"), jobs
    fake.set_paper("ok")
    printed = fake.wait_for_jobs(1, timeout=15)
    assert len(printed) == 1
    assert_statement(printed[0], member)
    await wait_for(lambda: printing.queue.jobs()[0].state.value == "done", "job done")


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "offline": offline,
    "printing": printing,
    "printer_unavailable": printer_unavailable,
}
