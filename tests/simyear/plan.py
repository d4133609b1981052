"""What a simulated year is asked to do (``YearConfig``: the full form's defaults) and what it
reports (``YearReport``: the figures and the problems found)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class YearConfig:
    seed: int
    db: str = "sqlite"  # or "postgres": a throw-away cluster (tests/pg.py)
    days: int = 365  # the span of the year covered
    day_step: int = 1  # simulate every n-th day of it (the short form skips days)
    members: int = 500
    kiosks: int = 10
    counters: int = 2
    taps_per_day: int = 500  # all kiosks together
    statement_share: float = 0.3  # taps that print a dues statement
    card_reader_taps_per_day: int = 20  # of them through the real pcscd
    payments_per_day: int = 40
    voids_per_day: int = 2
    transfers_per_day: int = 2
    paper_outs_per_day: int = 1
    power_cycles_per_day: int = 1
    kiosk_restarts_per_day: int = 1
    pcscd_restarts: int = 6  # over the year
    backend_restarts: int = 6
    payment_crashes: int = 6  # backend killed while a payment is on its way


@dataclass
class YearReport:
    seed: int
    days_simulated: int = 0
    first_day: str = ""
    last_day: str = ""
    taps: int = 0
    card_reader_taps: int = 0
    statements: int = 0
    taps_repeated: int = 0
    payments: int = 0
    payments_refused: int = 0
    payment_replays: int = 0
    voids: int = 0
    transfers: int = 0
    day_closes: int = 0
    print_jobs: int = 0
    paper_outs: int = 0
    power_cycles: int = 0
    kiosk_restarts: int = 0
    pcscd_restarts: int = 0
    backend_restarts: int = 0
    backend_crashes: int = 0
    seconds: float = 0.0
    problems: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if k != "problems"}
