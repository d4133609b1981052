"""What the console pushes, applied to the running kiosk without a restart (docs/kiosk.md).

:class:`PushedSettings` takes the ``config`` part of each heartbeat answer; when its version
is new it swaps the configuration every part reads (the app, the screens' collaborators, the
controller), resets the idle times, the configured look, the screen schedule and the
maintenance PIN, keeps the answer on disk, and asks for a heartbeat at once so the console
sees the applied version within seconds.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk import pushed_config

log = logging.getLogger(__name__)


class PushedSettings:
    def __init__(self, app: Any, report: Callable[[], None]) -> None:
        self.app = app
        self.report = report
        self.version: int | None = None
        self.pin_hash: str | None = None

    def load_cached(self) -> None:
        """At start, before anything reads the configuration: the last pushed settings."""
        cached = pushed_config.load(self.app.kiosk_config.cache_folder)
        if cached is not None:
            self.app.kiosk_config = pushed_config.merged(self.app.kiosk_config, cached)
            self.version = cached["version"]
            self.pin_hash = cached.get("pin_hash")

    def heartbeat_answer(self, answer: Any) -> None:
        pushed = answer.get("config") if isinstance(answer, dict) else None
        if not isinstance(pushed, dict) or not isinstance(pushed.get("version"), int):
            return
        if pushed["version"] == self.version:
            return
        self.apply(pushed)
        try:
            pushed_config.store(self.app.kiosk_config.cache_folder, pushed)
        except OSError as exc:
            log.warning("pushed settings not kept on disk: %s", exc)
        self.report()

    def apply(self, pushed: dict[str, Any]) -> None:
        app = self.app
        config = pushed_config.merged(app.kiosk_config, pushed)
        mode_changed = config.mode != app.kiosk_config.mode
        voice_changed = config.voice != app.kiosk_config.voice
        app.kiosk_config = app.ctx.config = app.controller.config = config
        app.idle.idle_seconds = config.idle_seconds
        app.idle.countdown_seconds = config.countdown_seconds
        app.theme.set_defaults(large_text=config.large_text, high_contrast=config.high_contrast)
        if not app.session.active:
            app.theme.restore_defaults()
        app.sleeper.set_window(config.sleep_from, config.sleep_until)
        self.pin_hash = pushed.get("pin_hash") or None
        app.lockdown.pin_hash = self.pin_hash
        self.version = pushed["version"]
        if voice_changed and config.mode != "counter":
            app.voice.reconfigure(config.voice)
        if mode_changed and app.sm.has_screen("home"):
            app.sm.get_screen("home").apply_mode()
            if not app.session.active:
                app.controller.home()
        log.info("pushed settings version %s applied", self.version)
