"""``flask --app backend …`` commands. Each module in ``backend.commands`` contributes a
``COMMANDS`` list, so areas add commands without touching this file."""

from __future__ import annotations

import importlib
import pkgutil

from flask import Flask

from backend import commands


def register_cli(app: Flask) -> None:
    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{commands.__name__}.{info.name}")
        for command in getattr(module, "COMMANDS", ()):
            app.cli.add_command(command)
