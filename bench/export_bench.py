"""Export benchmark: the district ledger, the member roll and a 20,000-line remittance batch as
xlsx at 100,000 members, each beside the xlsx library alone writing the same rows in one run.

The district comes from ``bench.generate_district`` (SQLite by default, or a throw-away
PostgreSQL cluster from ``tests/pg.py``); a draft remittance batch of ``--batch-lines`` items is
added to it directly. Each export runs as the console runs it (``services.finance_docs`` /
``views_member_export.roll_rows`` and ``services.exports.to_xlsx``, in a read-only session);
the baseline takes the export's own rows, already in memory, and only writes them with the
library the export uses (XlsxWriter, constant-memory mode, ``write_row``, no formats) and
saves. The ratio is export ÷ baseline. It prints figures; it does not pass or fail.

    .venv/bin/python -m bench.export_bench                        # SQLite, 100,000 members
    .venv/bin/python -m bench.export_bench --db postgres --members 20000
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from backend.console.views_member_export import COLUMNS, roll_rows
from backend.db import make_engine, make_read_session_factory
from backend.models import Member, Organization, OrgType, RemittanceItemKind, RemittanceState
from backend.services import finance_docs, hall_clock
from backend.services.actor import Actor
from backend.services.exports import Section, Sheet, to_xlsx
from backend.services.member_filters import MemberFilters, member_query
from backend.settings import DuesSettings
from bench.generate_district import generate, write_rows
from tests.pg import PgCluster

ADMIN = Actor.system("bench")


def add_batch(url: str, year: int, lines: int) -> int:
    """A draft batch of the first 党委: ``lines`` one-month payments from ten branches."""
    engine = make_engine(url)
    tables = Organization.metadata.tables
    with Session(engine) as session:
        committee = session.scalars(
            select(Organization).where(Organization.type == OrgType.COMMITTEE).limit(1)
        ).one()
        # the ten fullest branches (at a small --members all sit in the one big branch)
        branches = session.scalars(
            select(Member.org_id).group_by(Member.org_id).order_by(func.count().desc()).limit(10)
        ).all()
        members = {
            b: session.scalars(select(Member.id).where(Member.org_id == b).limit(200)).all()
            for b in branches
        }
    at = hall_clock.stored(datetime(year, 3, 2, 2, tzinfo=UTC))
    payments, items, remitted = [], [], []
    for i in range(lines):
        branch = branches[i % len(branches)]
        member = members[branch][(i // len(branches)) % len(members[branch])]
        month = 1 + (i // (len(branches) * len(members[branch]))) % 12
        payments.append(
            {
                "id": i + 1,
                "slip_year": year,
                "slip_seq": i + 1,
                "member_id": member,
                "org_id": branch,
                "amount_fen": 2000,
                "method": "cash",
                "idempotency_key": f"bench-{i}",
                "operator": "bench",
                "created_at": at,
                "voided": False,
                "reprints": 0,
                "overdue_months": 0,
            }
        )
        items.append(
            {"id": i + 1, "payment_id": i + 1, "year": year, "month": month, "amount_fen": 2000}
        )
        remitted.append(
            {
                "id": i + 1,
                "batch_id": 1,
                "payment_item_id": i + 1,
                "payment_id": i + 1,
                "source_org_id": branch,
                "kind": RemittanceItemKind.COLLECTION,
                "amount_fen": 2000,
                "cleared": False,
            }
        )
    per_branch = lines // len(branches)
    write_rows(engine, tables["payments"], payments)
    write_rows(engine, tables["payment_items"], items)
    write_rows(
        engine,
        tables["remittance_batches"],
        [
            {
                "id": 1,
                "org_id": committee.id,
                "year": year,
                "seq": 1,
                "start_month": 1,
                "end_month": 12,
                "cutoff": date(year, 12, 31),
                "state": RemittanceState.DRAFT,
                "collected_fen": 2000 * lines,
                "correction_fen": 0,
                "upward_fen": 1000 * lines,
                "retained_fen": 1000 * lines,
                "created_at": at,
                "created_by": "bench",
            }
        ],
    )
    write_rows(
        engine,
        tables["remittance_lines"],
        [
            {
                "id": n + 1,
                "batch_id": 1,
                "source_org_id": b,
                "item_count": per_branch,
                "collected_fen": 2000 * per_branch,
                "correction_fen": 0,
                "share_bp": 5000,
                "upward_fen": 1000 * per_branch,
                "retained_fen": 1000 * per_branch,
            }
            for n, b in enumerate(branches)
        ],
    )
    write_rows(engine, tables["remittance_items"], remitted)
    engine.dispose()
    return 1


def library_alone(sheet: Sheet, rows: list) -> bytes:
    """The floor: the same rows written by the export's library, no formats, nothing else."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "strings_to_formulas": False})
    ws = book.add_worksheet(sheet.title[:31])
    ws.write_row(0, 0, [sheet.title])
    ws.write_row(1, 0, [c.label for c in sheet.columns])
    at = 2
    for row in rows:
        ws.write_row(at, 0, [row.text] if isinstance(row, Section) else row)
        at += 1
    if sheet.total is not None:
        ws.write_row(at, 0, sheet.total)
    book.close()
    return out.getvalue()


