"""What a person does at the kiosk, played against the real app (see ``driver.py``).

Each scenario asserts what the person would see: texts on screen, months in the grid, the
amounts on the printed statement. Screenshots go to ``test-artifacts/kiosk/``.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from tests.kiosk.harness import (
    all_widget_text,
    frames,
    press,
    screen_text,
    screenshot,
    touch,
    type_keys,
    wait_for,
    wait_for_text,
)

FINAL_WARNING = "有情提醒：党费要按时缴纳，按党章规定逾期六个月，可作自行退党处理！"
REMINDER_START = "温馨提示：您已有5个月党费未交"


@dataclass
class Stage:
    app: Any
    world: dict[str, Any]
    artifacts: Path
    work: Path
    backend_url: str
    facts: dict[str, Any] = field(default_factory=dict)
    facts_in: dict[str, Any] = field(default_factory=dict)
    cleanups: list[Callable[[], None]] = field(default_factory=list)

    @property
    def reader(self) -> Any:
        return self.app.reader.reader

    def member(self, key: str) -> dict[str, Any]:
        return self.world["members"][key]

    def tap(self, uid_hex: str) -> None:
        self.facts.setdefault("taps", []).append(time.monotonic())
        self.reader.tap(bytes.fromhex(uid_hex))

    def shot(self, name: str) -> Path:
        path = screenshot(self.artifacts, name)
        self.facts.setdefault("screenshots", []).append(str(path))
        return path

    def cleanup(self) -> None:
        for step in reversed(self.cleanups):
            step()
        self.cleanups.clear()

    async def on_screen(self, name: str, timeout: float = 15.0) -> None:
        await wait_for(lambda: self.app.sm.current == name, f"screen {name}", timeout)
        await frames(2)


def expected_months(today: date, unpaid: int) -> list[str]:
    """The grid a member with ``unpaid`` months owed before this month should see."""
    owed = set()
    for n in range(1, unpaid + 1):
        index = today.year * 12 + today.month - 1 - n
        owed.add((index // 12, index % 12 + 1))
    labels = []
    for month in range(1, 13):
        if month > today.month:
            labels.append("未到期")
        elif month == today.month:
            labels.append("本月待交")  # due by the month's end: not arrears
        elif (today.year, month) in owed:
            labels.append("未交")
        else:
            labels.append("已交")
    return labels


def assert_member_gone(stage: Stage, member: dict[str, Any]) -> None:
    """Nothing of the member anywhere: not on screen, not in any screen's widgets or lists."""
    everything = all_widget_text(stage.app.root) + "\n" + screen_text()
    for secret in (member["name_masked"], member["org_name"], f"累计欠缴：{member['arrears']}"):
        assert secret not in everything, f"{secret!r} is still in the widget tree"
    assert stage.app.session.token is None and stage.app.session.summary is None
    cells = stage.app.sm.get_screen("member").cells
    assert all(not c.state_text and not c.amount_text for c in cells)


async def show_member(stage: Stage, key: str) -> dict[str, Any]:
    member = stage.member(key)
    stage.tap(member["uid"])
    await stage.on_screen("member")
    await wait_for_text(member["name_masked"])
    return member


async def tap_member(stage: Stage) -> None:
    """GIVEN the home screen WHEN a member taps their card THEN their year shows; WHEN the card
    is removed THEN the kiosk goes home and nothing of the member remains."""
    await stage.on_screen("home")
    assert "请将党员卡放在读卡区" in screen_text()
    stage.shot("home")
    member = await show_member(stage, "regular")
    text = screen_text()
    assert member["org_name"] in text
    assert "正式党员" in text
    assert f"每月党费：{member['monthly']} 元" in text
    assert f"累计欠缴：{member['arrears']} 元" in text
    assert "欠交：2 个月" in text
    assert FINAL_WARNING not in text and "温馨提示" not in text
    cells = stage.app.sm.get_screen("member").cells
    today = date.fromisoformat(stage.world["today"])
    assert [c.state_text for c in cells] == expected_months(today, 2)
    assert [c.month_text for c in cells] == [f"{m}月" for m in range(1, 13)]
    assert {c.amount_text for c in cells} == {member["monthly"]}
    stage.shot("member-regular")
    stage.reader.remove()
    await stage.on_screen("home")
    assert_member_gone(stage, member)
    stage.shot("home-after-leave")


async def warnings(stage: Stage) -> None:
    """Six months unpaid: the 有情提醒 warning (docs/dues.md); five: the gentle reminder."""
    await stage.on_screen("home")
    final = await show_member(stage, "final")
    text = screen_text()
    assert FINAL_WARNING in text
    assert "欠交：6 个月" in text
    assert f"累计欠缴：{final['arrears']} 元" in text
    stage.shot("member-six-months")
    await show_member(stage, "reminder")
    text = screen_text()
    assert REMINDER_START in text and FINAL_WARNING not in text
    assert final["name_masked"] not in text
    stage.shot("member-five-months")


