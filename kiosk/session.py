"""Who is in front of the kiosk right now, and the promise to forget them when they leave.

The session holds the backend's token and the member summary, nothing else. :meth:`wipe` drops
both, bumps :attr:`generation` and calls every registered ``clear`` hook so screens empty their
widgets. Answers that arrive after a wipe carry an old generation and are discarded: a slow
network must never put a member's data back on the screen after they walked away.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)


class MemberSession:
    def __init__(self) -> None:
        self.token: str | None = None
        self.summary: dict[str, Any] | None = None
        self.by_card = False
        self.generation = 0
        self._clear_hooks: list[Callable[[], None]] = []

    @property
    def active(self) -> bool:
        return self.token is not None

    def begin(self, token: str, summary: dict[str, Any], *, by_card: bool) -> None:
        self.token = token
        self.summary = summary
        self.by_card = by_card

    def is_current(self, generation: int) -> bool:
        return generation == self.generation

    def on_clear(self, hook: Callable[[], None]) -> None:
        """Register a function that empties a screen's member widgets."""
        self._clear_hooks.append(hook)

    def wipe(self) -> str | None:
        """Forget the member; return the token so the caller can end it on the server."""
        token = self.token
        self.token = None
        self.summary = None
        self.by_card = False
        self.generation += 1
        for hook in self._clear_hooks:
            try:
                hook()
            except Exception:  # one broken screen must not keep others' data on display
                log.exception("clearing a screen failed")
        return token
