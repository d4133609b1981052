"""The member screen's layout and wording (issue 12, item 7): large text with the two-line
warning, the current month, joining date and party age, settings reset after idle, and the
reader-down message naming a button that exists."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date

from tests.kiosk.harness import (
    find_button,
    frames,
    press,
    screen_text,
    touch,
    wait_for,
    wait_for_text,
)
from tests.kiosk.layout import overlapping_texts, spilling_texts
from tests.kiosk.scenarios import FINAL_WARNING, Stage, show_member


async def large_text_layout(stage: Stage) -> None:
    """GIVEN large text WHEN a member six months behind (two-line warning) taps THEN no text
    on the member screen overlaps another, and each month's text stays inside its tile."""
    await stage.on_screen("home")
    await press("大字模式")
    assert stage.app.theme.scale > 1
    await show_member(stage, "final")
    await wait_for_text(FINAL_WARNING)
    await frames(6)
    stage.shot("member-large-text-warning")
    screen = stage.app.sm.get_screen("member")
    # Everything fits on the screen: nothing is hidden below the fold of the scroller.
    assert screen.ids.content.height <= screen.ids.scroller.height, (
        screen.ids.content.height,
        screen.ids.scroller.height,
    )
    overlaps = overlapping_texts(screen)
    assert not overlaps, "\n".join(overlaps)
    for cell in screen.cells:
        spills = spilling_texts(cell, cell)
        assert not spills, "\n".join(spills)
    spills = spilling_texts(screen, screen)
    assert not spills, "\n".join(spills)
    await press("退出")
    await stage.on_screen("home")


def _yuan(text: str, label: str) -> float:
    match = re.search(label + r"[：:\s]*([\d.]+)\s*元", text)
    assert match, f"{label} not in {text!r}"
    return float(match.group(1))


async def member_details(stage: Stage) -> None:
    """The current month shows 本月待交 (not the arrears' 未交), the figures on screen add up,
    and the member sees their joining date and party age."""
    await stage.on_screen("home")
    member = await show_member(stage, "regular")
    today = date.fromisoformat(stage.world["today"])
    cells = stage.app.sm.get_screen("member").cells
    assert cells[today.month - 1].state_text == "本月待交"
    assert [c.state_text for c in cells].count("未交") == min(member["unpaid"], today.month - 1)
    text = screen_text()
    arrears = _yuan(text, "累计欠缴")
    due, paid = _yuan(text, "截至上月应交"), _yuan(text, "已交")
    earlier = _yuan(text, "往年欠缴") if "往年欠缴" in text else 0.0
    assert round(due - paid + earlier, 2) == arrears == float(member["arrears"])
    assert f"本月待交：{member['monthly']} 元" in text
    assert "入党日期：" in text and "党龄：" in text
    stage.shot("member-details")
    await press("退出")
    await stage.on_screen("home")


async def settings_reset_after_idle(stage: Stage) -> None:
    """Large text and high contrast chosen by one member are gone for the next: after the idle
    countdown, and after the attract loop on the home screen."""
    if stage.app.sm.current == "attract":  # a slow start already ran into the attract loop
        await touch(stage.app.sm.get_screen("attract"))
    await stage.on_screen("home")
    theme = stage.app.theme
    await press("大字模式")
    await press("高对比度")
    assert theme.scale > 1 and theme.high_contrast
    await show_member(stage, "regular")
    await stage.on_screen("home", timeout=15)
    await wait_for(lambda: theme.scale == 1 and not theme.high_contrast, "settings reset")
    assert "大字模式" in screen_text() and "高对比度" in screen_text()
    await press("大字模式")
    await stage.on_screen("attract", timeout=15)
    await wait_for(lambda: theme.scale == 1, "large text reset by the attract loop")


async def reader_down_message(stage: Stage) -> None:
    """The reader goes away: the home screen says so and names a button that is on it."""
    await stage.on_screen("home")
    stage.reader.unplug()
    await wait_for_text("读卡器暂时无法使用")
    status = stage.app.sm.get_screen("home").status_text
    named = re.findall(r"“([^”]+)”", status)
    assert named, status
    for label in named:
        find_button(label)
    stage.shot("reader-down")
    stage.reader.replug()
    await wait_for(lambda: "读卡器" not in stage.app.sm.get_screen("home").status_text, "ok")


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "large_text_layout": large_text_layout,
    "member_details": member_details,
    "settings_reset_after_idle": settings_reset_after_idle,
    "reader_down_message": reader_down_message,
}
