"""Card taps per second under gunicorn on PostgreSQL: one worker process, then two, against the
same district (docs/deploy.md). Kiosks are simulated by client processes, each kiosk a thread
with its own registered device that taps member cards back to back (closed loop: the next tap
as soon as the last one answered) for a fixed time; a tap is ``POST /kiosk/card-session``, the
look-up and the member's summary a real kiosk shows.

    .venv/bin/python -m bench.serve_bench --members 20000 --seconds 20 --kiosks 8

Prints, for each worker count, taps per second (in all and per worker), tap p50/p95/p99 and the
machine's load average before and after, then the ratio of two workers to one. The machine's
other work counts in these figures: read them with the load average beside them. The CPU time
the workers and PostgreSQL spent per tap does not depend on that other work, and tells what one
worker answers when it has a core to itself.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from sqlalchemy.orm import Session

from backend.db import make_engine
from backend.services import users
from backend.services.actor import Actor
from bench.generate_district import generate, uid_for
from bench.hall_under_load import postgres_database
from tests.kiosk.world import CARD_UID_KEY
from tests.pg import PgCluster
from tests.serve.servers import GunicornServer

CLIENT_PROCESSES = 2  # the load generator's own interpreters, so its GIL is not the limit


@dataclass
class Run:
    workers: int
    seconds: float
    taps_ms: list[float]
    failures: int
    load_before: tuple[float, float, float]
    load_after: tuple[float, float, float]
    app_cpu_s: float  # CPU time the gunicorn workers used during the run
    db_cpu_s: float  # CPU time PostgreSQL used during the run
    client_cpu_s: float  # CPU time the simulated kiosks used (they share the machine)

    @property
    def taps_per_second(self) -> float:
        return len(self.taps_ms) / self.seconds

    def line(self) -> str:
        ms = sorted(self.taps_ms)
        p = statistics.quantiles(ms, n=100, method="inclusive")
        return (
            f"{self.workers} worker(s): {self.taps_per_second:6.1f} taps/s "
            f"({self.taps_per_second / self.workers:5.1f} per worker), "
            f"p50 {statistics.median(ms):5.1f} ms, p95 {p[94]:5.1f} ms, p99 {p[98]:5.1f} ms, "
            f"{len(ms)} taps, {self.failures} failed; "
            f"load average {_load(self.load_before)} before, {_load(self.load_after)} after\n"
            f"    CPU per tap: app {1000 * self.app_cpu_s / len(ms):.1f} ms, "
            f"PostgreSQL {1000 * self.db_cpu_s / len(ms):.1f} ms, "
            f"simulated kiosks {1000 * self.client_cpu_s / len(ms):.1f} ms → one worker kept busy "
            f"answers {len(ms) / self.app_cpu_s:.0f} taps per CPU-second"
        )


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes and of their children already reaped."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue  # ended meanwhile
        total += sum(int(v) for v in fields[11:15])  # utime stime cutime cstime
    return total / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _load(values: tuple[float, float, float]) -> str:
    return "/".join(f"{v:.2f}" for v in values)


def register_kiosks(url: str, count: int) -> list[str]:
    engine = make_engine(url)
    with Session(engine) as session:
        keys = [
            users.register_device(session, Actor.system("bench"), f"bench-kiosk-{n}")[1]
            for n in range(count)
        ]
        session.commit()
    engine.dispose()
    return keys


def _kiosks(base: str, keys: list[str], members: int, until: float, out: Any) -> None:
    """One client process: a thread per kiosk, tapping until ``until`` (a wall-clock time)."""
    samples: list[float] = []
    failures = [0]
    lock = threading.Lock()

    def kiosk(key: str, seed: int) -> None:
        rng = random.Random(seed)
        client = requests.Session()
        client.headers["X-Device-Key"] = key
        mine: list[float] = []
        bad = 0
        while time.time() < until:
            started = time.perf_counter()
            answer = client.post(
                f"{base}/api/v1/kiosk/card-session",
                json={"uid": uid_for(rng.randint(1, members))},
                timeout=30,
            )
            if answer.status_code == 201:
                mine.append((time.perf_counter() - started) * 1000)
            else:
                bad += 1
        with lock:
            samples.extend(mine)
            failures[0] += bad

    threads = [threading.Thread(target=kiosk, args=(key, hash(key) & 0xFFFF)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put((samples, failures[0]))


def measure(
    url: str,
    postmaster: int,
    workers: int,
    keys: list[str],
    members: int,
    seconds: float,
    log: Path,
) -> Run:
    server = GunicornServer(url, workers=workers, log=log)
    server.extra_env["HALL_THREADS"] = str(max(4, len(keys) // workers))
    server.start(timeout=120)
    try:
        warm = requests.Session()
        warm.headers["X-Device-Key"] = keys[0]
        for n in range(1, 20 * workers):  # every worker loaded and its pool open
            warm.post(f"{server.url}/api/v1/kiosk/card-session", json={"uid": uid_for(n)})
        context = multiprocessing.get_context("fork")
        out = context.Queue()
        load_before = os.getloadavg()
        app_pids = server.worker_pids()
        db_pids = [postmaster, *children(postmaster)]
        app_cpu, db_cpu = cpu_seconds(app_pids), cpu_seconds(db_pids)
        until = time.time() + 1.0 + seconds
        shares = [keys[i::CLIENT_PROCESSES] for i in range(CLIENT_PROCESSES)]
        clients = [
            context.Process(target=_kiosks, args=(server.url, share, members, until, out))
            for share in shares
        ]
        started = time.time()
        reaped = os.times()
        for client in clients:
            client.start()
        results = [out.get(timeout=seconds + 120) for _ in clients]
        elapsed = max(until, time.time()) - started
        app_cpu = cpu_seconds(app_pids) - app_cpu
        db_cpu = cpu_seconds(db_pids) - db_cpu
        for client in clients:
            client.join(30)
        done = os.times()
        client_cpu = (done.children_user - reaped.children_user) + (
            done.children_system - reaped.children_system
        )
        taps = [ms for samples, _ in results for ms in samples]
        failed = sum(bad for _, bad in results)
        return Run(
            workers,
            elapsed,
            taps,
            failed,
            load_before,
            os.getloadavg(),
            app_cpu,
            db_cpu,
            client_cpu,
        )
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--seconds", type=float, default=20.0, help="load time per worker count")
    parser.add_argument("--kiosks", type=int, default=8, help="simulated kiosks tapping at once")
    parser.add_argument("--workers", default="1,2", help="worker counts to compare, in order")
    args = parser.parse_args()
    print(f"cores: {os.cpu_count()}, load average at start: {_load(os.getloadavg())}", flush=True)
    cluster = PgCluster.start()
    try:
        url = postgres_database(cluster, "serve_bench")
        generate(url, members=args.members, uid_key=CARD_UID_KEY)
        keys = register_kiosks(url, args.kiosks)
        postmaster = int((cluster.root / "data" / "postmaster.pid").read_text().split()[0])
        runs = []
        with tempfile.TemporaryDirectory() as folder:
            for count in (int(w) for w in args.workers.split(",")):
                log = Path(folder) / f"gunicorn-{count}.log"
                run = measure(url, postmaster, count, keys, args.members, args.seconds, log)
                print(run.line(), flush=True)
                runs.append(run)
    finally:
        cluster.stop()
    if len(runs) >= 2:
        ratio = runs[-1].taps_per_second / runs[0].taps_per_second
        print(f"throughput {runs[-1].workers} workers / {runs[0].workers}: {ratio:.2f}×")


if __name__ == "__main__":
    main()
