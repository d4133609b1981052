"""Settings the console pushed to this kiosk (docs/kiosk.md, Pushed configuration).

They come in the heartbeat's answer (``version``, ``settings``, ``pin_hash``), are applied at
once and kept in ``cache_folder/pushed-config.json``, so a kiosk restarted while the backend is
away starts with them (and its maintenance PIN). The file's settings win over kiosk.toml's.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from devices.voice import default_engine
from kiosk.config import KioskConfig
from kiosk.disk import read_json, write_json

FILE_NAME = "pushed-config.json"
PUSHED_MODES = ("member", "board", "both")


def path_in(folder: Path) -> Path:
    return folder / FILE_NAME


def load(folder: Path) -> dict[str, Any] | None:
    answer = read_json(path_in(folder))
    return answer if _well_formed(answer) else None


def store(folder: Path, answer: dict[str, Any]) -> None:
    write_json(path_in(folder), answer)


def _well_formed(answer: Any) -> bool:
    return (
        isinstance(answer, dict)
        and isinstance(answer.get("version"), int)
        and isinstance(answer.get("settings"), dict)
    )


def merged(config: KioskConfig, answer: dict[str, Any]) -> KioskConfig:
    """``config`` with the pushed settings; a counter stays a counter (the console pushes to
    member kiosks), and values that do not fit are left as they were."""
    pushed = answer.get("settings", {})
    changes: dict[str, Any] = {}
    mode = pushed.get("mode")
    if config.mode != "counter" and mode in PUSHED_MODES:
        changes["mode"] = mode
    idle, countdown = pushed.get("idle_seconds"), pushed.get("countdown_seconds")
    if isinstance(idle, int | float) and isinstance(countdown, int | float) and countdown < idle:
        changes["idle_seconds"], changes["countdown_seconds"] = float(idle), float(countdown)
    if isinstance(pushed.get("large_text"), bool):
        changes["large_text"] = pushed["large_text"]
    sleep_from, sleep_until = pushed.get("sleep_from"), pushed.get("sleep_until")
    if isinstance(sleep_from, str) and isinstance(sleep_until, str):
        changes["sleep_from"], changes["sleep_until"] = sleep_from, sleep_until
    if isinstance(pushed.get("voice"), bool):
        changes["voice"] = voice_switched(config.voice, on=pushed["voice"])
    return dataclasses.replace(config, **changes)


def voice_switched(voice: dict[str, Any], *, on: bool) -> dict[str, Any]:
    """The console's 语音提示 switch: off is silence; on keeps kiosk.toml's engine, or takes
    the platform's (espeak-ng on Linux, SAPI on Windows) when the file names none."""
    if not on:
        return {**voice, "engine": "none"}
    if voice.get("engine", "none") == "none":
        return {**voice, "engine": default_engine()}
    return voice
