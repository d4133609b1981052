"""Steps the counter scenarios share: type on the keyboard, sign in, find and open a member,
answer a confirmation, collect what the printer printed and decode it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from kivy.core.window import Window

from tests.devices.escpos_decoder import decode, lines, native_qrs
from tests.kiosk.harness import frames, press, screen_text, wait_for, wait_for_text
from tests.kiosk.scenarios import Stage

ENTER = (13, 40)


async def type_into(field: Any, text: str, *, enter: bool = False) -> None:
    """Focus a form field (or a bare text box) and type on the counter's keyboard: the text,
    then Enter if asked."""
    box = field.ids.input if "input" in getattr(field, "ids", {}) else field
    box.focus = True
    await frames(1)
    box.text = ""
    Window.dispatch("on_textinput", text)
    await frames(1)
    assert box.text == text, f"typed {text!r}, the box holds {box.text!r}"
    if enter:
        await press_key(ENTER)


async def press_key(key: tuple[int, int]) -> None:
    """A key on the counter's keyboard, e.g. :data:`ENTER`."""
    Window.dispatch("on_key_down", *key, None, [])
    Window.dispatch("on_key_up", *key)
    await frames(2)


def screen(stage: Stage, name: str) -> Any:
    return stage.app.sm.get_screen(name)


async def sign_in(stage: Stage, username: str = "counter") -> None:
    await stage.on_screen("counter_login")
    login = screen(stage, "counter_login")
    await type_into(login.ids.username, username)
    await type_into(login.ids.password, stage.world["password"], enter=True)
    await stage.on_screen("counter_find")


async def open_member(stage: Stage, key: str) -> dict[str, Any]:
    """Search by name and open the member (the only hit with that name in scope)."""
    member = stage.world["members"][key]
    await find(stage, member["name"])
    await press_text(f"卡号{member['card_no']}")
    await stage.on_screen("counter_member")
    await wait_for_text(member["name"])
    return member


async def find(stage: Stage, query: str) -> None:
    if stage.app.sm.current != "counter_find":
        await press("查找党员")
        await stage.on_screen("counter_find")
    await type_into(screen(stage, "counter_find").ids.query, query, enter=True)
    await wait_for(lambda: "找到" in screen_text() or "没有找到" in screen_text(), "results")


async def press_text(fragment: str) -> None:
    """Touch the button whose text contains ``fragment`` (a result row)."""
    from tests.kiosk.harness import touch, walk

    def found() -> Any:
        for widget in walk():
            text = getattr(widget, "text", None)
            if isinstance(text, str) and fragment in text and hasattr(widget, "on_release"):
                if not widget.disabled and widget.opacity > 0:
                    return widget
        return None

    await touch(await wait_for(found, f"a button with {fragment!r}"))


async def press_in_row(fragment: str, label: str) -> None:
    """Touch the button ``label`` in the list row whose text contains ``fragment`` (a register
    holds other people's rows too, each with its own 补打)."""
    from tests.kiosk.harness import touch, walk

    def found() -> Any:
        for row in walk():
            texts = [getattr(child, "text", "") for child in row.children]
            if not any(isinstance(t, str) and fragment in t for t in texts):
                continue
            for child in row.children:
                if getattr(child, "text", None) == label and not child.disabled:
                    return child
        return None

    await touch(await wait_for(found, f"{label!r} in the row with {fragment!r}"))


async def confirm(stage: Stage, title: str, ok: str = "确认") -> str:
    """Wait for the confirmation ``title``, return its text, and answer yes (in the dialog,
    not on the screen behind it, which may have a button of the same name)."""
    await wait_for_text(title)
    dialog = stage.app.controller.asks.open_dialogs[-1]
    text = screen_text(dialog)
    await press(ok, dialog)
    return text


async def dismiss(message: str, timeout: float = 10.0) -> str:
    """Wait for a message containing ``message``, return the screen's text, close it."""
    await wait_for_text(message, timeout)
    text = screen_text()
    await press("好的")
    await frames(2)
    return text


def printed_files(stage: Stage, prefix: str) -> list[Path]:
    """The ``.bin`` files of jobs whose id starts with ``prefix`` (preview printer)."""
    return sorted((stage.work / "prints").glob(f"{prefix}*.bin"))


async def wait_printed(stage: Stage, prefix: str, count: int = 1) -> list[Path]:
    return await wait_for(
        lambda: len(printed_files(stage, prefix)) >= count and printed_files(stage, prefix),
        f"{count} printed job(s) {prefix}*",
        timeout=15,
    )


def flat(text: str) -> str:
    """Printed text without line breaks and padding: a title wrapped on paper is whole."""
    return re.sub(r"\s+", "", text)


def paper(path: Path) -> tuple[str, list[Any]]:
    """The decoded text of a printed job (lines joined) and its decoded items."""
    items = decode(path.read_bytes())
    return "\n".join(lines(items)), items


def qr_payloads(items: list[Any]) -> list[str]:
    return [q.data.decode() for q in native_qrs(items)]
