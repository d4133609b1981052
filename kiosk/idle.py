"""Leaving by itself: after a quiet spell the kiosk counts down, then goes home.

Away from home, ``idle_seconds`` without a touch or key leads to a countdown of
``countdown_seconds`` (shown in a dialog that also closes any other dialog) and then to
``on_timeout``. On the home screen the same quiet time starts the attract loop instead.
Any touch or key press counts as activity and restarts the wait.
"""

from __future__ import annotations

from collections.abc import Callable

from kivy.clock import Clock, ClockEvent

from kiosk.dialogs import CountdownDialog, DialogHost


class IdleWatch:
    def __init__(
        self,
        dialogs: DialogHost,
        *,
        idle_seconds: float,
        countdown_seconds: float,
        attract_seconds: float,
        on_timeout: Callable[[], None],
        on_attract: Callable[[], None],
        on_countdown: Callable[[], None] | None = None,
    ) -> None:
        self.dialogs = dialogs
        self.idle_seconds = idle_seconds
        self.countdown_seconds = countdown_seconds
        self.attract_seconds = attract_seconds
        self.on_timeout = on_timeout
        self.on_attract = on_attract
        #: Told when the countdown dialog opens (the spoken idle warning).
        self.on_countdown = on_countdown
        self.mode = "off"  # off | leave | attract
        self._wait: ClockEvent | None = None
        self._tick: ClockEvent | None = None
        self._dialog: CountdownDialog | None = None

    @property
    def counting_down(self) -> bool:
        return self._dialog is not None

    def leave_after_idle(self) -> None:
        """A member's screen (or any screen away from home) is showing."""
        self.mode = "leave"
        self._restart()

    def attract_after_idle(self) -> None:
        """The home screen is showing: a quiet spell starts the attract loop."""
        self.mode = "attract"
        self._restart()

    def stop(self) -> None:
        self.mode = "off"
        self._cancel()

    def activity(self, *_args: object) -> None:
        """Bound to the window's touch and key events; never consumes them."""
        if self.mode != "off":
            self._restart()

    def _restart(self) -> None:
        self._cancel()
        if self.mode == "leave":
            quiet = max(self.idle_seconds - self.countdown_seconds, 0.1)
            self._wait = Clock.schedule_once(self._start_countdown, quiet)
        elif self.mode == "attract":
            self._wait = Clock.schedule_once(lambda _dt: self.on_attract(), self.attract_seconds)

    def _cancel(self) -> None:
        for event in (self._wait, self._tick):
            if event is not None:
                event.cancel()
        self._wait = self._tick = None
        if self._dialog is not None:
            dialog, self._dialog = self._dialog, None
            self.dialogs.close(dialog)

    def _start_countdown(self, _dt: float) -> None:
        self._dialog = self.dialogs.countdown(self.countdown_seconds, self._restart)
        self._tick = Clock.schedule_interval(self._count, 1.0)
        if self.on_countdown is not None:
            self.on_countdown()

    def _count(self, _dt: float) -> None:
        if self._dialog is None:
            return
        self._dialog.seconds -= 1
        if self._dialog.seconds <= 0:
            self.mode = "off"
            self._cancel()
            self.on_timeout()
