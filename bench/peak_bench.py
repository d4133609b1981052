"""The hall's load and scale figures on PostgreSQL in one run (docs/scaling.md, issue 18):

    .venv/bin/python -m bench.peak_bench            # full: ~15 minutes, 10,000,000 members
    .venv/bin/python -m bench.peak_bench --quick    # a few minutes, up to 1,000,000 members

(a) The 200 kiosks' peak: 50 card taps a second (Poisson arrivals, each kiosk its own device and
    connection) mixed with counter payments (each with its own idempotency key) and board reads,
    on gunicorn with 2 worker processes (deploy/gunicorn.conf.py); p50/p95/p99 per kind, counted
    from each request's scheduled arrival. Target: tap p99 ≤ 50 ms.
(b) Taps per second per worker process, 1 worker and then 2 (closed loop); the CPU seconds of
    the workers, PostgreSQL and the load generator are printed, for the machine has 2 cores in
    all. Target: 2 workers ≥ 1.7× one.
(c) Tap p95 at 100,000, 1,000,000 and 10,000,000 members (one kiosk tapping back to back, one
    worker), with the plan of every statement of a tap. Target: ≤ 1.3× from the smallest size,
    index look-ups only.

The district is grown in PostgreSQL itself (bench/district_sql.py: what the tables hold is
described there). (a) and (b) run at the smallest size. The load generator is asyncio on raw
sockets (bench/http_load.py) so that it takes little of the two cores.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import tempfile
import time
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.db import make_engine
from backend.models import Organization, Role
from backend.services import hall_clock, users
from backend.services.actor import Actor
from backend.settings import Settings
from bench.district_sql import LEDGER_EVERY, grow, tapped_member
from bench.generate_district import generate, uid_for
from bench.hall_under_load import postgres_database
from bench.http_load import Connection, Request, Samples, Stream, closed_loop, open_loop
from bench.serve_bench import children, cpu_seconds, register_kiosks
from bench.tap_explain import explain_tap
from tests.kiosk.world import CARD_UID_KEY
from tests.pg import PgCluster
from tests.serve.servers import GunicornServer

TAP = "/api/v1/kiosk/card-session"
FREE_GB_FOR_10M = 12  # members, cards, memberships, 12 M ledger rows and their indexes: ~8 GB


def idle_seconds() -> float:
    """CPU seconds the whole machine has been idle since boot (all cores, /proc/stat)."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    return (int(fields[3]) + int(fields[4])) / os.sysconf("SC_CLK_TCK")  # idle + iowait


def load() -> str:
    return "/".join(f"{v:.2f}" for v in os.getloadavg())


def counter_token(url: str) -> str:
    engine = make_engine(url)
    with Session(engine) as session:
        district = session.scalars(select(Organization).where(Organization.parent_id.is_(None)))
        user = users.create_user(
            session,
            Actor.system("bench"),
            username="bench-counter",
            password="Bench-counter-2026",
            full_name="窗口",
            role=Role.COUNTER,
            org=district.one(),
        )
        stub = Settings(database_url=url, secret_key="bench-" * 6, card_uid_key=CARD_UID_KEY)
        token, _row = users.issue_token(session, stub, user)
        session.commit()
    engine.dispose()
    return token


def server(url: str, workers: int, folder: Path, threads: int = 8) -> GunicornServer:
    started = GunicornServer(url, workers=workers, log=folder / f"gunicorn-{workers}.log")
    started.extra_env["HALL_THREADS"] = str(threads)
    started.start(timeout=120)
    return started


def tap_request(keys: list[str], members: int) -> Callable[[random.Random, int], Request]:
    def make(rng: random.Random, index: int) -> Request:
        uid = uid_for(tapped_member(rng.random(), members))
        return "POST", TAP, {"X-Device-Key": keys[index % len(keys)]}, {"uid": uid}

    return make


