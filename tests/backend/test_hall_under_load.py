"""Kiosk taps stay fast while a district ledger export runs and 32 clients flood the sign-in
with wrong passwords (issue 13, item 1): the real backend as a subprocess on loopback, real
threads, bounded load (a 5,000-member district, 60 taps 0.1 s apart), on both databases.

Before read-only transactions the export held SQLite's write lock for its whole run and every
bogus sign-in held it for its scrypt check: taps waited seconds or failed with "database is
locked". The scenario lives in ``bench/hall_under_load.py``, which also prints the figures
recorded in bench/RESULTS.md.

What the test holds is what a member at the kiosk would notice: every tap answered, none
waiting behind the export or the flood (the old behaviour was up to 44 s). The p95 target of
100 ms is a speed target: per the project's rule it is measured by the bench and recorded in
bench/RESULTS.md, not enforced here, where a shared CI machine would make it flaky. The test
prints the figures so a run's log shows them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.hall_under_load import postgres_database, scenario

MEMBERS = 5_000
TAPS = 60
# Before, a tap waited behind the export's lock for the whole export (tens of seconds) or
# failed with "database is locked". Now the slowest seen here was 3.8 s on SQLite, where the
# flood's 3,000 refused sign-ins each still write their address's counter (bench/RESULTS.md).
BLOCKED_MS = 10_000


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
    # The threaded development server: a thread per connection, so no tap queues behind the
    # flood's requests (the bench also measures waitress, which ./hall run uses).
    figures = scenario(url, MEMBERS, TAPS, 0.1, log=tmp_path / "backend.log", server_kind="flask")
    summary = figures.summary()
    assert figures.tap_failures == [], summary
    assert figures.export_status == 200 and figures.export_bytes > 100_000, summary
    # the export really overlapped (on a quiet machine it takes only ~8 s of the ~12 s of taps)
    assert figures.taps_during_export >= TAPS // 3, summary
    assert figures.logins >= 32 and set(figures.login_statuses) <= {401, 429}, summary
    print(summary)  # the figures of this run (bench/RESULTS.md has the measured ones)
    assert max(figures.taps_ms) < BLOCKED_MS, summary
