"""The kiosk's configuration, read from a TOML file.

The file is ``data/kiosk/kiosk.toml`` unless ``--config`` or ``HALL_KIOSK_CONFIG`` names another;
a missing default file means "all defaults", which suit a developer machine: the backend on
loopback, a keyboard-wedge reader (type a card's UID and Enter) and a preview printer writing
PNG + ESC/POS files into ``data/prints/``. Relative paths are relative to the project folder.

Example (every setting, with its default unless the comment says otherwise)::

    [backend]
    url = "http://127.0.0.1:5000"   # HALL_BACKEND_URL in the environment overrides it
    device_key_file = "data/instance/kiosk-device.key"   # or: device_key = "..."
    timeout = 3.0            # seconds a backend call may take

    [kiosk]
    mode = "both"            # member | board | both | counter (staff at the service window)
    idle_seconds = 60        # a member's page is left after this long without a touch
    countdown_seconds = 10   # the "您还在使用吗？" countdown before leaving (< idle_seconds)
    attract_seconds = 90     # idle on the home screen this long: the attract loop starts
    message_seconds = 6      # a message closes by itself after this long
    heartbeat_seconds = 60   # how often the kiosk reports its state to the backend
    health_seconds = 15      # how often an offline kiosk checks whether the backend is back
    lock_seconds = 300       # counter mode: lock the staff session after 5 idle minutes
    large_text = false
    high_contrast = false
    font = ""                # a TTF/OTF path; empty: find one that covers rare characters
    fullscreen = false       # true on the hall's touch screen
    locked = false           # default: as fullscreen. Leaving the app needs the maintenance PIN
    sleep_from = ""          # screen schedule, e.g. "20:00" … "08:00" (the console may push it)
    sleep_until = ""
    screen_off_command = []  # e.g. ["xset", "dpms", "force", "off"]; empty: a black layer only
    screen_on_command = []   # e.g. ["xset", "dpms", "force", "on"]
    cache_folder = "data/kiosk/cache"   # pushed settings and the offline board
    size = [1280, 800]       # the window's width and height when not full screen

    [reader]                 # handed to devices.cardreader.create_reader
    type = "wedge"           # pcsc | wedge | simulated
    uid_format = "hex"       # a real wedge reader: its format, and max_gap_ms = 50
    max_gap_ms = 3000        # default: slow enough for a person typing a demo UID

    [printer]                # handed to devices.printer.create_printer; `python -m
                             # devices.printer --test-page` reads this same section
    connection = "preview"   # preview | network | usb | serial | file | win32raw | none
    profile = "58mm"         # 58mm | 80mm
    folder = "data/prints"   # preview: where each job's PNG and ESC/POS bytes go
    # host = "192.168.1.50"  # network (port = 9100); usb: vendor_id = "0x0416",
    #                        # product_id = "0x5011"; serial / file: path = "/dev/ttyS0"
    #                        # (Windows: "COM3"); win32raw (Windows' own printer driver):
    #                        # printer_name = "POS-58"
    queue = "data/kiosk/print-queue.db"   # the kiosk's durable print queue
    font = ""                # for rows the printer's own font lacks; empty: the kiosk's font

    [voice]                  # spoken prompts (docs/kiosk.md, 语音提示); devices.voice reads it
    engine = "none"          # none | espeak (espeak-ng, Linux) | sapi (Windows voices)
    rate = 150               # words a minute
    volume = 100             # percent of the engine's normal loudness (espeak-ng: up to 200)
    program = ""             # the engine's program; empty: espeak-ng / powershell on PATH
    wav_folder = ""          # write each prompt to a WAV file here instead of the speakers
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from devices.printer.settings_file import printer_settings
from devices.voice import voice_settings

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CONFIG = PROJECT_DIR / "data" / "kiosk" / "kiosk.toml"
DEFAULT_KEY_FILE = PROJECT_DIR / "data" / "instance" / "kiosk-device.key"
MODES = ("member", "board", "both", "counter")
READER_TYPES = ("pcsc", "wedge", "simulated")
#: A developer types a demo card's UID (hex) and Enter by hand, far slower than a real wedge
#: reader (which needs ``max_gap_ms`` of about 50 to tell itself apart from a person).
DEV_READER = {"type": "wedge", "uid_format": "hex", "max_gap_ms": 3000}


class ConfigError(Exception):
    """The configuration cannot be used; the message says what to fix (in Chinese)."""


@dataclass(frozen=True)
class KioskConfig:
    """Everything the kiosk needs to start; :func:`load_config` builds it."""

    backend_url: str = "http://127.0.0.1:5000"
    device_key: str = ""
    timeout: float = 3.0
    mode: str = "both"
    idle_seconds: float = 60.0
    countdown_seconds: float = 10.0
    attract_seconds: float = 90.0
    message_seconds: float = 6.0
    heartbeat_seconds: float = 60.0
    health_seconds: float = 15.0
    #: Counter mode: a staff session locks itself after this long without a touch or key.
    lock_seconds: float = 300.0
    large_text: bool = False
    high_contrast: bool = False
    font: Path | None = None
    fullscreen: bool = False
    #: Leaving the app (Escape, Alt+F4, a close request) needs the maintenance PIN.
    locked: bool = False
    sleep_from: str = ""
    sleep_until: str = ""
    screen_off_command: tuple[str, ...] = ()
    screen_on_command: tuple[str, ...] = ()
    cache_folder: Path = PROJECT_DIR / "data" / "kiosk" / "cache"
    size: tuple[int, int] = (1280, 800)
    reader: dict[str, Any] = field(default_factory=lambda: dict(DEV_READER))
    printer: dict[str, Any] = field(
        default_factory=lambda: {"connection": "preview", "folder": str(_path("data/prints"))}
    )
    print_queue: Path = PROJECT_DIR / "data" / "kiosk" / "print-queue.db"
    voice: dict[str, Any] = field(default_factory=lambda: voice_settings({}))

    @property
    def shows_member(self) -> bool:
        return self.mode in ("member", "both")

    @property
    def shows_board(self) -> bool:
        return self.mode in ("board", "both")


def config_path(argv_path: str | None = None, env: dict[str, str] | None = None) -> Path:
    """``--config`` wins, then ``HALL_KIOSK_CONFIG``, then the default file."""
    env = dict(os.environ if env is None else env)
    chosen = argv_path or env.get("HALL_KIOSK_CONFIG")
    return _path(chosen) if chosen else DEFAULT_CONFIG


def load_config(path: Path | None = None, env: dict[str, str] | None = None) -> KioskConfig:
    """Read ``path`` (default: :data:`DEFAULT_CONFIG`, which may be absent) and validate it.

    ``HALL_BACKEND_URL`` in the environment overrides the file's backend URL (``./hall run``
    starts the backend on a port of its choosing and tells the kiosk so)."""
    env = dict(os.environ if env is None else env)
    path = path or DEFAULT_CONFIG
    raw: dict[str, Any] = {}
    if path.exists():
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"配置文件 {path} 格式有误：{exc}") from None
    elif path != DEFAULT_CONFIG:
        raise ConfigError(f"找不到配置文件 {path}")
    unknown = set(raw) - {"backend", "kiosk", "reader", "printer", "voice"}
    if unknown:
        raise ConfigError(f"配置文件含未知的节：{'、'.join(sorted(unknown))}")
    backend = _section(raw, "backend")
    kiosk = _section(raw, "kiosk")
    reader = dict(_section(raw, "reader")) or dict(DEV_READER)
    printer = dict(_section(raw, "printer"))
    defaults = KioskConfig()

    mode = str(kiosk.get("mode", defaults.mode))
    if mode not in MODES:
        raise ConfigError(f"运行模式“{mode}”无效，可选：{'、'.join(MODES)}")
    if reader.get("type", "wedge") not in READER_TYPES:
        raise ConfigError(f"读卡器类型“{reader.get('type')}”无效，可选：{'、'.join(READER_TYPES)}")
    reader.setdefault("type", "wedge")
    queue = _path(str(printer.pop("queue", defaults.print_queue)))
    printer = printer_settings(printer)  # as the printer tool reads it
    font = str(kiosk.get("font", "") or "")
    size = kiosk.get("size", list(defaults.size))
    if not (isinstance(size, list) and len(size) == 2 and all(isinstance(v, int) for v in size)):
        raise ConfigError("窗口大小 size 应写成 [宽, 高]，例如 [1280, 800]")

    config = KioskConfig(
        backend_url=str(
            env.get("HALL_BACKEND_URL") or backend.get("url", defaults.backend_url)
        ).rstrip("/"),
        device_key=_device_key(backend),
        timeout=_number(backend, "timeout", defaults.timeout, low=0.2, high=30),
        mode=mode,
        idle_seconds=_number(kiosk, "idle_seconds", defaults.idle_seconds, low=5, high=3600),
        countdown_seconds=_number(
            kiosk, "countdown_seconds", defaults.countdown_seconds, low=1, high=120
        ),
        attract_seconds=_number(kiosk, "attract_seconds", defaults.attract_seconds, low=5),
        message_seconds=_number(kiosk, "message_seconds", defaults.message_seconds, low=1),
        heartbeat_seconds=_number(kiosk, "heartbeat_seconds", defaults.heartbeat_seconds, low=5),
        health_seconds=_number(kiosk, "health_seconds", defaults.health_seconds, low=0.5),
        lock_seconds=_number(kiosk, "lock_seconds", defaults.lock_seconds, low=5, high=3600),
        large_text=bool(kiosk.get("large_text", False)),
        high_contrast=bool(kiosk.get("high_contrast", False)),
        font=_path(font) if font else None,
        fullscreen=bool(kiosk.get("fullscreen", False)),
        locked=bool(kiosk.get("locked", kiosk.get("fullscreen", False))),
        sleep_from=_clock(kiosk, "sleep_from"),
        sleep_until=_clock(kiosk, "sleep_until"),
        screen_off_command=_command(kiosk, "screen_off_command"),
        screen_on_command=_command(kiosk, "screen_on_command"),
        cache_folder=_path(str(kiosk.get("cache_folder", defaults.cache_folder))),
        size=(size[0], size[1]),
        reader=reader,
        printer=printer,
        print_queue=queue,
        voice=_voice(_section(raw, "voice")),
    )
    if config.countdown_seconds >= config.idle_seconds:
        raise ConfigError("倒计时秒数 countdown_seconds 必须小于空闲秒数 idle_seconds")
    if bool(config.sleep_from) != bool(config.sleep_until):
        raise ConfigError("息屏时段 sleep_from 和 sleep_until 要同时填写（或都不填）")
    return config


def _clock(section: dict[str, Any], key: str) -> str:
    value = str(section.get(key, "") or "").strip()
    if value and not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise ConfigError(f"配置项 {key} 应写成 时:分，例如 20:00")
    return value


def _command(section: dict[str, Any], key: str) -> tuple[str, ...]:
    value = section.get(key, [])
    if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
        raise ConfigError(f'配置项 {key} 应写成命令和参数的列表，例如 ["xset", "dpms"]')
    return tuple(value)


def _voice(section: dict[str, Any]) -> dict[str, Any]:
    try:
        voice = voice_settings(section)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None
    if voice["wav_folder"]:
        voice["wav_folder"] = str(_path(voice["wav_folder"]))
    return voice


def _section(raw: dict[str, Any], name: str) -> dict[str, Any]:
    value = raw.get(name, {})
    if not isinstance(value, dict):
        raise ConfigError(f"配置项 [{name}] 必须是一个节")
    return value


def _number(
    section: dict[str, Any], key: str, default: float, *, low: float, high: float = 86400
) -> float:
    value = section.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"配置项 {key} 必须是数字")
    if not low <= value <= high:
        raise ConfigError(f"配置项 {key} 应在 {low} 到 {high} 之间")
    return float(value)


def _device_key(backend: dict[str, Any]) -> str:
    key = str(backend.get("device_key", "") or "").strip()
    if key:
        return key
    key_file = _path(str(backend.get("device_key_file", DEFAULT_KEY_FILE)))
    if key_file.exists():
        return key_file.read_text(encoding="utf-8").strip()
    return ""


def _path(value: str | Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_DIR / path
