"""The printer's settings as the kiosk keeps them: the ``[printer]`` section of the kiosk's TOML
file, so the technician's tool (``python -m devices.printer``) tests exactly the printer the
kiosk will use.

The file is the kiosk's: ``--config FILE``, else ``HALL_KIOSK_CONFIG``, else
``data/kiosk/kiosk.toml`` (which may be absent: then the developer default, the preview
printer). Relative paths are relative to the project folder, as in the kiosk
(``kiosk/config.py``).
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_FILE = PROJECT_DIR / "data" / "kiosk" / "kiosk.toml"
ENV_VAR = "HALL_KIOSK_CONFIG"
DEFAULT_PRINTER = {"connection": "preview"}


class SettingsFileError(ValueError):
    """The file cannot be read; the message says why (in Chinese)."""


def settings_file(chosen: str | None = None, env: dict[str, str] | None = None) -> Path:
    """``chosen`` (``--config``) wins, then ``HALL_KIOSK_CONFIG``, then the default file."""
    env = dict(os.environ if env is None else env)
    name = chosen or env.get(ENV_VAR)
    return project_path(name) if name else DEFAULT_FILE


def read_printer_section(path: Path) -> dict[str, Any]:
    """The ``[printer]`` section of ``path`` ready for ``create_printer`` (the kiosk's print
    queue left out). A missing default file gives the preview printer."""
    if not path.exists():
        if path != DEFAULT_FILE:
            raise SettingsFileError(f"找不到配置文件 {path}")
        return printer_settings({})
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise SettingsFileError(f"配置文件 {path} 格式有误：{exc}") from None
    section = raw.get("printer", {})
    if not isinstance(section, dict):
        raise SettingsFileError("配置项 [printer] 必须是一个节")
    return printer_settings(section)


def printer_settings(section: dict[str, Any]) -> dict[str, Any]:
    """A ``[printer]`` section with its paths made absolute; an empty one is the preview
    printer. The kiosk's own ``queue`` key is dropped (the caller keeps it)."""
    printer = dict(section) or dict(DEFAULT_PRINTER)
    printer.pop("queue", None)
    if printer.get("connection", "preview") == "preview":
        printer["folder"] = str(project_path(str(printer.get("folder", "data/prints"))))
    if printer.get("font"):
        printer["font"] = str(project_path(str(printer["font"])))
    return printer


def project_path(value: str | Path) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else PROJECT_DIR / path