async def idle_leave(stage: Stage) -> None:
    """A member walks away without the card leaving (a wedge reader cannot tell): after the
    idle time a countdown closes the open dialog, then the kiosk goes home and forgets."""
    await stage.on_screen("home")
    member = await show_member(stage, "regular")
    await press("打印缴费明细")
    await wait_for_text("缴费明细")
    await wait_for_text("秒后将自动退出", timeout=12)
    assert "正在打印缴费明细" not in screen_text(), "the countdown must close other dialogs"
    assert len(stage.app.dialogs.open_dialogs) == 1
    stage.shot("idle-countdown")
    await stage.on_screen("home", timeout=8)
    await frames(3)
    assert stage.app.dialogs.open_dialogs == []
    assert_member_gone(stage, member)


async def bad_cards(stage: Stage) -> None:
    """Unknown and lost cards get a clear message and go back home; so does a bank card."""
    await stage.on_screen("home")
    stage.tap(stage.world["unknown_uid"])
    await wait_for_text("未能识别这张卡")
    stage.shot("card-unknown")
    await press("好的")
    await stage.on_screen("home")
    stage.tap(stage.world["lost_uid"])
    await wait_for_text("这张卡已挂失")
    stage.shot("card-lost")
    await press("好的")
    await stage.on_screen("home")
    stage.reader.tap_unsupported()
    await wait_for_text("无法读取这张卡")
    await press("好的")
    assert stage.app.session.token is None


async def manual_entry(stage: Stage) -> None:
    """No card with them: card number and the ID's last six on the on-screen pad. A wrong
    ID tail keeps the member on the entry screen with the card number kept and only the tail
    cleared; a wrong card number clears only the card number."""
    await stage.on_screen("home")
    member = stage.member("reminder")
    await press("刷卡查询党费")
    await stage.on_screen("lookup")
    lookup = stage.app.sm.get_screen("lookup")
    pad = lookup.ids.pad
    for key in member["card_no"]:
        await press(key, pad)
    for key in "000000":
        await press(key, pad)
    await press("查询")
    await wait_for_text("身份证号后六位与卡号不符")
    await press("好的")
    await frames(3)
    assert stage.app.sm.current == "lookup"
    assert (lookup.card_no, lookup.id_last6, lookup.field) == (member["card_no"], "", "id_last6")
    for key in member["id_last6"]:
        await press(key, pad)
    await touch(lookup.ids.card_no_box)
    for _ in range(5):
        await press("删除", pad)
    for key in "99999":
        await press(key, pad)
    await press("查询")
    await wait_for_text("没有这个卡号")
    await press("好的")
    await frames(3)
    assert stage.app.sm.current == "lookup"
    assert (lookup.card_no, lookup.id_last6, lookup.field) == ("", member["id_last6"], "card_no")
    for key in member["card_no"].lstrip("0"):
        await press(key, pad)
    stage.shot("manual-entry")
    await press("查询")
    await stage.on_screen("member")
    await wait_for_text(member["name_masked"])
    assert f"累计欠缴：{member['arrears']} 元" in screen_text()
    await press("退出")
    await stage.on_screen("home")
    assert_member_gone(stage, member)
    await press("刷卡查询党费")
    await stage.on_screen("lookup")
    assert (lookup.card_no, lookup.id_last6) == ("", "")


async def manual_entry_width(stage: Stage) -> None:
    """The card-number width comes from the backend (here a hall with 6-digit numbers): the
    pad takes six digits, then moves to the ID box, and a short number is padded to six."""
    await stage.on_screen("home")
    member = stage.member("reminder")
    await press("刷卡查询党费")
    await stage.on_screen("lookup")
    lookup = stage.app.sm.get_screen("lookup")
    pad = lookup.ids.pad
    for _ in range(200):  # the monitor's first probe, or the screen's own request
        if stage.app.client.card_no_digits is not None:
            break
        await frames(1)
    assert stage.app.client.card_no_digits == stage.facts_in["card_no_digits"]
    for key in "1234567":
        await press(key, pad)
    assert (lookup.card_no, lookup.id_last6, lookup.field) == ("123456", "7", "id_last6")
    await touch(lookup.ids.card_no_box)
    for _ in range(6):
        await press("删除", pad)
    for key in member["card_no"].lstrip("0"):  # a five-digit hall's number, typed short
        await press(key, pad)
    assert lookup.field == "card_no"  # not complete: six digits here
    await touch(lookup.ids.id_box)
    for key in member["id_last6"][1:]:
        await press(key, pad)
    await press("查询")
    await wait_for_text("没有这个卡号")  # padded to six digits, so no five-digit card matches
    await press("好的")


async def wedge_typing(stage: Stage) -> None:
    """A keyboard-wedge reader types the UID and Enter: that is a tap."""
    await stage.on_screen("home")
    member = stage.member("regular")
    await type_keys(member["uid"])
    await stage.on_screen("member")
    await wait_for_text(member["name_masked"])
    await press("退出")
    await stage.on_screen("home")
    assert_member_gone(stage, member)


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "tap_member": tap_member,
    "warnings": warnings,
    "idle_leave": idle_leave,
    "bad_cards": bad_cards,
    "manual_entry": manual_entry,
    "manual_entry_width": manual_entry_width,
    "wedge_typing": wedge_typing,
}
