"""Fixtures for the kiosk: a district on a real backend on loopback, and a scenario runner.

The backend runs once per test session (``flask --app backend run`` on a free port, SQLite
built with the backend's own services); every scenario runs the real Kivy app in its own
process (one Kivy app per process) and reports back what it showed.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from devices.fonts import missing_glyphs
from tests.kiosk.server import REPO, BackendServer, free_port
from tests.kiosk.world import build_world

ARTIFACTS = REPO / "test-artifacts" / "kiosk"
SCENARIO_TIMEOUT = 120


@pytest.fixture(scope="session")
def kiosk_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("kiosk-world")
    world = build_world(folder)
    return folder / "world.json", world


@pytest.fixture(scope="session")
def kiosk_backend(kiosk_world: tuple[Path, dict[str, Any]]) -> Iterator[BackendServer]:
    path, world = kiosk_world
    server = BackendServer(world["database_url"], log=path.parent / "backend.log")
    server.start()
    yield server
    server.stop()


Runner = Callable[..., dict[str, Any]]


@pytest.fixture
def run_scenario(
    kiosk_world: tuple[Path, dict[str, Any]], tmp_path: Path, request: pytest.FixtureRequest
) -> Runner:
    """Run a scenario in a fresh kiosk process; assert it passed and that every text it
    showed is drawable with the kiosk's font. Returns the scenario's result."""
    world_path, _world = kiosk_world

    def run(
        name: str,
        *,
        backend_url: str | None = None,
        config_extra: str = "",
        facts: dict[str, Any] | None = None,
        wrapper: tuple[str, ...] = (),
        artifacts: Path = ARTIFACTS,
    ) -> dict[str, Any]:
        if backend_url is None:
            backend_url = request.getfixturevalue("kiosk_backend").url
        out = tmp_path / f"{name}.json"
        command = [
            *wrapper,
            sys.executable,
            "-m",
            "tests.kiosk.driver",
            "--world",
            str(world_path),
            "--scenario",
            name,
            "--out",
            str(out),
            "--artifacts",
            str(artifacts),
            "--work",
            str(tmp_path / "work"),
            "--backend",
            backend_url,
            "--config-extra",
            config_extra,
            "--facts",
            json.dumps(facts or {}),
        ]
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env["PYTHONPATH"] = str(REPO)
        done = subprocess.run(
            command, cwd=REPO, env=env, capture_output=True, text=True, timeout=SCENARIO_TIMEOUT
        )
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        assert done.returncode == 0, f"scenario {name} failed:\n{done.stderr[-8000:]}"
        missing = missing_glyphs(result["font"], "".join(result["texts"]))
        assert not missing, f"characters shown but missing from the font: {sorted(missing)}"
        return result

    return run


@pytest.fixture
def spare_port() -> int:
    return free_port()
