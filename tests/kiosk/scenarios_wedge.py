"""A keyboard-wedge reader typing UIDs with real key events (``sdl_keys``): upper and lower
case, Shift around each letter, Caps Lock on, 5 ms a key, ``max_gap_ms = 50``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from tests.kiosk.harness import frames, press, wait_for_text
from tests.kiosk.scenarios import Stage, assert_member_gone
from tests.kiosk.sdl_keys import Keyboard


async def _read_as_tap(stage: Stage, keyboard: Keyboard, typed: str, key: str) -> None:
    member = stage.member(key)
    await keyboard.type(typed)
    await stage.on_screen("member", timeout=8)
    await wait_for_text(member["name_masked"])
    await press("退出")
    await stage.on_screen("home")
    assert_member_gone(stage, member)


async def wedge_shift_and_caps(stage: Stage) -> None:
    """GIVEN a wedge reader (hex, max_gap_ms = 50) WHEN it types a UID at 5 ms a key, upper
    case with Shift, lower case, and upper case with Caps Lock on THEN each is a tap of that
    card; a person typing the same keys slowly (80 ms a key) is not."""
    await stage.on_screen("home")
    keyboard = Keyboard(gap=0.005)
    regular = stage.member("regular")["uid"]
    reminder = stage.member("reminder")["uid"]
    final = stage.member("final")["uid"]
    assert any(c.isalpha() for c in regular + reminder + final), "the UIDs need hex letters"
    await _read_as_tap(stage, keyboard, regular.upper(), "regular")
    await _read_as_tap(stage, keyboard, reminder.lower(), "reminder")
    await keyboard.toggle_caps_lock()
    await _read_as_tap(stage, keyboard, final.upper(), "final")
    await _read_as_tap(stage, keyboard, regular.lower(), "regular")  # Shift with Caps Lock on
    await keyboard.toggle_caps_lock()
    slow = Keyboard(gap=0.08)
    await slow.type(regular.upper())
    await frames(10)
    assert stage.app.sm.current == "home"
    assert stage.app.session.token is None


SCENARIOS: dict[str, Callable[[Stage], Awaitable[None]]] = {
    "wedge_shift_and_caps": wedge_shift_and_caps,
}
