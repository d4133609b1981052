"""Run in a process without POSIX-only parts (``tests/devices/no_posix``): import every module
of ``kiosk`` and ``devices`` and print one JSON line — the simulation in effect, and each module
that failed to import with its error."""

from __future__ import annotations

import importlib
import json
import os
import pkgutil
import signal
import sys
import traceback
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
PACKAGES = ("devices", "kiosk")


def simulation() -> dict[str, bool]:
    try:
        import fcntl  # noqa: F401
    except ImportError:
        fcntl_gone = True
    else:
        fcntl_gone = False
    return {
        "active": os.environ.get("HALL_TEST_NO_POSIX") == "1",
        "fcntl_gone": fcntl_gone,
        "sigmask_gone": not hasattr(signal, "pthread_sigmask"),
    }


def all_modules() -> list[str]:
    names: list[str] = []
    for package in PACKAGES:
        names.append(package)
        found = pkgutil.walk_packages([str(REPO / package)], prefix=f"{package}.")
        names.extend(info.name for info in found)
    return sorted(names)


def main() -> None:
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    failed: dict[str, str] = {}
    modules = all_modules()
    for name in modules:
        try:
            importlib.import_module(name)
        except BaseException as exc:
            failed[name] = "".join(traceback.format_exception_only(exc)).strip()
    report = {"simulation": simulation(), "modules": modules, "failed": failed}
    print(json.dumps(report, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
