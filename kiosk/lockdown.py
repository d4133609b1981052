"""No way out of the kiosk app without the maintenance PIN (docs/kiosk.md, Lock-down).

While ``locked``: a window close request (Alt+F4, the window manager's close button, SDL's
quit) is refused, and Escape is swallowed. Staff hold the screen's top-left corner for
``LONG_PRESS_SECONDS``; a PIN pad opens, and the PIN is checked against the hash the console
pushed (``kiosk/pin_check.py``), so it works while the backend is unreachable. After
``MAX_TRIES`` wrong PINs the pad refuses for ``BACKOFF_SECONDS``. The right PIN ends the app
with :data:`MAINTENANCE_EXIT_STATUS`, which the kiosk's service unit is told not to restart
after (a crash, any other status, is restarted).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.lang import Builder
from kivy.metrics import dp
from kivy.properties import StringProperty

from kiosk.dialogs import KioskDialog
from kiosk.pin_check import pin_matches
from kiosk.widgets import BACKSPACE, NumberPad

log = logging.getLogger(__name__)

KV_FILE = Path(__file__).with_name("lockdown.kv")
LONG_PRESS_SECONDS = 3.0
CORNER_DP = 90
MAX_TRIES = 5
BACKOFF_SECONDS = 60
MAINTENANCE_EXIT_STATUS = 10
PIN_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "清空", "0", BACKSPACE)
PROMPT = "维护退出：请输入维护PIN"
NO_PIN = "本机尚未设置维护PIN，请在管理后台“查询机管理”中设置"


def load_kv() -> None:
    if str(KV_FILE) not in Builder.files:
        Builder.load_file(str(KV_FILE))


class PinDialog(KioskDialog):
    """The PIN pad: dots for the digits typed, a message line, 确定 and 取消."""

    digits = StringProperty("")
    message = StringProperty(PROMPT)
    __events__ = ("on_submit",)

    def on_kv_post(self, base_widget: Any) -> None:
        pad = NumberPad(keys=PIN_KEYS)
        pad.bind(on_key=lambda _pad, key: self.press(key))
        self.ids.pad_holder.add_widget(pad)

    def press(self, key: str) -> None:
        if key == BACKSPACE:
            self.digits = self.digits[:-1]
        elif key == "清空":
            self.digits = ""
        elif len(self.digits) < 8:
            self.digits += key

    def submit(self) -> None:
        self.dispatch("on_submit", self.digits)

    def on_submit(self, pin: str) -> None:
        pass


class Lockdown:
    def __init__(
        self,
        *,
        locked: bool,
        on_unlock: Callable[[], None],
        pin_hash: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.locked = locked
        self.on_unlock = on_unlock
        self.pin_hash = pin_hash
        self.clock = clock
        self.unlocked = False
        self.dialog: PinDialog | None = None
        self._failures = 0
        self._blocked_until = 0.0
        self._press: ClockEvent | None = None

    def bind(self, window: Any) -> None:
        window.bind(
            on_request_close=self.refuse_close,
            on_keyboard=self.keyboard,
            on_touch_down=self.corner_down,
            on_touch_up=self.corner_up,
        )

    # -- the ways out that are refused ------------------------------------------------------

    def refuse_close(self, *_args: Any, **_kwargs: Any) -> bool:
        """Bound to ``on_request_close``: True keeps the window open."""
        if self.locked and not self.unlocked:
            log.info("close request refused: the kiosk is locked")
            return True
        return False

    def keyboard(self, _window: Any, key: int, *_args: Any) -> bool:
        """Escape (27) is swallowed while locked, whatever Kivy's ``exit_on_escape`` says."""
        return self.locked and not self.unlocked and key == 27

    # -- the hidden corner ------------------------------------------------------------------

    def corner_down(self, window: Any, touch: Any) -> bool:
        corner = dp(CORNER_DP)
        if touch.x <= corner and touch.y >= window.height - corner:
            self._cancel_press()
            self._press = Clock.schedule_once(lambda _dt: self.open_pad(), LONG_PRESS_SECONDS)
        return False

    def corner_up(self, _window: Any, _touch: Any) -> bool:
        self._cancel_press()
        return False

    def _cancel_press(self) -> None:
        if self._press is not None:
            self._press.cancel()
            self._press = None

    def open_pad(self) -> PinDialog:
        self._press = None
        if self.dialog is None:
            load_kv()
            self.dialog = PinDialog()
            self.dialog.bind(on_submit=lambda _d, pin: self.check(pin))
            self.dialog.bind(on_dismiss=lambda _d: self._forget_dialog())
            self.dialog.open(animation=False)
        return self.dialog

    def _forget_dialog(self) -> None:
        self.dialog = None

    # -- the PIN ----------------------------------------------------------------------------

    def check(self, pin: str) -> str | None:
        """Let staff out with the right PIN; otherwise the message shown on the pad."""
        message = self._refusal(pin)
        if self.dialog is not None:
            self.dialog.digits = ""
            if message is None:
                self.dialog.dismiss(animation=False)
            else:
                self.dialog.message = message
        if message is None:
            log.warning("maintenance PIN accepted: leaving the kiosk app")
            self.unlocked = True
            self.on_unlock()
        return message

    def _refusal(self, pin: str) -> str | None:
        now = self.clock()
        if now < self._blocked_until:
            return f"维护PIN错误次数过多，请{int(self._blocked_until - now) + 1}秒后再试"
        if not self.pin_hash:
            return NO_PIN
        if pin and pin_matches(self.pin_hash, pin):
            self._failures = 0
            return None
        self._failures += 1
        if self._failures >= MAX_TRIES:
            self._failures = 0
            self._blocked_until = now + BACKOFF_SECONDS
            return f"维护PIN错误次数过多，请{BACKOFF_SECONDS}秒后再试"
        return f"维护PIN不正确，还可以再试{MAX_TRIES - self._failures}次"
