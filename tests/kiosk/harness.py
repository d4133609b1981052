"""Helpers for scenarios running inside the kiosk process: wait, look, touch, type, shoot.

They drive the real app through Kivy's own input path (``UnitTestTouch`` for touches, the
window's key events for a keyboard-wedge reader) and read what a person would read: the
``text`` of every widget in the window, dialogs included.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from kivy.core.window import Window
from kivy.metrics import mm
from kivy.tests.common import UnitTestTouch
from kivy.uix.widget import Widget

SEEN_TEXTS: set[str] = set()


def walk(widget: Any = None) -> Iterator[Widget]:
    """Every widget in the window (screens not shown are not in the window's tree)."""
    stack = list((widget or Window).children)
    while stack:
        current = stack.pop()
        yield current
        stack.extend(current.children)


def texts(widget: Any = None) -> list[str]:
    """Every non-empty text on screen; each is also remembered for the glyph check."""
    found = [w.text for w in walk(widget) if isinstance(getattr(w, "text", None), str) and w.text]
    SEEN_TEXTS.update(found)
    return found


def screen_text(widget: Any = None) -> str:
    return "\n".join(texts(widget))


def all_widget_text(root: Any) -> str:
    """Text of every widget below ``root``, shown or not (a whole ScreenManager)."""
    stack, found = [root], []
    while stack:
        current = stack.pop()
        value = getattr(current, "text", None)
        if isinstance(value, str) and value:
            found.append(value)
        stack.extend(current.children)
        if hasattr(current, "screens"):
            stack.extend(s for s in current.screens if s not in current.children)
        data = getattr(current, "data", None)
        if isinstance(data, list):
            found += [str(v) for item in data if isinstance(item, dict) for v in item.values()]
    return "\n".join(found)


async def wait_for(
    condition: Callable[[], Any], what: str, timeout: float = 15.0, interval: float = 0.02
) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        await asyncio.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for: {what}\n{screen_text()}")


async def wait_for_text(fragment: str, timeout: float = 15.0) -> str:
    return await wait_for(lambda: fragment in screen_text(), f"text {fragment!r}", timeout)


async def frames(count: int = 2) -> None:
    """Let Kivy lay out and draw."""
    for _ in range(count):
        await asyncio.sleep(1 / 30)


def find_button(label: str, within: Any = None) -> Widget:
    for widget in walk(within):
        if getattr(widget, "text", None) == label and hasattr(widget, "on_release"):
            if widget.opacity > 0 and not widget.disabled:
                return widget
    raise AssertionError(f"no button {label!r} on screen:\n{screen_text()}")


async def touch(widget: Widget) -> None:
    """A real touch on the centre of ``widget`` (down, then up)."""
    x, y = widget.to_window(*widget.center)
    event = UnitTestTouch(x, y)
    event.touch_down()
    await frames(1)
    event.touch_up()
    await frames(2)


async def press(label: str, within: Any = None) -> None:
    await touch(find_button(label, within))


async def type_keys(text: str, *, enter: bool = True) -> None:
    """Type on the physical keyboard, as a keyboard-wedge reader does."""
    for char in text:
        Window.dispatch("on_key_down", ord(char.lower()), 0, char, [])
        Window.dispatch("on_key_up", ord(char.lower()), 0)
    if enter:
        Window.dispatch("on_key_down", 13, 40, None, [])
        Window.dispatch("on_key_up", 13, 40)
    await frames(1)


def small_touch_targets() -> list[str]:
    """Buttons on screen shorter than 15 mm (the issue's minimum)."""
    minimum = mm(15) - 0.5
    return [
        f"{w.text!r}: {w.height / mm(1):.1f} mm"
        for w in walk()
        if hasattr(w, "on_release") and w.opacity > 0 and w.height < minimum and w.text
    ]


def screenshot(folder: Path, name: str) -> Path:
    """Save the window as ``folder/name.png`` (Kivy numbers its files; we rename)."""
    folder.mkdir(parents=True, exist_ok=True)
    written = Window.screenshot(name=str(folder / f"{name}.png"))
    target = folder / f"{name}.png"
    if written and Path(written) != target:
        Path(written).replace(target)
    return target
