"""Kiosk taps stay fast while a district ledger export runs and 32 clients flood the sign-in
with wrong passwords (issue 13, item 1): the real backend as a subprocess on loopback, served as
the hall serves it — waitress (``./hall run``) on SQLite, gunicorn with deploy/gunicorn.conf.py
(production) on PostgreSQL — real threads, bounded load (a 5,000-member district, 60 taps 0.1 s
apart). The scenario lives in ``bench/hall_under_load.py``, which also prints the figures
recorded in bench/RESULTS.md ("Taps under load").

Before read-only transactions the export held SQLite's write lock for its whole run and every
bogus sign-in held it for its scrypt check: taps waited seconds or failed with "database is
locked". Later, under waitress, one tap in a hundred waited 1–5 s: the flood's parallel sign-ins
each held one of waitress's 8 threads while waiting for the one password-check thread, and the
tap queued behind them (now at most ``sign_in_check_turns`` wait; the rest are refused at once).

The target is p95 ≤ 100 ms. It is met on SQLite, the embedded default, and asserted there; on
PostgreSQL it is not met yet (about 115 ms on the standard machine, bench/RESULTS.md "Taps under
load"), so there the test holds the line at 250 ms — what it guards is the tail that once took
seconds, not the target. On a shared CI machine the same taps are slower with no load at
all, so the bound is scaled by how much slower this run's quiet taps were than on the standard
machine (about 15 ms); the slowest tap must stay under a second whatever the machine.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.hall_under_load import postgres_database, scenario

MEMBERS = 5_000
TAPS = 60
TARGET_P95_MS = 100.0
# PostgreSQL does not meet the target yet (module docstring): the bound it is held to instead.
HELD_P95_MS = {"sqlite": TARGET_P95_MS, "postgres": 250.0}
QUIET_P95_ON_THE_STANDARD_MACHINE_MS = 15.0
# A tap that queued behind the flood's sign-ins waited 1.1–4.9 s (bench/RESULTS.md).
QUEUED_MS = 1_000


@pytest.mark.parametrize(("kind", "server"), [("sqlite", "waitress"), ("postgres", "gunicorn")])
def test_taps_stay_fast_during_an_export_and_a_login_flood(
    kind: str, server: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    if kind == "sqlite":
        url = f"sqlite:///{tmp_path / 'hall.db'}"
    else:
        url = postgres_database(
            request.getfixturevalue("pg_cluster"), f"load_{tmp_path.name[-12:]}"
        )
    figures = scenario(url, MEMBERS, TAPS, 0.1, log=tmp_path / "backend.log", server_kind=server)
    summary = figures.summary()
    print(summary)  # the figures of this run (bench/RESULTS.md has the measured ones)
    assert figures.tap_failures == [], summary
    assert figures.export_status == 200 and figures.export_bytes > 100_000, summary
    # the export really overlapped (on a quiet machine it takes only ~8 s of the ~12 s of taps)
    assert figures.taps_during_export >= TAPS // 3, summary
    assert figures.logins >= 32 and set(figures.login_statuses) <= {401, 429}, summary
    slower = max(1.0, figures.quiet_p95() / QUIET_P95_ON_THE_STANDARD_MACHINE_MS)
    assert figures.p95() <= HELD_P95_MS[kind] * slower, summary
    assert max(figures.taps_ms) < QUEUED_MS * slower, summary
