"""Kiosk taps while the hall is busy: a district ledger export running (in the background, as
the console runs long exports) and 32 clients (in a process of their own) flooding the sign-in
with wrong passwords, against the real backend (a subprocess) on loopback, on
SQLite or PostgreSQL. Used by ``tests/backend/test_hall_under_load.py`` (which asserts) and run
on its own to print the figures for bench/RESULTS.md:

    .venv/bin/python -m bench.hall_under_load --db sqlite --members 20000
    .venv/bin/python -m bench.hall_under_load --db postgres --members 20000 --server gunicorn

``--server``: waitress (the default, what ``./hall run`` starts), gunicorn (production on Linux)
or flask (the development server).
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import re
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from backend.db import make_engine
from backend.models import Organization, Role
from backend.services import users
from backend.services.actor import Actor
from bench.generate_district import generate, uid_for
from tests.kiosk.server import REPO, BackendServer
from tests.kiosk.world import CARD_UID_KEY
from tests.pg import PgCluster

STAFF = "ledger-clerk"
STAFF_PASSWORD = "Export-2025-ok"
FLOODERS = 32


@dataclass
class Figures:
    taps_ms: list[float] = field(default_factory=list)
    quiet_taps_ms: list[float] = field(default_factory=list)  # before the load starts
    tap_failures: list[str] = field(default_factory=list)
    logins: int = 0
    login_statuses: dict[int, int] = field(default_factory=dict)
    export_s: float = 0.0
    export_status: int = 0
    export_bytes: int = 0
    taps_during_export: int = 0

    def p95(self) -> float:
        return _p95(self.taps_ms)

    def quiet_p95(self) -> float:
        return _p95(self.quiet_taps_ms)

    def summary(self) -> dict[str, object]:
        taps = sorted(self.taps_ms)
        return {
            "taps": len(taps),
            "taps_during_export": self.taps_during_export,
            "tap_p50_ms": round(statistics.median(taps), 1),
            "tap_p95_ms": round(self.p95(), 1),
            "tap_max_ms": round(taps[-1], 1),
            "quiet_tap_p95_ms": round(self.quiet_p95(), 1),
            "tap_failures": len(self.tap_failures),
            "bogus_logins": self.logins,
            "login_statuses": self.login_statuses,
            "export_s": round(self.export_s, 1),
            "export_status": self.export_status,
            "export_bytes": self.export_bytes,
        }


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def prepare(url: str, members: int) -> str:
    """The district, a staff user who may export it; returns the kiosk's device key."""
    info = generate(url, members=members, uid_key=CARD_UID_KEY)
    engine = make_engine(url)
    with Session(engine) as session:
        district = session.scalars(
            select(Organization).where(Organization.parent_id.is_(None))
        ).one()
        users.create_user(
            session,
            Actor.system("bench"),
            username=STAFF,
            password=STAFF_PASSWORD,
            full_name="台账导出员",
            role=Role.ADMIN,
            org=district,
        )
        session.commit()
    engine.dispose()
    return info.device_key


