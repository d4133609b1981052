"""Spoken prompts at the kiosk: which screen says what, and when speech stops (docs/kiosk.md).

:class:`VoicePrompts` follows the screen manager: the home screen coming back from the attract
loop (someone touched it) says the greeting and "请刷卡"; a screen that waits for a card says
so; the member screen says the result of the tap (:func:`kiosk.voice_text.summary_sentence`,
never a name or a number that identifies anyone). The idle countdown interrupts whatever is
being said with its warning, and a member leaving (card removed, 退出, idle) ends speech at
once. The speaking itself happens on the speaker's own thread (``devices.voice``).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from devices.voice import Speaker, create_speaker
from kiosk import voice_text

log = logging.getLogger(__name__)


class VoicePrompts:
    def __init__(
        self,
        settings: dict[str, Any],
        *,
        shows_member: Callable[[], bool],
        summary: Callable[[], dict[str, Any] | None],
        on_change: Callable[[], None] = lambda: None,
        speaker: Speaker | None = None,
    ) -> None:
        self.shows_member = shows_member
        self.summary = summary
        self.on_change = on_change
        self.speaker = speaker or create_speaker(settings)
        self._screen = ""
        self._problem_shown = self.speaker.problem

    @property
    def problem(self) -> str:
        """A Chinese line for the home screen's status ("" when voice works or is off)."""
        return self.speaker.problem

    def follow(self, sm: Any, controller: Any) -> None:
        """Speak on the screen manager's changes of screen and on each tap's answer."""
        self._screen = sm.current
        sm.bind(current=lambda _sm, name: self.screen_shown(name))
        listeners = getattr(controller, "shown_listeners", None)
        if listeners is not None:
            listeners.append(self.result_shown)

    def screen_shown(self, name: str) -> None:
        previous, self._screen = self._screen, name
        if self.speaker.problem != self._problem_shown:  # the engine failed while running
            self._problem_shown = self.speaker.problem
            self.on_change()
        if name == "home" and previous == "attract":
            self.speaker.say(voice_text.greeting(self.shows_member()))
        elif name in voice_text.WAITING_FOR_CARD:
            self.speaker.say(voice_text.WAITING_FOR_CARD[name])

    def result_shown(self, screen: str) -> None:
        """A tap's answer is on screen (the controller's ``shown_listeners``): once per tap,
        not again when the member comes back to their page from 办事服务."""
        summary = self.summary()
        if screen == "member" and summary is not None:
            self.speaker.say(voice_text.summary_sentence(summary))

    def idle_warning(self) -> None:
        self.speaker.say(voice_text.IDLE_WARNING, interrupt=True)

    def member_left(self) -> None:
        self.speaker.stop()

    def reconfigure(self, settings: dict[str, Any]) -> None:
        """The console switched voice on or off: a new speaker from ``settings``."""
        old = self.speaker
        self.speaker = create_speaker(settings)
        old.close()
        self._problem_shown = self.speaker.problem
        log.info("voice prompts now %s", settings.get("engine"))
        self.on_change()

    def close(self) -> None:
        self.speaker.close()
