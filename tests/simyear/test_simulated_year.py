"""The simulated year, short form (docs/testing.md, "The simulated year").

Real parts: the backend (a subprocess on SQLite, stopped, killed and started again), the kiosk
and counter HTTP clients, the print queues with their job files and the network printer driver,
pcscd with the vpcd reader (restarted for real). Simulated, and why: the receipt printers
(``FakeNetworkPrinter`` on loopback — no printer is attached to a test machine; it answers the
driver's status queries, so paper-out and power loss look to the queue as they would from a
real one), the cards (a virtual card on vpcd), the clock (the backend runs under time-machine
so a year passes in minutes), and the Kivy screens (not started: they are tested in tests/kiosk
and tests/e2e; here what counts is what reaches the backend and the printers).

The seed is printed; ``HALL_SIM_SEED=<seed>`` replays a run's decisions.
"""

from __future__ import annotations

import os
import random
import tempfile
from pathlib import Path

from tests.simyear.plan import YearConfig
from tests.simyear.year import run_year

SHORT_YEAR = {
    "days": 365,
    "day_step": 33,  # 12 days spread over the year
    "members": 60,
    "taps_per_day": 14,
    "card_reader_taps_per_day": 2,
    "payments_per_day": 4,
    "voids_per_day": 1,
    "transfers_per_day": 1,
    "paper_outs_per_day": 2,
    "power_cycles_per_day": 1,
    "kiosk_restarts_per_day": 1,
    "pcscd_restarts": 2,
    "backend_restarts": 2,
    "payment_crashes": 3,
}


def test_a_short_year_accounts_for_every_payment_and_print_exactly_once(tmp_path: Path) -> None:
    seed = int(os.environ.get("HALL_SIM_SEED") or random.SystemRandom().randrange(10**6))
    print(f"simulated year seed: {seed} (replay: HALL_SIM_SEED={seed})")
    # A short folder name: pcscd and the job files do not mind, error messages stay readable.
    folder = Path(tempfile.mkdtemp(prefix="simyear-", dir=tmp_path))
    report = run_year(YearConfig(seed=seed, **SHORT_YEAR), folder)  # type: ignore[arg-type]
    print(report.figures())
    replay = f"seed {seed} (HALL_SIM_SEED={seed} replays it)"
    assert report.problems == [], f"{replay}: " + "；".join(report.problems)
    assert report.days_simulated == 12, replay
    assert report.last_day > report.first_day, replay
    assert report.taps == 12 * SHORT_YEAR["taps_per_day"], replay
    assert report.backend_restarts == 2 and report.backend_crashes == 3, replay
    assert report.payments > 0 and report.print_jobs >= report.payments, replay
