"""Backend benchmark: card-tap latency over HTTP beside the raw SQL look-up, opening a year,
and a 100,000-row dues import — on PostgreSQL and on SQLite, at 100,000 members.

For each database: generate the synthetic district (``bench.generate_district``), serve the
real Flask app with werkzeug's threaded server on 127.0.0.1, and tap ``--taps`` random cards
(``POST /api/v1/kiosk/card-session``, one kiosk, keep-alive). In the same run, the same cards
are looked up directly with SQL (uid hash → card → member → this year's months → arrears), each
in its own transaction, so the two figures are comparable. PostgreSQL is a throw-away cluster
started here (``tests/pg.py``), restarted with ``fsync`` on so that commits cost what they cost.
The benchmark prints figures; it does not pass or fail.

    .venv/bin/python -m bench.backend_bench                   # both databases, 100,000 members
    .venv/bin/python -m bench.backend_bench --db sqlite --members 20000 --taps 500
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import random
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import requests
from sqlalchemy import Engine, create_engine, select, text
from werkzeug.serving import WSGIRequestHandler, make_server

from backend import create_app
from backend.db import make_engine, make_session_factory
from backend.models import Organization
from backend.models.base import utcnow
from backend.services import dues_imports, dues_year, hall_clock
from backend.services.actor import Actor
from backend.services.cards import uid_hash
from backend.services.import_rows import read_table
from backend.settings import Settings
from bench.generate_district import BIG_BRANCH_CODE, generate, uid_for
from tests.pg import PgCluster, _as_postgres, _bin

UID_KEY = "bench-card-key"
OUT = Path(__file__).resolve().parent / "out"


@dataclass
class Result:
    database: str
    members: int
    taps: int
    http_ms: dict[str, float] = field(default_factory=dict)
    http_floor_ms: dict[str, float] = field(default_factory=dict)  # GET /api/v1/health
    raw_sql_ms: dict[str, float] = field(default_factory=dict)
    raw_sql_with_write_ms: dict[str, float] = field(default_factory=dict)
    open_year: dict[str, Any] = field(default_factory=dict)
    dues_import: dict[str, Any] = field(default_factory=dict)
    generate_s: dict[str, float] = field(default_factory=dict)
    cpu_ms_per_action: dict[str, float] = field(default_factory=dict)
    load_average: str = ""


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return {
        "p50": round(cuts[49], 2),
        "p95": round(cuts[94], 2),
        "p99": round(cuts[98], 2),
        "mean": round(statistics.fmean(samples), 2),
    }


class _QuietHandler(WSGIRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the kiosk's requests.Session uses it

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        pass


@contextmanager
def serve(settings: Settings) -> Iterator[str]:
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        app.extensions["hall"].engine.dispose()


CPU_MS: dict[str, float] = {}  # this process's CPU time per action, by phase


def timed(count: int, action: Callable[[int], None], phase: str | None = None) -> list[float]:
    """Wall-clock milliseconds per action; with ``phase``, also the process's CPU time per
    action, which a loaded machine does not inflate the way it inflates wall time."""
    samples = []
    cpu = time.process_time()
    for i in range(count):
        started = time.perf_counter()
        action(i)
        samples.append((time.perf_counter() - started) * 1000)
    if phase:
        CPU_MS[phase] = round((time.process_time() - cpu) * 1000 / count, 2)
    return samples


def http_floor(base: str, count: int) -> list[float]:
    """The same server answering its cheapest endpoint: what HTTP and Flask cost by themselves."""
    client = requests.Session()
    timed(min(100, count), lambda i: client.get(f"{base}/api/v1/health").raise_for_status())
    return timed(count, lambda i: client.get(f"{base}/api/v1/health").raise_for_status(), "health")


def http_taps(base: str, device_key: str, uids: list[str]) -> list[float]:
    client = requests.Session()
    headers = {"X-Device-Key": device_key}

    def tap(i: int) -> None:
        r = client.post(f"{base}/api/v1/kiosk/card-session", json={"uid": uids[i]}, headers=headers)
        if r.status_code != 201:
            raise RuntimeError(f"tap failed: {r.status_code} {r.text}")

    timed(min(100, len(uids)), tap)  # warm-up: connection, caches, compiled statements
    return timed(len(uids), tap, "http_tap")


LOOKUP = (
    "SELECT id, member_id, state FROM cards WHERE uid_hash = :h",
    "SELECT m.name, m.id_number, m.phone, m.status, m.monthly_dues_fen, m.archived, o.name"
    " FROM members m JOIN organizations o ON o.id = m.org_id WHERE m.id = :member",
    "SELECT month, due_fen, paid_fen, waived FROM dues_months"
    " WHERE member_id = :member AND year = :year",
    "SELECT coalesce(sum(due_fen - paid_fen), 0) FROM dues_months WHERE member_id = :member"
    " AND (year < :year OR (year = :year AND month < :month)) AND waived = :no"
    " AND due_fen IS NOT NULL AND paid_fen < due_fen",
)


def raw_lookups(engine: Engine, uids: list[str], today: date, write: bool) -> list[float]:
    """The kiosk's read path done by hand; with ``write``, also the session row and commit."""
    statements = [text(s) for s in LOOKUP]
    insert = text(
        "INSERT INTO kiosk_sessions (token_hash, device_id, member_id, card_id, created_at,"
        " expires_at) VALUES (:token, 1, :member, :card, :now, :now)"
    )
    with engine.connect() as conn:

        def lookup(i: int) -> None:
            card = conn.execute(statements[0], {"h": uid_hash(uids[i], UID_KEY)}).one()
            args = {"member": card.member_id, "year": today.year, "month": today.month}
            conn.execute(statements[1], args).one()
            conn.execute(statements[2], args).all()
            conn.execute(statements[3], {**args, "no": False}).scalar()
            if write:
                token = os.urandom(16).hex()
                now = utcnow()
                params = {"token": token, "member": card.member_id, "card": card.id, "now": now}
                conn.execute(insert, params)
                conn.commit()
            else:
                conn.rollback()

        timed(min(100, len(uids)), lookup)
        return timed(len(uids), lookup, "raw_sql_write" if write else "raw_sql")


