"""Questions the counter asks staff before money moves or a transfer happens: "确认…？" with a
confirm and a cancel button, a reason box (作废原因), and the 回执 form of an introduction
letter. Enter confirms, Escape cancels.

Dialogs are tracked here so a lock closes every one of them (with whatever they showed).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from kivy.clock import Clock
from kivy.lang import Builder
from kivy.properties import StringProperty

from kiosk.dialogs import KioskDialog

KV_FILE = Path(__file__).with_name("asks.kv")
ENTER_KEYS = (13, 271)
ESCAPE_KEY = 27
RETURN_FIELDS = ("returned_on", "handler", "phone")


def load_kv() -> None:
    if str(KV_FILE) not in Builder.files:
        Builder.load_file(str(KV_FILE))


class AskDialog(KioskDialog):
    """A question with an answer; the looks are per subclass (``asks.kv``)."""

    title = StringProperty("")
    text = StringProperty("")
    ok_text = StringProperty("确认")
    #: Why something else (a card tap) was not taken while this question is open.
    notice = StringProperty("")
    __events__ = ("on_answer",)

    def on_answer(self, yes: bool) -> None:
        pass

    def answer(self, yes: bool) -> None:
        self.dismiss(animation=False)
        self.dispatch("on_answer", yes)

    def key(self, key: int) -> bool:
        if key in ENTER_KEYS:
            self.answer(True)
            return True
        if key == ESCAPE_KEY:
            self.answer(False)
            return True
        return False


class ConfirmDialog(AskDialog):
    pass


class ReasonDialog(AskDialog):
    hint = StringProperty("")
    reason = StringProperty("")

    def key(self, key: int) -> bool:
        """Enter belongs to the reason box (it confirms through ``on_text_validate``)."""
        return super().key(key) if key == ESCAPE_KEY else False

    def answer(self, yes: bool) -> None:
        self.reason = self.ids.reason.text.strip()
        if yes and not self.reason:
            self.hint = "请填写原因"
            return
        super().answer(yes)


class ReturnDialog(AskDialog):
    """回执登记: the date the 回执联 came back (prefilled: today) and who took the member on
    the receiving side. Enter in a box moves to the next; Enter in the last one confirms."""

    hint = StringProperty("")
    values: dict[str, str]

    def key(self, key: int) -> bool:
        return super().key(key) if key == ESCAPE_KEY else False

    def next_box(self, name: str) -> None:
        order = ["returned_on", "handler", "phone"]
        if name == order[-1]:
            self.answer(True)
        else:
            self.ids[order[order.index(name) + 1]].focus()

    def answer(self, yes: bool) -> None:
        self.values = {name: self.ids[name].value.strip() for name in RETURN_FIELDS}
        if yes:
            try:
                date.fromisoformat(self.values["returned_on"])
            except ValueError:
                self.hint = "回执日期请写成 2026-01-31 这样的格式"
                return
        super().answer(yes)


class Asks:
    """Opens the questions and remembers them, so a lock can close them all."""

    def __init__(self) -> None:
        self._open: list[AskDialog] = []

    @property
    def open_dialogs(self) -> list[AskDialog]:
        return list(self._open)

    def confirm(
        self, title: str, text: str, on_yes: Callable[[], None], *, ok_text: str = "确认"
    ) -> ConfirmDialog:
        dialog = ConfirmDialog(title=title, text=text, ok_text=ok_text)
        self._show(dialog, lambda yes: on_yes() if yes else None)
        return dialog

    def reason(
        self, title: str, text: str, on_reason: Callable[[str], None], *, ok_text: str = "确认"
    ) -> ReasonDialog:
        dialog = ReasonDialog(title=title, text=text, ok_text=ok_text)
        self._show(dialog, lambda yes: on_reason(dialog.reason) if yes else None)
        Clock.schedule_once(lambda _dt: setattr(dialog.ids.reason, "focus", True), 0)
        return dialog

    def letter_return(
        self, text: str, today: date, on_values: Callable[[dict[str, str]], None]
    ) -> ReturnDialog:
        dialog = ReturnDialog(title="回执登记", text=text, ok_text="登记回执")
        dialog.ids.returned_on.set(today.isoformat())
        self._show(dialog, lambda yes: on_values(dialog.values) if yes else None)
        Clock.schedule_once(lambda _dt: dialog.ids.handler.focus(), 0)
        return dialog

    def key(self, key: int) -> bool:
        """The top dialog's keyboard answer (Enter / Escape); True when a dialog took it."""
        return self._open[-1].key(key) if self._open else False

    def close_all(self) -> None:
        """Close every question unanswered (a lock): nothing it would have done happens."""
        for dialog in list(self._open):
            self._open.remove(dialog)
            dialog.dismiss(animation=False)

    def _show(self, dialog: AskDialog, then: Callable[[bool], Any]) -> None:
        _drop_focus()  # Enter now answers the question, not the form field behind it
        self._open.append(dialog)

        def answered(_dialog: AskDialog, yes: bool) -> None:
            if dialog in self._open:
                self._open.remove(dialog)
                then(yes)

        dialog.bind(on_answer=answered)
        dialog.open(animation=False)


def _drop_focus() -> None:
    from kivy.core.window import Window

    for root in Window.children:
        for widget in root.walk():
            if getattr(widget, "focus", False) is True:
                widget.focus = False