def peak(url: str, keys: list[str], token: str, members: int, seconds: float, folder: Path) -> str:
    """(a): 2 workers, taps + payments + board reads at the 200 kiosks' peak."""
    srv = server(url, 2, folder)
    payers = iter(
        n
        for n in range(LEDGER_EVERY, members + 1, LEDGER_EVERY)
        if (n // LEDGER_EVERY) % 13 < 12  # has a month left to pay this year
    )
    counter = {"Authorization": f"Bearer {token}"}

    def pay(_rng: random.Random, _index: int) -> Request:
        headers = {**counter, "Idempotency-Key": uuid.uuid4().hex}
        return "POST", f"/api/v1/members/{next(payers)}/payments", headers, {"count": 1}

    def board(rng: random.Random, index: int) -> Request:
        path = rng.choice(("/api/v1/kiosk/disclosure/categories", "/api/v1/kiosk/disclosure"))
        return "GET", path, {"X-Device-Key": keys[index]}, None

    streams = [
        Stream("tap", 50.0, 201, tap_request(keys, members), connections=len(keys)),
        Stream("payment", 2.0, 201, pay, connections=4),
        Stream("board", 10.0, 200, board, connections=20),
    ]
    try:
        warm = tap_request(keys, members)  # both workers loaded, their pools open
        asyncio.run(closed_loop("127.0.0.1", srv.port, warm, 201, 8, 3.0, 1))
        before = load()
        asyncio.run(open_loop("127.0.0.1", srv.port, streams, seconds, seed=18))
    finally:
        srv.stop()
    lines = [f"(a) peak, 2 workers, {seconds:.0f} s, load average {before} → {load()}"]
    lines += ["    " + s.samples.line(s.name) for s in streams]
    p99 = streams[0].samples.percentile(99)
    lines.append(f"    tap p99 {p99:.1f} ms: {'met' if p99 <= 50 else 'NOT met'} (target ≤ 50 ms)")
    return "\n".join(lines)


def per_worker(
    url: str, postmaster: int, keys: list[str], members: int, seconds: float, folder: Path
) -> tuple[str, list[float]]:
    """(b): closed loop, 1 worker then 2; throughput and CPU seconds of everything involved."""
    lines, rates = [], []
    for workers in (1, 2):
        srv = server(url, workers, folder)
        try:
            make = tap_request(keys, members)
            asyncio.run(closed_loop("127.0.0.1", srv.port, make, 201, 8, 2.0, 1))  # warm
            apps, dbs = srv.worker_pids(), [postmaster, *children(postmaster)]
            app0, db0, gen0 = cpu_seconds(apps), cpu_seconds(dbs), time.process_time()
            idle0 = idle_seconds()
            before = load()
            started = time.perf_counter()
            samples: Samples = asyncio.run(
                closed_loop("127.0.0.1", srv.port, make, 201, 16, seconds, 7)
            )
            elapsed = time.perf_counter() - started
            app_s, db_s = cpu_seconds(apps) - app0, cpu_seconds(dbs) - db0
            gen_s = time.process_time() - gen0
            idle_s = idle_seconds() - idle0
        finally:
            srv.stop()
        taps = len(samples.ms)
        rates.append(taps / elapsed)
        lines.append(
            f"(b) {workers} worker(s): {taps / elapsed:6.1f} taps/s "
            f"({taps / elapsed / workers:5.1f} per worker), p95 {samples.percentile(95):.1f} ms, "
            f"{samples.failed} failed; load average {before} → {load()}\n"
            f"    CPU over {elapsed:.1f} s on {os.cpu_count()} cores: workers {app_s:.1f} s "
            f"({1000 * app_s / taps:.2f} ms a tap), PostgreSQL {db_s:.1f} s "
            f"({1000 * db_s / taps:.2f} ms), load generator {gen_s:.1f} s "
            f"({1000 * gen_s / taps:.2f} ms); machine idle {idle_s:.1f} s, other processes "
            f"{max(0.0, elapsed * (os.cpu_count() or 1) - app_s - db_s - gen_s - idle_s):.1f} s"
        )
    ratio = rates[1] / rates[0]
    lines.append(
        f"(b) 2 workers / 1: {ratio:.2f}× ({'met' if ratio >= 1.7 else 'NOT met'}, target ≥ 1.7×)"
    )
    return "\n".join(lines), rates


def tap_latency(url: str, key: str, members: int, taps: int, folder: Path) -> Samples:
    srv = server(url, 1, folder, threads=4)
    try:
        make = tap_request([key], members)
        asyncio.run(closed_loop("127.0.0.1", srv.port, make, 201, 1, 2.0, 3))  # warm
        samples = Samples()
        rng = random.Random(members)

        async def sequential() -> None:
            conn = Connection("127.0.0.1", srv.port)
            for _ in range(taps):
                method, path, headers, body = make(rng, 0)
                started = time.perf_counter()
                status = await conn.send(method, path, headers, body)
                samples.add(status, 201, (time.perf_counter() - started) * 1000)
            conn.close()

        asyncio.run(sequential())
        return samples
    finally:
        srv.stop()


def sizes_run(url: str, key: str, sizes: list[int], taps: int, folder: Path, root: Path) -> str:
    """(c): grow the district size by size; tap p95 and the tap's plans at each."""
    lines, p95s = [], []
    done = sizes[0]
    for size in sizes:
        if size > done:
            free_gb = shutil.disk_usage(root).free / 1e9
            if size >= 10_000_000 and free_gb < FREE_GB_FOR_10M:
                lines.append(f"(c) {size:,} members: skipped, {free_gb:.0f} GB free on disk")
                break
            started = time.perf_counter()
            steps = grow(make_engine(url), done + 1, size, uid_key=CARD_UID_KEY, year=_year())
            lines.append(
                f"(c) grew to {size:,} members in {time.perf_counter() - started:.0f} s "
                f"({free_gb:.0f} GB free before; "
                + ", ".join(f"{k} {v:.0f} s" for k, v in steps.items())
                + ")"
            )
            print(lines[-1], flush=True)
            done = size
        plans = explain_tap(url, key, uid_for(tapped_member(0.5, size)))
        samples = tap_latency(url, key, size, taps, folder)
        p95s.append(samples.percentile(95))
        lines.append(f"(c) {size:>10,} members, load average {load()}: " + samples.line("tap"))
        for plan in plans:
            flag = "  ← sequential" if plan.sequential else ""
            lines.append(f"      {plan.statement:<40} {'; '.join(plan.scans) or '-'}{flag}")
    growth = max(p95s) / p95s[0]
    lines.append(
        f"(c) tap p95 largest / smallest size: {p95s[-1] / p95s[0]:.2f}×, worst {growth:.2f}× "
        f"({'met' if growth <= 1.3 else 'NOT met'}, target ≤ 1.3×)"
    )
    return "\n".join(lines)


def _year() -> int:
    return hall_clock.today().year


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="shorter runs, up to 1,000,000")
    parser.add_argument("--sizes", help="member counts for (c), comma-separated")
    parser.add_argument("--seconds", type=float, help="length of (a) and of each (b) run")
    args = parser.parse_args()
    sizes = [int(s) for s in (args.sizes or "100000,1000000,10000000").split(",")]
    if args.quick and not args.sizes:
        sizes = sizes[:2]
    seconds = args.seconds or (15.0 if args.quick else 40.0)
    taps = 200 if args.quick else 600
    print(f"cores: {os.cpu_count()}, load average at start: {load()}", flush=True)
    cluster = PgCluster.start()
    try:
        url = postgres_database(cluster, "peak_bench")
        info = generate(url, members=0, uid_key=CARD_UID_KEY)
        started = time.perf_counter()
        grow(make_engine(url), 1, sizes[0], uid_key=CARD_UID_KEY, year=info.year)
        print(f"district of {sizes[0]:,} members in {time.perf_counter() - started:.0f} s")
        keys = register_kiosks(url, 200)
        token = counter_token(url)
        postmaster = int((cluster.root / "data" / "postmaster.pid").read_text().split()[0])
        with tempfile.TemporaryDirectory() as folder:
            print(peak(url, keys, token, sizes[0], seconds, Path(folder)), flush=True)
            text, _rates = per_worker(url, postmaster, keys, sizes[0], seconds, Path(folder))
            print(text, flush=True)
            print(sizes_run(url, keys[0], sizes, taps, Path(folder), cluster.root), flush=True)
    finally:
        cluster.stop()


if __name__ == "__main__":
    main()
