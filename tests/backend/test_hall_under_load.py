"""Kiosk taps stay fast while a district ledger export runs and 32 clients flood the sign-in
with wrong passwords (issue 13, item 1): the real backend as a subprocess on loopback, real
threads, bounded load (a 5,000-member district, 60 taps 0.1 s apart), on both databases.

Before read-only transactions the export held SQLite's write lock for its whole run and every
bogus sign-in held it for its scrypt check: taps waited seconds or failed with "database is
locked". The scenario lives in ``bench/hall_under_load.py``, which also prints the figures
recorded in bench/RESULTS.md.

The limit is the issue's: p95 ≤ 100 ms. On a machine shared with other jobs (load average
above the number of cores when the test starts) taps are slow even on a quiet hall, so there
the test holds the load's share to 100 ms: busy p95 − quiet p95 (same run, same server).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.hall_under_load import postgres_database, scenario

MEMBERS = 5_000
TAPS = 60
P95_LIMIT_MS = 100


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_taps_stay_fast_during_an_export_and_a_login_flood(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'hall.db'}"
    else:
        url = postgres_database(
            request.getfixturevalue("pg_cluster"), f"load_{tmp_path.name[-12:]}"
        )
    shared = os.getloadavg()[0] > (os.cpu_count() or 1)
    figures = scenario(url, MEMBERS, TAPS, 0.1, log=tmp_path / "backend.log")
    summary = figures.summary()
    assert figures.tap_failures == [], summary
    assert figures.export_status == 200 and figures.export_bytes > 100_000, summary
    assert figures.taps_during_export >= TAPS // 2, summary  # the export really overlapped
    assert figures.logins >= 32 and set(figures.login_statuses) <= {401, 429}, summary
    added = figures.p95() - (figures.quiet_p95() if shared else 0)
    assert added <= P95_LIMIT_MS, summary