def _console(base: str) -> requests.Session:
    client = requests.Session()
    page = client.get(f"{base}/console/login", timeout=30).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    signed = client.post(
        f"{base}/console/login",
        data={"username": STAFF, "password": STAFF_PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=30,
    )
    assert signed.status_code == 302, signed.text
    return client


def run(
    base: str, device_key: str, members: int, taps: int, gap: float, busy: bool = True
) -> Figures:
    figures = Figures()
    exporting = threading.Event()
    console = _console(base)

    def export() -> None:
        """The district ledger as a background export (POST, then poll, then download)."""
        started = time.perf_counter()
        exporting.set()
        page = console.get(f"{base}/console/imports", timeout=60).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
        begun = console.post(
            f"{base}/console/exports/ledger", data={"csrf_token": token}, allow_redirects=False
        )
        job = begun.headers["Location"].rstrip("/").split("/")[-1]
        while console.get(f"{base}/console/imports/{job}/status").json()["state"] == "exporting":
            time.sleep(0.5)
        figures.export_s = time.perf_counter() - started
        exporting.clear()
        response = console.get(f"{base}/console/exports/{job}/file", timeout=600)
        figures.export_status, figures.export_bytes = response.status_code, len(response.content)

    kiosk = requests.Session()
    headers = {"X-Device-Key": device_key}

    def tap(n: int) -> float:
        started = time.perf_counter()
        r = kiosk.post(
            f"{base}/api/v1/kiosk/card-session",
            json={"uid": uid_for(n)},
            headers=headers,
            timeout=60,
        )
        elapsed = (time.perf_counter() - started) * 1000
        if r.status_code != 201:
            figures.tap_failures.append(f"{r.status_code} {r.text[:200]}")
        return elapsed

    for n in range(1, 11):  # warm-up: connection, caches
        tap(n)
    for n in range(11, 41):  # the same taps on a quiet hall, for comparison
        figures.quiet_taps_ms.append(tap(n))
        time.sleep(gap)
    exporter = threading.Thread(target=export, daemon=True)
    spawn = multiprocessing.get_context("spawn")
    flood_stop, flood_counts = spawn.Event(), spawn.Queue()
    flooder = spawn.Process(target=flood, args=(base, FLOODERS, flood_stop, flood_counts))
    if busy:
        exporter.start()
        flooder.start()
        time.sleep(2.0)  # the export is under way and every flooder has a request in
    step = max(1, members // (taps + 1))
    for i in range(taps):
        during = exporting.is_set()
        figures.taps_ms.append(tap(1 + (i * step) % members))
        figures.taps_during_export += during
        time.sleep(gap)
    if busy:
        flood_stop.set()
        figures.login_statuses = flood_counts.get(timeout=120)
        figures.logins = sum(figures.login_statuses.values())
        flooder.join(60)
        exporter.join(600)
    return figures


def flood(base: str, clients: int, stop: Any, counts: Any) -> None:
    """The attacker: ``clients`` threads posting bogus sign-ins without pause until ``stop``,
    then the count of answers by status on ``counts``. It runs in a process of its own, as an
    attacker's machine would, so that its threads do not share an interpreter lock with the
    kiosk client whose taps are timed (it still shares the machine's cores)."""
    tally: dict[int, int] = {}
    lock = threading.Lock()

    def post(n: int) -> None:
        client = requests.Session()
        i = 0
        while not stop.is_set():
            i += 1
            r = client.post(
                f"{base}/api/v1/auth/login",
                json={"username": f"nobody{n}-{i}", "password": "wrong-password-1"},
                timeout=60,
            )
            with lock:
                tally[r.status_code] = tally.get(r.status_code, 0) + 1

    threads = [threading.Thread(target=post, args=(n,), daemon=True) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(90)
    counts.put(tally)


class WaitressServer(BackendServer):
    """The backend as ``./hall run`` serves it: waitress, 8 threads (``flask … serve``)."""

    def command(self) -> list[str]:
        serve = [sys.executable, "-m", "flask", "--app", "backend", "serve"]
        return [*serve, "--host", "127.0.0.1", "--port", str(self.port)]


class GunicornServer(BackendServer):
    """The backend as a district's hall runs it on Linux: ``gunicorn -c deploy/gunicorn.conf.py``
    with that file's defaults (a worker per core, 8 threads each; docs/deploy.md)."""

    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "-c", str(REPO / "deploy" / "gunicorn.conf.py")]

    def env(self) -> dict[str, str]:
        return {**super().env(), "HALL_BIND": f"127.0.0.1:{self.port}"}


SERVERS: dict[str, type[BackendServer]] = {
    "flask": BackendServer,
    "waitress": WaitressServer,
    "gunicorn": GunicornServer,
}


def scenario(
    url: str,
    members: int,
    taps: int,
    gap: float,
    log: Path | None = None,
    busy: bool = True,
    server_kind: str = "waitress",
) -> Figures:
    device_key = prepare(url, members)
    server = SERVERS[server_kind](url, log=log)
    server.start(timeout=60)
    try:
        return run(server.url, device_key, members, taps, gap, busy)
    finally:
        server.stop()


def postgres_database(cluster: PgCluster, name: str) -> str:
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return cluster.url_for(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--taps", type=int, default=100)
    parser.add_argument("--gap", type=float, default=0.1)
    parser.add_argument("--quiet", action="store_true", help="taps alone: no export, no flood")
    parser.add_argument("--server", choices=sorted(SERVERS), default="waitress")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}", flush=True)
    if args.db == "postgres":
        cluster = PgCluster.start()
        try:
            url = postgres_database(cluster, "load")
            figures = scenario(
                url, args.members, args.taps, args.gap, busy=not args.quiet, server_kind=args.server
            )
        finally:
            cluster.stop()
    else:
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'load.db'}"
            figures = scenario(
                url, args.members, args.taps, args.gap, busy=not args.quiet, server_kind=args.server
            )
    print(figures.summary(), flush=True)
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
