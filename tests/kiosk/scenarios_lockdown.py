"""Lock-down, pushed settings and the screen schedule, played against the real app.

The kiosk runs with ``locked = true`` and a device of the test's own (``facts_in["kiosk"]``),
so what the console pushes to it reaches no other scenario's kiosk.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path

from kivy.base import EventLoop
from kivy.core.window import Window, WindowBase
from kivy.tests.common import UnitTestTouch

from kiosk.lockdown import LONG_PRESS_SECONDS, MAINTENANCE_EXIT_STATUS, NO_PIN
from kiosk.theme import LARGE_TEXT_SCALE
from tests.kiosk import fleet_db
from tests.kiosk.harness import frames, press, screen_text, touch, wait_for, wait_for_text
from tests.kiosk.scenarios import Stage

PIN = "24681357"


def _running(stage: Stage) -> bool:
    return EventLoop.status == "started" and stage.app.exit_status == 0


async def _long_press_corner() -> None:
    """Staff hold the top-left corner: the PIN pad opens."""
    event = UnitTestTouch(5, Window.height - 5)
    event.touch_down()
    await asyncio.sleep(LONG_PRESS_SECONDS + 0.5)
    event.touch_up()
    await frames(2)


async def _enter_pin(stage: Stage, pin: str) -> None:
    dialog = await wait_for(lambda: stage.app.lockdown.dialog, "the PIN pad")
    for digit in pin:
        await press(digit, dialog)
    await press("确定", dialog)


async def lockdown(stage: Stage) -> None:
    """GIVEN a locked kiosk WHEN someone presses Escape (with Kivy's own exit-on-Escape on, as
    on a machine whose Kivy settings say so) or the window is asked to close (Alt+F4, the
    window manager) THEN the app goes on; WHEN staff long-press the corner and give a wrong PIN
    THEN a Chinese message and the app goes on; the right PIN ends the app."""
    await stage.on_screen("home")
    WindowBase.on_keyboard.exit_on_escape = True
    Window.dispatch("on_key_down", 27, 41, None, [])
    Window.dispatch("on_keyboard", 27, 41, None, [])
    Window.dispatch("on_key_up", 27, 41)
    await frames(5)
    assert _running(stage), "Escape ended the kiosk app"
    # SDL's quit event (Alt+F4, the close button) ends the app unless a handler says True
    assert Window.dispatch("on_request_close") is True
    await frames(3)
    assert _running(stage) and stage.app.sm.current == "home"

    await _long_press_corner()
    await wait_for_text("维护退出：请输入维护PIN")
    await _enter_pin(stage, "11112222")
    await wait_for_text(NO_PIN)  # the console has not set a PIN yet
    stage.shot("lockdown-no-pin")

    fleet_db.push(stage.world["database_url"], stage.facts_in["kiosk"], pin=PIN)
    await wait_for(lambda: stage.app.pushed.version == 1, "the pushed PIN", timeout=30)
    await _enter_pin(stage, "11112222")
    await wait_for_text("维护PIN不正确，还可以再试4次")
    stage.shot("lockdown-wrong-pin")
    assert _running(stage)

    await _enter_pin(stage, PIN)
    await wait_for(lambda: stage.app.exit_status == MAINTENANCE_EXIT_STATUS, "the app to end")
    await wait_for(lambda: EventLoop.status != "started", "Kivy's loop to stop")
    stage.facts["exit_status"] = stage.app.exit_status


async def pushed_settings(stage: Stage) -> None:
    """GIVEN a kiosk showing both parts WHEN the console pushes board-only, large text, other
    idle times and a screen schedule THEN the running kiosk applies them at the next heartbeat,
    without a restart, keeps them on disk and reports the version back."""
    app, url, name = stage.app, stage.world["database_url"], stage.facts_in["kiosk"]
    await stage.on_screen("home")
    assert "刷卡查询党费" in screen_text()
    version = fleet_db.push(
        url,
        name,
        pin=PIN,
        mode="board",
        idle_seconds=40,
        countdown_seconds=7,
        large_text=True,
        sleep_from="21:30",
        sleep_until="07:15",
    )
    await wait_for(lambda: app.pushed.version == version, "the pushed settings", timeout=30)
    await wait_for_text("欢迎查阅党务公开和光荣榜")
    text = screen_text()
    assert "刷卡查询党费" not in text and "党务公开" in text and "光荣榜" in text
    assert app.theme.scale == LARGE_TEXT_SCALE
    assert (app.idle.idle_seconds, app.idle.countdown_seconds) == (40, 7)
    assert (app.sleeper.sleep_from, app.sleeper.sleep_until) == ("21:30", "07:15")
    assert app.lockdown.pin_hash and app.kiosk_config.mode == "board"
    stage.shot("pushed-board-only")
    await wait_for(
        lambda: fleet_db.applied_version(url, name) == version, "the applied version", timeout=15
    )
    cached = Path(app.kiosk_config.cache_folder) / "pushed-config.json"
    assert cached.exists() and '"mode": "board"' in cached.read_text(encoding="utf-8")


async def screen_schedule(stage: Stage) -> None:
    """GIVEN sleep hours around now WHEN nobody touches the screen THEN it goes black and the
    display command runs; a touch wakes it (and presses nothing); a card tap wakes it and
    shows the member."""
    app, work = stage.app, stage.work
    await wait_for(lambda: app.sleeper.asleep, "the screen to sleep", timeout=30)
    assert app.sm.parent.children[0] is app.sleeper.layer  # on top of everything
    assert (work / "screen-off").exists()
    stage.shot("screen-asleep")
    await touch(app.sleeper.layer)
    await wait_for(lambda: not app.sleeper.asleep, "a touch to wake the screen")
    # the quiet spell also started the attract loop; the waking touch pressed nothing
    assert (work / "screen-on").exists() and app.sm.current in ("home", "attract")
    await wait_for(lambda: app.sleeper.asleep, "the screen to sleep again", timeout=30)
    member = stage.member("regular")
    stage.tap(member["uid"])
    await wait_for(lambda: not app.sleeper.asleep, "a card tap to wake the screen")
    await stage.on_screen("member")
    await wait_for_text(member["name_masked"])


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "lockdown": lockdown,
    "pushed_settings": pushed_settings,
    "screen_schedule": screen_schedule,
}
