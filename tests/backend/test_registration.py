"""API areas, console pages and CLI commands are registered from explicit lists
(``backend/api/__init__.py``, ``backend/console/__init__.py``, ``backend/cli.py``). A module
added to one of those packages but to neither list would silently do nothing; this test names it.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

import pytest

from backend import cli
from backend.api import ENDPOINT_MODULES
from backend.api import HELPER_MODULES as API_HELPERS
from backend.console import HELPER_MODULES as CONSOLE_HELPERS
from backend.console import VIEW_MODULES

PACKAGES = [
    pytest.param("backend.api", ENDPOINT_MODULES, API_HELPERS, "ENDPOINT_MODULES", id="api"),
    pytest.param("backend.console", VIEW_MODULES, CONSOLE_HELPERS, "VIEW_MODULES", id="console"),
    pytest.param(
        "backend.commands", cli.COMMAND_MODULES, cli.HELPER_MODULES, "COMMAND_MODULES", id="cli"
    ),
]


@pytest.mark.parametrize(("package", "registered", "helpers", "list_name"), PACKAGES)
def test_every_module_is_registered_or_declared_a_helper(
    package: str, registered: tuple[str, ...], helpers: tuple[str, ...], list_name: str
) -> None:
    pkg: ModuleType = importlib.import_module(package)
    on_disk = {info.name for info in pkgutil.iter_modules(pkg.__path__)}

    forgotten = sorted(on_disk - set(registered) - set(helpers))
    assert not forgotten, (
        f"{package}: {', '.join(forgotten)} is neither registered nor declared a helper: "
        f"add it to {list_name} (or to HELPER_MODULES if it registers nothing)"
    )
    missing = sorted((set(registered) | set(helpers)) - on_disk)
    assert not missing, f"{package}: listed but no such module: {', '.join(missing)}"
    both = sorted(set(registered) & set(helpers))
    assert not both, f"{package}: listed as registering and as helper: {', '.join(both)}"
    assert len(set(registered)) == len(registered), f"{package}: {list_name} names a module twice"
