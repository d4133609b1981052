"""Fixtures for the counter end to end: the counter district on a real backend on loopback, and
runners that play a scenario in a fresh counter-mode app process (or several at once).

The backend is the kiosk tests' ``BackendServer`` with the public address of verification
links set to itself, so a QR code printed on a letter opens on this very server.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from devices.fonts import missing_glyphs
from tests.e2e.checks import Staff
from tests.e2e.world import build_world
from tests.kiosk.server import REPO, BackendServer
from tests.pg import PgCluster

ARTIFACTS = REPO / "test-artifacts" / "counter"
SCENARIO_TIMEOUT = 150
COUNTER_KIOSK = {"mode": "counter", "lock_seconds": 600, "countdown_seconds": 5}


class CounterBackend(BackendServer):
    def env(self) -> dict[str, str]:
        env = super().env()
        env["HALL_PUBLIC_BASE_URL"] = self.url
        return env


@pytest.fixture(scope="session")
def counter_world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    folder = tmp_path_factory.mktemp("counter-world")
    world = build_world(folder)
    return folder / "world.json", world


@pytest.fixture(scope="session")
def counter_backend(counter_world: tuple[Path, dict[str, Any]]) -> Iterator[CounterBackend]:
    path, world = counter_world
    server = CounterBackend(world["database_url"], log=path.parent / "backend.log")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pg_counter_world(
    tmp_path_factory: pytest.TempPathFactory, pg_cluster: PgCluster
) -> tuple[Path, dict[str, Any]]:
    """The same district in a database of the test run's PostgreSQL cluster."""
    admin = create_engine(pg_cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text("CREATE DATABASE counter_e2e"))
    admin.dispose()
    folder = tmp_path_factory.mktemp("counter-world-pg")
    world = build_world(folder, pg_cluster.url_for("counter_e2e"))
    return folder / "world.json", world


@pytest.fixture(scope="session")
def pg_counter_backend(pg_counter_world: tuple[Path, dict[str, Any]]) -> Iterator[CounterBackend]:
    path, world = pg_counter_world
    server = CounterBackend(world["database_url"], log=path.parent / "backend.log")
    server.start()
    yield server
    server.stop()


def _config(kiosk: dict[str, Any]) -> str:
    values = {**COUNTER_KIOSK, **kiosk}
    return "[kiosk]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in values.items())


class Player:
    """Starts scenario processes against the counter backend and checks their results."""

    def __init__(self, world_path: Path, backend: CounterBackend, tmp_path: Path) -> None:
        self.world_path = world_path
        self.backend = backend
        self.tmp_path = tmp_path

    def start(
        self,
        name: str,
        *,
        tag: str = "",
        kiosk: dict[str, Any] | None = None,
        facts: Any = None,
        scenarios: str = "tests.e2e.scenarios",
    ) -> tuple[subprocess.Popen[str], Path]:
        run = f"{name}{tag}"
        out = self.tmp_path / f"{run}.json"
        command = [
            sys.executable,
            "-m",
            "tests.kiosk.driver",
            *("--scenarios", scenarios),
            *("--world", str(self.world_path), "--scenario", name, "--out", str(out)),
            *("--artifacts", str(ARTIFACTS), "--work", str(self.tmp_path / f"work-{run}")),
            *("--backend", self.backend.url, "--config-extra", _config(kiosk or {})),
            *("--facts", json.dumps(facts or {})),
        ]
        env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
        env["PYTHONPATH"] = str(REPO)
        process = subprocess.Popen(
            command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        return process, out

    def finish(self, name: str, process: subprocess.Popen[str], out: Path) -> dict[str, Any]:
        try:
            _stdout, stderr = process.communicate(timeout=SCENARIO_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            _stdout, stderr = process.communicate()
        result = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
        error = result.get("error") or (_stdout or "")[-3000:] + stderr[-8000:]
        assert process.returncode == 0, f"scenario {name} failed:\n{error}"
        missing = missing_glyphs(result["font"], "".join(result["texts"]))
        assert not missing, f"characters shown but missing from the font: {sorted(missing)}"
        return result

    def run(self, name: str, **options: Any) -> dict[str, Any]:
        process, out = self.start(name, **options)
        return self.finish(name, process, out)


@pytest.fixture
def player(
    counter_world: tuple[Path, dict[str, Any]], counter_backend: CounterBackend, tmp_path: Path
) -> Player:
    return Player(counter_world[0], counter_backend, tmp_path)


@pytest.fixture
def world(counter_world: tuple[Path, dict[str, Any]]) -> dict[str, Any]:
    return counter_world[1]


@pytest.fixture
def staff(player: Player, world: dict[str, Any]) -> Staff:
    """The backend's staff API as the district counter user."""
    return Staff(player.backend.url, "counter", world["password"])


@pytest.fixture(params=["sqlite", "postgres"])
def any_player(request: pytest.FixtureRequest, tmp_path: Path) -> Player:
    """A player on the SQLite backend, then on a PostgreSQL one."""
    if request.param == "sqlite":
        path, _world = request.getfixturevalue("counter_world")
        return Player(path, request.getfixturevalue("counter_backend"), tmp_path)
    path, _world = request.getfixturevalue("pg_counter_world")
    return Player(path, request.getfixturevalue("pg_counter_backend"), tmp_path)
