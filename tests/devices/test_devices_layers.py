"""Layer rules of devices/, checked by parsing imports so they stay true as code grows."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

DEVICES = Path(__file__).resolve().parents[2] / "devices"


def _imports() -> dict[str, set[str]]:
    """Top-level package of every import (nested ones included), per module."""
    found: dict[str, set[str]] = {}
    for path in DEVICES.rglob("*.py"):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(DEVICES.parent))] = names
    return found


def test_devices_import_no_ui_web_or_database_framework() -> None:
    for module, names in _imports().items():
        assert not names & {"kivy", "flask", "sqlalchemy", "backend", "kiosk"}, module


def test_one_module_imports_smartcard_and_one_imports_escpos() -> None:
    imports = _imports()
    assert [m for m, n in imports.items() if "smartcard" in n] == ["devices/cardreader/pcsc.py"]
    assert [m for m, n in imports.items() if "escpos" in n] == ["devices/printer/connection.py"]


def test_packages_import_without_native_libraries() -> None:
    """No pcsclite, no pyscard, no libusb: importing still works; only creating fails."""
    probe = (
        "import sys; sys.modules['smartcard'] = None; sys.modules['usb'] = None;"
        "import devices.cardreader, devices.printer;"
        "from devices.printer import create_printer;"
        "create_printer({'connection': 'dummy'}); print('ok')"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.strip() == "ok", out.stderr