def settle(url: str) -> None:
    """After a bulk load: vacuum, fresh statistics, and the dirty pages written out, so that the
    first timed commits do not queue behind a checkpoint of the whole generated district."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("VACUUM ANALYZE"))
            conn.execute(text("CHECKPOINT"))
        else:
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()


def open_next_year(url: str, year: int) -> dict[str, Any]:
    engine = make_engine(url)
    with make_session_factory(engine)() as session:
        started = time.perf_counter()
        result = dues_year.open_year(session, Actor.system("bench"), year, backup=True)
        session.commit()
        seconds = time.perf_counter() - started
    engine.dispose()
    return {
        "year": year,
        "rows": result.rows_created,
        "backup_rows": result.backup_rows,
        "seconds": round(seconds, 2),
    }


def dues_import(url: str, year: int, rows: int, workdir: Path) -> dict[str, Any]:
    """Pay ``rows`` member-months of ``year`` for the big branch from an .xlsx and a .csv."""
    engine = make_engine(url)
    with engine.connect() as conn:
        members = (
            conn.execute(
                text(
                    "SELECT m.id_number FROM members m JOIN organizations o ON o.id = m.org_id"
                    " WHERE o.code = :code ORDER BY m.id"
                ),
                {"code": BIG_BRANCH_CODE},
            )
            .scalars()
            .all()
        )
        dues: dict[str, int] = dict(
            conn.execute(text("SELECT id_number, monthly_dues_fen FROM members")).tuples().all()
        )
    today = hall_clock.today()
    table = [
        (number, "", year, month, f"{dues[number] / 100:.2f}", today.isoformat())
        for number in members
        for month in range(1, 13)
    ][:rows]
    header = ("身份证号", "卡号", "年", "月", "金额", "缴费日期")
    csv_path, xlsx_path = workdir / "dues.csv", workdir / "dues.xlsx"
    with csv_path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(table)
    _write_xlsx(xlsx_path, header, table)
    figures: dict[str, Any] = {"rows": len(table)}
    figures["csv_read_s"] = round(_read_seconds(csv_path), 2)
    started = time.perf_counter()
    parsed = list(read_table(xlsx_path))
    figures["xlsx_read_s"] = round(time.perf_counter() - started, 2)
    with make_session_factory(engine)() as session:
        branch = session.scalars(
            select(Organization).where(Organization.code == BIG_BRANCH_CODE)
        ).one()
        started = time.perf_counter()
        result = dues_imports.import_dues(
            session, Actor.system("bench"), branch, parsed, today=today
        )
        session.commit()
        figures["validate_and_write_s"] = round(time.perf_counter() - started, 2)
    figures["total_from_xlsx_s"] = round(
        figures["xlsx_read_s"] + figures["validate_and_write_s"], 2
    )
    figures["payments"] = result.payments
    engine.dispose()
    return figures


def _read_seconds(path: Path) -> float:
    started = time.perf_counter()
    list(read_table(path))
    return time.perf_counter() - started


def _write_xlsx(path: Path, header: tuple[str, ...], table: list[tuple[Any, ...]]) -> None:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("党费缴纳")
    sheet.append(header)
    for row in table:
        sheet.append(row)
    book.save(path)


@contextmanager
def database(kind: str, workdir: Path, pg_fsync: bool) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{workdir / 'bench.db'}"
        return
    cluster = PgCluster.start()
    try:
        if pg_fsync:  # the test cluster runs with fsync=off; a benchmark should not
            data = cluster.root / "data"
            options = (
                f"-c listen_addresses=127.0.0.1 -p {cluster.port} -k {cluster.root}"
                " -c shared_buffers=256MB -c max_connections=200"
            )
            _as_postgres(
                [
                    _bin("pg_ctl"),
                    "-w",
                    "-D",
                    str(data),
                    "-l",
                    str(cluster.root / "log"),
                    "-o",
                    options,
                    "restart",
                ]
            )
        admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE bench"))
        admin.dispose()
        yield cluster.url_for("bench")
    finally:
        cluster.stop()


def run(kind: str, args: argparse.Namespace) -> Result:
    result = Result(kind, args.members, args.taps)
    with tempfile.TemporaryDirectory(prefix="hall-bench-") as tmp:
        workdir = Path(tmp)
        with database(kind, workdir, not args.pg_fsync_off) as url:
            print(f"[{kind}] 生成 {args.members} 名党员的合成区 …", flush=True)
            info = generate(url, members=args.members, uid_key=UID_KEY)
            result.generate_s = {k: round(v, 1) for k, v in info.seconds.items()}
            settle(url)
            rng = random.Random(2026)
            uids = [uid_for(rng.randint(1, args.members)) for _ in range(args.taps)]
            settings = Settings(
                database_url=url,
                secret_key="bench",
                card_uid_key=UID_KEY,
                card_no_digits=6,
                kiosk_session_seconds=120,
            )
            print(f"[{kind}] HTTP 刷卡 {args.taps} 次 …", flush=True)
            with serve(settings) as base:
                result.http_ms = percentiles(http_taps(base, info.device_key, uids))
                result.http_floor_ms = percentiles(http_floor(base, args.taps))
            engine = make_engine(url)
            today = hall_clock.today()
            result.raw_sql_ms = percentiles(raw_lookups(engine, uids, today, write=False))
            result.raw_sql_with_write_ms = percentiles(raw_lookups(engine, uids, today, write=True))
            engine.dispose()
            result.cpu_ms_per_action = dict(CPU_MS)
            result.load_average = " ".join(f"{x:.1f}" for x in os.getloadavg())
            print(f"[{kind}] 建立 {info.year + 1} 年度台账 …", flush=True)
            result.open_year = open_next_year(url, info.year + 1)
            if not args.skip_import:
                print(f"[{kind}] 导入 {args.import_rows} 行党费 …", flush=True)
                result.dues_import = dues_import(url, info.year + 1, args.import_rows, workdir)
    return result


def machine() -> dict[str, str]:
    cpu = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {
        "cpu": cpu,
        "cores": str(os.cpu_count()),
        "memory": f"{memory:.0f} GB",
        "os": platform.platform(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "load": " ".join(f"{x:.1f}" for x in os.getloadavg()),
    }


def _line(label: str, ms: dict[str, float]) -> str:
    return f"  {label:<14}" + "  ".join(f"{k} {ms[k]:6.2f} ms" for k in ("p50", "p95", "p99"))


def report(results: list[Result]) -> None:
    print()
    for r in results:
        ratio = r.http_ms["p95"] / r.raw_sql_ms["p95"]
        print(f"== {r.database}: {r.members} 名党员, {r.taps} 次刷卡 ==")
        print(_line("HTTP 刷卡", r.http_ms))
        print(_line("HTTP 空接口", r.http_floor_ms))
        print(_line("直接 SQL 查询", r.raw_sql_ms))
        print(_line("SQL+写会话", r.raw_sql_with_write_ms))
        print(f"  HTTP p95 / SQL p95 = {ratio:.1f}×   （目标：p95 ≤ 20 ms 且 ≤ 3×）")
        print(f"  本进程每次 CPU 毫秒：{r.cpu_ms_per_action}；测量时负载 {r.load_average}")
        y = r.open_year
        print(f"  建立 {y['year']} 年度台账：{y['rows']} 行", end="")
        print(f" + 备份 {y['backup_rows']} 行，{y['seconds']} 秒")
        if r.dues_import:
            d = r.dues_import
            print(f"  党费导入 {d['rows']} 行：读 xlsx {d['xlsx_read_s']} 秒", end="")
            print(
                f"（csv {d['csv_read_s']} 秒），校验+写入 {d['validate_and_write_s']} 秒，", end=""
            )
            print(f"合计 {d['total_from_xlsx_s']} 秒，{d['payments']} 笔缴费")
        print(f"  生成合成区：{r.generate_s}")


def main() -> None:
    parser = argparse.ArgumentParser(description="党员服务大厅后端基准测试")
    parser.add_argument("--db", choices=["postgresql", "sqlite", "both"], default="both")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--taps", type=int, default=2000)
    parser.add_argument("--import-rows", type=int, default=100_000)
    parser.add_argument("--skip-import", action="store_true")
    parser.add_argument(
        "--pg-fsync-off", action="store_true", help="keep the test cluster's fsync=off"
    )
    args = parser.parse_args()
    kinds = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    info = machine()
    print("机器：", info)
    results = [run(kind, args) for kind in kinds]
    report(results)
    OUT.mkdir(exist_ok=True)
    path = OUT / f"backend-{time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(
        json.dumps(
            {"machine": info, "results": [asdict(r) for r in results]}, ensure_ascii=False, indent=2
        )
    )
    print(f"\n已写入 {path}")


if __name__ == "__main__":
    main()
