"""Modal dialogs: a message, "please wait", and the idle countdown; one host closes them all.

Messages close by themselves after a few seconds (a passer-by should not have to find the OK
button); the idle countdown closes every other dialog, so nothing is left on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from kivy.clock import Clock, ClockEvent
from kivy.lang import Builder
from kivy.properties import NumericProperty, ObjectProperty, StringProperty
from kivy.uix.modalview import ModalView

KV_FILE = Path(__file__).with_name("dialogs.kv")


def load_kv() -> None:
    if str(KV_FILE) not in Builder.files:
        Builder.load_file(str(KV_FILE))


class KioskDialog(ModalView):
    then = ObjectProperty(None, allownone=True)

    def __init__(self, **kwargs: object) -> None:
        kwargs.setdefault("auto_dismiss", False)
        super().__init__(**kwargs)


class MessageDialog(KioskDialog):
    text = StringProperty("")
    button_text = StringProperty("好的")


class BusyDialog(KioskDialog):
    text = StringProperty("正在查询，请稍候…")


class CountdownDialog(KioskDialog):
    seconds = NumericProperty(10)
    __events__ = ("on_continue",)

    def on_continue(self) -> None:
        pass


class DialogHost:
    """Opens dialogs and remembers them, so one call can close whatever is open."""

    def __init__(self, message_seconds: float) -> None:
        self.message_seconds = message_seconds
        self._open: list[KioskDialog] = []
        self._timers: dict[int, ClockEvent] = {}

    @property
    def open_dialogs(self) -> list[KioskDialog]:
        return list(self._open)

    def message(
        self, text: str, *, then: Callable[[], None] | None = None, seconds: float | None = None
    ) -> MessageDialog:
        """Show ``text``; ``then`` runs when it closes (by button or after ``seconds``)."""
        dialog = MessageDialog(text=text)
        self._show(dialog, then)
        timer = Clock.schedule_once(lambda _dt: self.close(dialog), seconds or self.message_seconds)
        self._timers[id(dialog)] = timer
        return dialog

    def busy(self, text: str = "正在查询，请稍候…") -> BusyDialog:
        dialog = BusyDialog(text=text)
        self._show(dialog, None)
        return dialog

    def countdown(self, seconds: float, on_continue: Callable[[], None]) -> CountdownDialog:
        self.close_all()
        dialog = CountdownDialog(seconds=int(round(seconds)))
        dialog.bind(on_continue=lambda _d: on_continue())
        self._show(dialog, None)
        return dialog

    def close(self, dialog: KioskDialog) -> None:
        if dialog in self._open:
            dialog.dismiss(animation=False)

    def close_all(self) -> None:
        for dialog in list(self._open):
            # Callbacks of dialogs closed by force do not run: leaving has its own path.
            dialog.unbind(on_dismiss=self._after)
            self._forget(dialog)
            dialog.dismiss(animation=False)

    def _show(self, dialog: KioskDialog, then: Callable[[], None] | None) -> None:
        dialog.then = then
        dialog.bind(on_dismiss=self._after)
        self._open.append(dialog)
        dialog.open(animation=False)

    def _after(self, dialog: KioskDialog) -> None:
        self._forget(dialog)
        if dialog.then is not None:
            dialog.then()

    def _forget(self, dialog: KioskDialog) -> None:
        if dialog in self._open:
            self._open.remove(dialog)
        timer = self._timers.pop(id(dialog), None)
        if timer is not None:
            timer.cancel()
