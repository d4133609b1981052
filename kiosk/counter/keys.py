"""The counter's keyboard: arrow keys move a highlight through a list (search results, branches)
or the month grid of the payment form; the screen decides what Enter and Space do with it.

Staff at the window work with the keyboard as much as with the touch screen, so every list a
screen shows can be walked and chosen without the mouse (``docs/counter.md``, "Keyboard").
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from kivy.uix.scrollview import ScrollView

UP, DOWN, RIGHT, LEFT = 273, 274, 275, 276
ARROWS = (UP, DOWN, RIGHT, LEFT)
ENTER_KEYS = (13, 271)
SPACE = 32
PLUS_KEYS = (43, 61, 270)  # "+", "=" (the same key unshifted), keypad +
MINUS_KEYS = (45, 269)  # "-", keypad -


class KeyCursor:
    """The highlighted item of a list (``cols`` = 1) or grid; none until an arrow key."""

    def __init__(self, cols: int = 1) -> None:
        self.cols = cols
        self.items: list[Any] = []
        self.index = -1

    @property
    def current(self) -> Any | None:
        return self.items[self.index] if 0 <= self.index < len(self.items) else None

    def reset(self, items: Sequence[Any]) -> None:
        self.clear()
        self.items = list(items)

    def clear(self) -> None:
        if self.current is not None:
            self.current.highlighted = False
        self.index = -1

    def move(self, key: int) -> bool:
        """Move by an arrow key; True when the key was taken (there is something to move on).
        Up from the first row leaves the list (returns False), so the screen can go back to
        its first box."""
        if key not in ARROWS or not self.items:
            return False
        if self.index < 0:
            if key == UP:
                return False
            return self._go(0)
        step = {UP: -self.cols, DOWN: self.cols, LEFT: -1, RIGHT: 1}[key]
        if self.cols == 1 and key in (LEFT, RIGHT):
            return False
        target = self.index + step
        if target < 0:
            if key == UP:
                self.clear()
                return False
            return True
        return self._go(min(target, len(self.items) - 1))

    def _go(self, index: int) -> bool:
        if self.current is not None:
            self.current.highlighted = False
        self.index = index
        item = self.items[index]
        item.highlighted = True
        parent = item.parent
        while parent is not None and not isinstance(parent, ScrollView):
            parent = parent.parent
        if parent is not None:
            parent.scroll_to(item, animate=False)
        return True


def choose_or_submit(
    cursor: KeyCursor, key: int, *, typing: bool, chosen: int, submit: Callable[[], None]
) -> bool:
    """The keys of a form with a list to choose from (the receiving branch): arrows walk the
    list (and leave the box being typed in), Enter chooses the highlighted row, Enter on the
    row already chosen submits the form. While a box has the focus, Enter is the box's."""
    if cursor.move(key):
        _drop_typing_focus()
        return True
    if key not in ENTER_KEYS or typing or cursor.current is None:
        return False
    row = cursor.current
    if row.item_id and row.item_id == chosen:
        submit()
    else:
        row.dispatch("on_release")
    return True


def _drop_typing_focus() -> None:
    from kivy.core.window import Window

    for root in Window.children:
        for widget in root.walk():
            if getattr(widget, "focus", False) is True:
                widget.focus = False
