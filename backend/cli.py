"""``flask --app backend …`` commands. Each module named in ``COMMAND_MODULES`` contributes a
``COMMANDS`` list; a new module of commands is one more line there
(``tests/backend/test_registration.py`` names any module left out)."""

from __future__ import annotations

import importlib

from flask import Flask

#: Modules of ``backend.commands`` whose ``COMMANDS`` are added to ``flask --app backend``.
COMMAND_MODULES = (
    "audit",
    "backup",
    "content",
    "demo",
    "dues",
    "imports",
    "setup",
    "transfers",
)

#: Modules of ``backend.commands`` that add no commands (none yet; helpers live in its
#: ``__init__``).
HELPER_MODULES: tuple[str, ...] = ()


def register_cli(app: Flask) -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"backend.commands.{name}")
        for command in module.COMMANDS:
            app.cli.add_command(command)
