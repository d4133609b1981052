"""The screen's power schedule: between ``sleep_from`` and ``sleep_until`` (the kiosk's local
time, e.g. 20:00–08:00) a quiet screen goes black; a touch or a card tap wakes it
(docs/kiosk.md, Screen schedule).

"Black" is a full-window black layer that also swallows the waking touch (so it presses no
button), plus an optional command for the display itself (``screen_off_command``, e.g.
``xset dpms force off``; ``screen_on_command`` to wake). After a wake the screen stays on until
``awake_seconds`` pass without a touch, then sleeps again if still inside the window.
"""

from __future__ import annotations

import logging
import subprocess
import time as clock
from collections.abc import Callable, Sequence
from datetime import datetime, time
from typing import Any

from kivy.clock import Clock, ClockEvent
from kivy.graphics import Color, Rectangle
from kivy.uix.widget import Widget

log = logging.getLogger(__name__)

CHECK_SECONDS = 15.0


def local_now() -> time:
    """The kiosk's wall clock: it stands in the hall and runs on the hall's time zone."""
    return datetime.now().astimezone().time()


def in_window(now: time, sleep_from: str, sleep_until: str) -> bool:
    """Whether ``now`` lies in [from, until); a window may run past midnight (20:00–08:00)."""
    if not sleep_from or not sleep_until:
        return False
    start, end = time.fromisoformat(sleep_from), time.fromisoformat(sleep_until)
    if start < end:
        return start <= now < end
    return now >= start or now < end


class BlackLayer(Widget):
    """Covers the window; the touch that lands on it wakes the screen and goes no further."""

    def __init__(self, on_touch: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.on_touch = on_touch
        with self.canvas:
            Color(0, 0, 0, 1)
            self._rect = Rectangle(pos=self.pos, size=self.size)
        self.bind(pos=self._redraw, size=self._redraw)

    def _redraw(self, *_args: Any) -> None:
        self._rect.pos, self._rect.size = self.pos, self.size

    def on_touch_down(self, touch: Any) -> bool:
        self.on_touch()
        return True

    def on_touch_move(self, touch: Any) -> bool:
        return True

    def on_touch_up(self, touch: Any) -> bool:
        return True


class ScreenSleep:
    def __init__(
        self,
        root: Any,
        *,
        sleep_from: str = "",
        sleep_until: str = "",
        awake_seconds: float = 90.0,
        off_command: Sequence[str] = (),
        on_command: Sequence[str] = (),
        before_sleep: Callable[[], None] | None = None,
        now: Callable[[], time] = local_now,
    ) -> None:
        self.root = root
        self.sleep_from = sleep_from
        self.sleep_until = sleep_until
        self.awake_seconds = awake_seconds
        self.off_command = tuple(off_command)
        self.on_command = tuple(on_command)
        self.before_sleep = before_sleep
        self.now = now
        self.layer = BlackLayer(self.wake, size_hint=(1, 1), pos_hint={"x": 0, "y": 0})
        self._last_activity = clock.monotonic()
        self._event: ClockEvent | None = None

    @property
    def asleep(self) -> bool:
        return self.layer.parent is not None

    def start(self) -> None:
        """Look every ``CHECK_SECONDS`` (sooner when the awake time is shorter)."""
        interval = min(CHECK_SECONDS, max(1.0, self.awake_seconds / 2))
        self._event = Clock.schedule_interval(lambda _dt: self.check(), interval)

    def stop(self) -> None:
        if self._event is not None:
            self._event.cancel()
            self._event = None

    def set_window(self, sleep_from: str, sleep_until: str) -> None:
        self.sleep_from, self.sleep_until = sleep_from, sleep_until
        self.check()

    def activity(self, *_args: Any) -> None:
        """Bound to the window's touches and keys (never consumes them)."""
        self._last_activity = clock.monotonic()

    def check(self) -> None:
        inside = in_window(self.now(), self.sleep_from, self.sleep_until)
        quiet = clock.monotonic() - self._last_activity >= self.awake_seconds
        if inside and quiet and not self.asleep:
            self.sleep()
        elif not inside and self.asleep:
            self.wake()

    def sleep(self) -> None:
        if self.before_sleep is not None:
            self.before_sleep()
        self.root.add_widget(self.layer)
        log.info("screen schedule: the screen sleeps")
        self._run(self.off_command)

    def wake(self) -> None:
        """A touch on the black layer, a card tap, or the window's end."""
        self._last_activity = clock.monotonic()
        if not self.asleep:
            return
        self.root.remove_widget(self.layer)
        log.info("screen schedule: the screen wakes")
        self._run(self.on_command)

    def _run(self, command: tuple[str, ...]) -> None:
        if not command:
            return
        try:
            subprocess.run(command, check=False, timeout=10, capture_output=True)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("screen command %s failed: %s", command, exc)