Row = Sequence[Any] | Section


def _kept(rows: Iterable[Row], into: list[Row]) -> Iterator[Row]:
    """The rows as they are written, kept for the baseline."""
    for row in rows:
        into.append(row)
        yield row


def measure(
    name: str, build: Callable[[Session], Sheet], factory: sessionmaker[Session], runs: int
) -> dict:
    exports, floors, export_cpu, floor_cpu, count = [], [], [], [], 0
    for _ in range(runs):
        with factory() as session:
            started, started_cpu = time.perf_counter(), time.process_time()
            sheet = build(session)
            kept: list[Row] = []
            sheet.rows = _kept(sheet.rows, kept)  # type: ignore[assignment]
            data = to_xlsx(sheet)
            exports.append(time.perf_counter() - started)
            export_cpu.append(time.process_time() - started_cpu)
            session.rollback()
        count = len(kept)
        started, started_cpu = time.perf_counter(), time.process_time()
        library_alone(sheet, kept)
        floors.append(time.perf_counter() - started)
        floor_cpu.append(time.process_time() - started_cpu)
    export_s, floor_s = statistics.median(exports), statistics.median(floors)
    result = {
        "export": name,
        "rows": count,
        "bytes": len(data),
        "export_s": round(export_s, 2),
        "library_alone_s": round(floor_s, 2),
        "ratio": round(export_s / floor_s, 2),
        # the process's own CPU (SQLite runs in it): steadier than the wall on a shared machine
        "export_cpu_s": round(statistics.median(export_cpu), 2),
        "library_alone_cpu_s": round(statistics.median(floor_cpu), 2),
        "load": round(os.getloadavg()[0], 1),
    }
    print(result, flush=True)
    return result


def run(url: str, members: int, batch_lines: int, runs: int, only: str | None = None) -> list[dict]:
    year = hall_clock.today().year
    started = time.perf_counter()
    generate(url, members=members, uid_key="bench-card-key", year=year)
    batch_id = add_batch(url, year, batch_lines)
    print(f"generated {members} members in {time.perf_counter() - started:.0f} s", flush=True)
    engine = make_engine(url)
    factory = make_read_session_factory(engine)
    today = date(year, 10, 15)
    dues = DuesSettings()

    def ledger(session: Session) -> Sheet:
        district = session.scalars(
            select(Organization).where(Organization.parent_id.is_(None))
        ).one()
        return finance_docs.ledger_sheet(session, district, year, today, printed_by="bench")

    def roll(session: Session) -> Sheet:
        stmt = member_query(ADMIN, MemberFilters(), today, with_months_behind=True)
        return Sheet("党员名册", COLUMNS, roll_rows(session, stmt), [f"导出日期：{today}"])  # type: ignore[arg-type]

    def batch(session: Session) -> Sheet:
        from backend.models import RemittanceBatch

        found = session.get_one(RemittanceBatch, batch_id)
        return finance_docs.batch_sheet(session, found, dues, printed_on=today, printed_by="b")

    chosen = {"ledger": "district ledger", "roll": "member roll", "batch": "remittance batch"}
    results = [
        measure(n, b, factory, runs)
        for n, b in (
            ("district ledger", ledger),
            ("member roll", roll),
            ("remittance batch", batch),
        )
        if only is None or chosen[only] == n
    ]
    engine.dispose()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--batch-lines", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("ledger", "roll", "batch"), help="one export alone")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}", flush=True)
    if args.db == "postgres":
        cluster = PgCluster.start()
        try:
            run(cluster.url, args.members, args.batch_lines, args.runs, args.only)
        finally:
            cluster.stop()
    else:
        with tempfile.TemporaryDirectory() as folder:
            run(
                f"sqlite:///{Path(folder) / 'bench.db'}",
                args.members,
                args.batch_lines,
                args.runs,
                args.only,
            )
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
