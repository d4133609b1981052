"""Spoken prompts for the kiosk: an offline text-to-speech engine behind a small interface.

:func:`create_speaker` reads the kiosk's ``[voice]`` settings, for example::

    {"engine": "espeak", "rate": 150, "volume": 100}
    {"engine": "sapi"}
    {"engine": "none"}           # silent, the default

An engine that is not installed gives a silent speaker with a ``problem`` to show, never an
error (docs/kiosk.md, 语音提示).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from devices.voice.engines import (
    DEFAULT_RATE,
    DEFAULT_VOLUME,
    ENGINES,
    Engine,
    EspeakEngine,
    SapiEngine,
    default_engine,
    installed,
)
from devices.voice.speaker import Speaker

__all__ = ["ENGINES", "Speaker", "create_speaker", "default_engine", "voice_settings"]

log = logging.getLogger(__name__)
MISSING = "语音提示不可用：本机没有安装{program}，请联系工作人员"


def voice_settings(raw: dict[str, Any]) -> dict[str, Any]:
    """The ``[voice]`` section checked and filled in; raises ValueError with a Chinese message."""
    engine = str(raw.get("engine", "none") or "none")
    if engine not in ENGINES:
        raise ValueError(f"语音引擎“{engine}”无效，可选：{'、'.join(ENGINES)}")
    rate = _whole(raw, "rate", DEFAULT_RATE, 80, 400)
    volume = _whole(raw, "volume", DEFAULT_VOLUME, 0, 200)
    program = str(raw.get("program", "") or "")
    wav_folder = str(raw.get("wav_folder", "") or "")
    unknown = set(raw) - {"engine", "rate", "volume", "program", "wav_folder"}
    if unknown:
        raise ValueError(f"[voice] 含未知的配置项：{'、'.join(sorted(unknown))}")
    return {
        "engine": engine,
        "rate": rate,
        "volume": volume,
        "program": program,
        "wav_folder": wav_folder,
    }


def create_speaker(settings: dict[str, Any]) -> Speaker:
    """A speaker for checked ``settings``; silent (with ``problem`` set) when the engine's
    program is missing."""
    settings = voice_settings(settings)
    name = settings["engine"]
    if name == "none":
        return Speaker(None)
    engine: Engine
    if name == "espeak":
        engine = EspeakEngine(
            program=settings["program"] or "espeak-ng",
            rate=settings["rate"],
            volume=settings["volume"],
        )
        label = " espeak-ng"
    else:
        engine = SapiEngine(
            program=settings["program"] or "powershell",
            rate=settings["rate"],
            volume=settings["volume"],
        )
        label = " Windows 语音（PowerShell）"
    if not installed(engine.program):
        log.warning("voice engine %s not found (%s): the kiosk stays silent", name, engine.program)
        return Speaker(None, problem=MISSING.format(program=label))
    folder = settings["wav_folder"]
    return Speaker(engine, wav_folder=Path(folder) if folder else None)


def _whole(raw: dict[str, Any], key: str, default: int, low: int, high: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"[voice] 的 {key} 应为 {low} 到 {high} 之间的整数")
    return value
