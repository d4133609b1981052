"""Widgets shared by the screens: big buttons, wrapped text, the month cell, a number pad.

Their looks are in ``widgets.kv`` (loaded once by :func:`load_kv`); sizes and colours come from
the app's :class:`~kiosk.theme.Theme`.
"""

from __future__ import annotations

from pathlib import Path

from kivy.lang import Builder
from kivy.properties import ListProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout
from kivy.uix.button import Button
from kivy.uix.gridlayout import GridLayout
from kivy.uix.label import Label

KV_FILE = Path(__file__).with_name("widgets.kv")
BACKSPACE = "删除"
PAD_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "X", "0", BACKSPACE)


def load_kv() -> None:
    if str(KV_FILE) not in Builder.files:
        Builder.load_file(str(KV_FILE))


class BigButton(Button):
    """A touch target at least 15 mm high, in the primary colour."""

    fill = ListProperty([0, 0, 0, 0])


class SecondaryButton(BigButton):
    """A quieter button for "back", "leave" and the like."""


class TextLabel(Label):
    """A label that wraps to its width and grows to fit its text."""


class Heading(TextLabel):
    pass


class MonthCell(BoxLayout):
    """One month of the dues grid: "3月", its state ("已交"), and the amount due."""

    month_text = StringProperty("")
    state_text = StringProperty("")
    amount_text = StringProperty("")
    state = StringProperty("none")

    def clear(self) -> None:
        """Forget the member's month; the month's name ("3月") is not theirs and stays."""
        self.state_text = self.amount_text = ""
        self.state = "none"


class NumberPad(GridLayout):
    """Digits, "X" (the ID check character) and backspace; each press fires ``on_key``."""

    __events__ = ("on_key",)

    def __init__(self, keys: tuple[str, ...] = PAD_KEYS, **kwargs: object) -> None:
        super().__init__(**kwargs)
        for key in keys:
            button = PadButton(text=key)
            button.bind(on_release=lambda b: self.dispatch("on_key", b.text))
            self.add_widget(button)

    def on_key(self, key: str) -> None:
        pass


class PadButton(BigButton):
    pass


class OfflineBanner(Label):
    """Across the top of every screen while the backend cannot be reached."""
