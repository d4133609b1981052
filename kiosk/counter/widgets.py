"""Widgets of the counter screens: labelled text fields, choice buttons, list rows and the
selectable month cell of the payment form. Looks in ``widgets.kv`` (next to this file)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.widgets import BigButton

if TYPE_CHECKING:
    from kiosk.screens.counter_base import CounterScreen

KV_FILE = Path(__file__).with_name("widgets.kv")


def load_kv() -> None:
    if str(KV_FILE) not in Builder.files:
        Builder.load_file(str(KV_FILE))


class FormField(BoxLayout):
    """A caption above a one-line text box; ``value`` follows what is typed, Enter fires
    ``on_enter``."""

    __events__ = ("on_enter",)

    label = StringProperty("")
    value = StringProperty("")
    hint = StringProperty("")
    password = BooleanProperty(False)
    input_filter = StringProperty("", allownone=True)

    def on_enter(self) -> None:
        pass

    def focus(self) -> None:
        self.ids.input.focus = True

    def clear(self) -> None:
        self.set(value="")

    def set(self, value: str) -> None:
        self.value = value
        self.ids.input.text = value


class ChoiceButton(BigButton):
    """One of a group of choices (现金 / 银行转账); the chosen one is filled."""

    selected = BooleanProperty(False)
    key = StringProperty("")


class RowButton(BigButton):
    """A line of a result list: left-aligned, quiet, tall enough to touch; ``highlighted`` by
    the arrow keys (``kiosk/counter/keys.py``)."""

    item_id = NumericProperty(0)
    highlighted = BooleanProperty(False)


class MonthChoice(ButtonBehavior, BoxLayout):
    """A month of the payment form (owed, current or in advance): its name, state and amount;
    touch to choose. ``ledger_state`` is the month's state in the ledger (``unpaid``…)."""

    key = StringProperty("")
    month_text = StringProperty("")
    state_text = StringProperty("")
    amount_text = StringProperty("")
    ledger_state = StringProperty("not_due")
    chosen = BooleanProperty(False)
    highlighted = BooleanProperty(False)


class CounterHeader(BoxLayout):
    """The title of a screen, the signed-in staff member, and "查找党员" / "锁定"."""

    title = StringProperty("")
    staff = StringProperty("")
    screen = ObjectProperty(None)

    def on_screen(self, _header: CounterHeader, screen: CounterScreen | None) -> None:
        if screen is not None:
            screen.bind(staff_label=self.setter("staff"))
            self.staff = getattr(screen, "staff_label", "")
