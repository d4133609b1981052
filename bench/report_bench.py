"""Annual dues report for a whole district on PostgreSQL, beside the same aggregate in raw SQL.

A throw-away cluster (``tests.pg.PgCluster``) gets a synthetic district from
``bench.generate_district`` — by default 1,000,000 members in 2,000 branches under 20 党委 and a
year of ledger (12,000,000 rows), loaded with COPY. Then the report service
(``services.reports.dues_report``) and hand-written SQL computing the same per-党委 figures run in
the same session, interleaved, several times each, and must agree to the fen. It prints
figures; it does not pass or fail.

    .venv/bin/python -m bench.report_bench              # 1,000,000 members (~8 minutes)
    .venv/bin/python -m bench.report_bench --members 100000
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from backend.services import reports
from backend.services.actor import Actor
from bench.generate_district import generate
from tests.pg import PgCluster

YEAR = 2025

# The same aggregate, written by hand: ledger months → their organization → the 党委 above it
# (the third path segment), the same five figures summed per 党委.
RAW_SQL = """
SELECT c.id, c.code,
       SUM(d.due_fen) FILTER (WHERE NOT d.waived) AS due,
       SUM(d.paid_fen) AS paid,
       SUM(d.due_fen - d.paid_fen) FILTER (WHERE NOT d.waived AND d.due_fen > d.paid_fen) AS unpaid,
       COUNT(*) FILTER (WHERE d.waived) AS waived,
       COUNT(*) FILTER (WHERE NOT d.waived AND d.due_fen IS NULL) AS pending
FROM dues_months d
JOIN organizations o ON o.id = d.org_id
JOIN organizations c ON c.id = split_part(o.path, '/', 3)::int
WHERE d.year = :year AND d.month BETWEEN 1 AND 12
GROUP BY c.id, c.code
ORDER BY c.code
"""

# The same again, aggregated per organization first and rolled up to the 党委 afterwards: the
# fastest form found by hand, and the one the service is held to.
RAW_SQL_ROLLUP = """
WITH per_org AS (
  SELECT d.org_id,
         SUM(d.due_fen) FILTER (WHERE NOT d.waived) AS due,
         SUM(d.paid_fen) AS paid,
         SUM(d.due_fen - d.paid_fen) FILTER (WHERE NOT d.waived AND d.due_fen > d.paid_fen)
           AS unpaid,
         COUNT(*) FILTER (WHERE d.waived) AS waived,
         COUNT(*) FILTER (WHERE NOT d.waived AND d.due_fen IS NULL) AS pending
  FROM dues_months d
  WHERE d.year = :year AND d.month BETWEEN 1 AND 12
  GROUP BY d.org_id
)
SELECT c.id, c.code, SUM(p.due), SUM(p.paid), SUM(p.unpaid), SUM(p.waived), SUM(p.pending)
FROM per_org p
JOIN organizations o ON o.id = p.org_id
JOIN organizations c ON c.id = split_part(o.path, '/', 3)::int
GROUP BY c.id, c.code
ORDER BY c.code
"""


def _interleaved(subjects: dict[str, Callable[[], Any]], runs: int) -> tuple[dict, dict]:
    """Run each subject once per round, ``runs`` rounds: on a shared machine, load drifts hit
    every subject alike. Returns the times per subject and each subject's last result."""
    times: dict[str, list[float]] = {name: [] for name in subjects}
    results: dict[str, Any] = {}
    for _ in range(runs):
        for name, fn in subjects.items():
            start = time.perf_counter()
            results[name] = fn()
            times[name].append(time.perf_counter() - start)
    return times, results


def load(url: str, members: int) -> dict[str, float]:
    """The district from ``bench.generate_district`` (COPY), then VACUUM ANALYZE."""
    started = time.perf_counter()
    info = generate(url, members=members, year=YEAR, uid_key="bench-card-key")
    figures = {f"{k}_s": v for k, v in info.seconds.items()}
    figures["generate_s"] = time.perf_counter() - started
    started = time.perf_counter()
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.exec_driver_sql("VACUUM ANALYZE")
    engine.dispose()
    figures["vacuum_s"] = time.perf_counter() - started
    return figures


def run(url: str, runs: int) -> dict[str, Any]:
    engine = create_engine(url)
    actor = Actor.system("bench")
    period = reports.Period(YEAR)
    with Session(engine) as session:

        def raw(sql: str) -> Callable[[], Any]:
            return lambda: session.execute(text(sql), {"year": YEAR}).all()

        times, results = _interleaved(
            {
                "report": lambda: reports.dues_report(session, actor, 1, period),
                "raw": raw(RAW_SQL),
                "rollup": raw(RAW_SQL_ROLLUP),
                "quarter": lambda: reports.dues_report(
                    session, actor, 1, reports.Period.quarter(YEAR, 2)
                ),
                "committee": lambda: reports.dues_report(session, actor, 2, period),
            },
            runs,
        )
    engine.dispose()
    report, raw_rows, rollup_rows = results["report"], results["raw"], results["rollup"]
    service = {
        r.key: (
            r.figures.due_fen,
            r.figures.paid_fen,
            r.figures.unpaid_fen,
            r.figures.waived_months,
            r.figures.pending_months,
        )
        for r in report.rows
        if r.figures.due_fen or r.figures.paid_fen  # the raw query has no rows for empty 党委
    }
    hand = {code: tuple(int(v or 0) for v in values) for _id, code, *values in raw_rows}
    rolled = {code: tuple(int(v or 0) for v in values) for _id, code, *values in rollup_rows}
    if not service == hand == rolled:
        raise SystemExit("the report and the raw queries disagree")
    return {
        **times,
        "total_due": report.total.due_fen,
        "total_paid": report.total.paid_fen,
        "rows": len(report.rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    cluster = PgCluster.start()
    try:
        admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql("CREATE DATABASE bench")
        admin.dispose()
        url = cluster.url_for("bench")
        started = time.perf_counter()
        loading = load(url, args.members)
        print(
            f"loaded {args.members:,} members, {args.members * 12:,} ledger rows in "
            f"{time.perf_counter() - started:.0f} s: "
            + ", ".join(f"{k}={v:.1f}" for k, v in loading.items())
        )
        result = run(url, args.runs)
    finally:
        cluster.stop()
    med = {
        k: statistics.median(result[k]) for k in ("report", "raw", "rollup", "quarter", "committee")
    }
    print(
        f"district annual report ({result['rows']} 党委 rows, due {result['total_due'] / 100:,.2f} "
        f"yuan, paid {result['total_paid'] / 100:,.2f} yuan) — agrees with the raw query"
    )
    for key, label in (
        ("report", "annual report, whole district (service)"),
        ("raw", "same aggregate, raw SQL (join, group by 党委)"),
        ("rollup", "same aggregate, raw SQL (group by org, then roll up)"),
        ("quarter", "quarterly report, whole district"),
        ("committee", "annual report, one 党委"),
    ):
        runs = ", ".join(f"{t:.2f}" for t in result[key])
        print(f"  {label}: median {med[key]:.2f} s (runs: {runs})")
    load1, load5, _load15 = os.getloadavg()
    print(f"  machine load average after the runs: {load1:.1f} (1 min), {load5:.1f} (5 min)")
    best = min(med["raw"], med["rollup"])
    print(f"  service / fastest raw query = {med['report'] / best:.2f}×")


if __name__ == "__main__":
    main()
