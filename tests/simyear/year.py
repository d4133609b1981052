"""A year in the hall, compressed: kiosks tapping, counters taking payments, voiding and
transferring, while printers run out of paper and lose power, pcscd and the backend restart.

Everything random comes from one ``random.Random(seed)``: which members tap and when, which
faults strike on which day. Threads (one per kiosk) make the interleaving differ between runs,
but every decision replays from the seed. docs/testing.md ("The simulated year").
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from datetime import time as clock_time
from functools import partial
from pathlib import Path

from backend.services import hall_clock
from tests.pg import PgCluster
from tests.simyear.accounts import ledger_paid, payment_problems, print_problems
from tests.simyear.actors import Counter, Kiosk
from tests.simyear.backend import SimBackend
from tests.simyear.devices import CardDesk, PrintStation
from tests.simyear.hall import Hall, build_hall
from tests.simyear.plan import YearConfig, YearReport


def run_year(config: YearConfig, folder: Path) -> YearReport:
    if config.db == "sqlite":
        return _run_year(config, folder, None)
    if config.db != "postgres":
        raise ValueError(f"db: sqlite | postgres, not {config.db!r}")
    cluster = PgCluster.start()
    try:
        return _run_year(config, folder, cluster.url)
    finally:
        cluster.stop()


def _run_year(config: YearConfig, folder: Path, database_url: str | None) -> YearReport:
    rng = random.Random(config.seed)
    report = YearReport(seed=config.seed)
    started = time.monotonic()
    first = hall_clock.today() + timedelta(days=1)
    years = tuple(sorted({first.year, (first + timedelta(days=config.days)).year}))
    hall = build_hall(
        folder,
        members=config.members,
        kiosks=config.kiosks,
        counters=config.counters,
        years=years,
        database_url=database_url,
    )
    paid_before = ledger_paid(hall.database_url)
    opening = datetime.combine(first, clock_time(8, 30), hall_clock.zone())
    backend = SimBackend(hall.database_url, folder, opening)
    desk = CardDesk()
    stations = [PrintStation(folder, f"kiosk-{n + 1:02d}") for n in range(config.kiosks)]
    stations += [PrintStation(folder, f"counter-{n + 1}") for n in range(config.counters)]
    backend.start()
    try:
        kiosks = [
            Kiosk(backend.url, key, stations[n], desk if n == 0 and desk.available else None)
            for n, key in enumerate(hall.kiosk_keys)
        ]
        counters = [
            Counter(backend.url, key, clerk, hall.password, stations[config.kiosks + n])
            for n, (key, clerk) in enumerate(zip(hall.counter_keys, hall.clerks, strict=True))
        ]
        day = _Day(config, hall, backend, desk, stations, kiosks, counters, years, report)
        offsets = list(range(0, config.days, config.day_step))
        faults = {
            name: set(rng.sample(offsets, min(count, len(offsets))))
            for name, count in (
                ("pcscd", config.pcscd_restarts),
                ("restart", config.backend_restarts),
                ("crash", config.payment_crashes),
            )
        }
        for offset in offsets:
            moment = opening + timedelta(days=offset)
            backend.move_clock(max(moment, backend.now() + timedelta(seconds=1)))
            day.run(rng, {name for name, days in faults.items() if offset in days})
            report.days_simulated += 1
            report.last_day = moment.date().isoformat()
        report.first_day = opening.date().isoformat()
        _settle(stations)
        for kiosk in kiosks:
            report.taps += kiosk.figures.taps
            report.card_reader_taps += kiosk.figures.card_reader_taps
            report.statements += kiosk.figures.statements
            report.taps_repeated += kiosk.figures.taps_repeated
        believed = [c.believed for c in counters]
        report.payments = sum(len(b.payments) for b in believed)
        report.payments_refused = sum(len(b.refused) for b in believed)
        report.voids = sum(len(b.voided) for b in believed)
        report.transfers = sum(b.transfers for b in believed)
        report.day_closes = sum(len(b.closes) for b in believed)
        report.print_jobs = sum(len(s.submitted) for s in stations)
        report.backend_restarts, report.backend_crashes = backend.restarts, backend.crashes
        backend.stop()
        report.payment_replays = _replays(backend.log)
        slips = [p["slip_no"] for b in believed for p in b.payments.values()]
        report.problems += payment_problems(hall.database_url, believed, paid_before)
        report.problems += print_problems(stations, slips)
    finally:
        backend.stop()
        for station in stations:
            station.close()
        desk.close()
    report.seconds = round(time.monotonic() - started, 1)
    return report


class _Day:
    """One simulated day: its plan drawn from the shared random source, then carried out."""

    def __init__(
        self,
        config: YearConfig,
        hall: Hall,
        backend: SimBackend,
        desk: CardDesk,
        stations: list[PrintStation],
        kiosks: list[Kiosk],
        counters: list[Counter],
        years: tuple[int, ...],
        report: YearReport,
    ) -> None:
        self.config, self.hall, self.backend, self.desk = config, hall, backend, desk
        self.stations, self.kiosks, self.counters = stations, kiosks, counters
        self.years, self.report = years, report
        self.org_of = {m.id: m.org_id for m in hall.members}
        self.keys = 0

    def run(self, rng: random.Random, faults: set[str]) -> None:
        c = self.config
        taps: list[list[tuple[str, bool]]] = [[] for _ in self.kiosks]
        others = max(1, len(self.kiosks) - 1)
        for n in range(c.taps_per_day):
            # The first kiosk (the one with the PC/SC reader, where it runs) takes a fixed share,
            # so the draws — and a replay — do not depend on whether pcscd is there.
            kiosk = 0 if n < c.card_reader_taps_per_day else 1 + rng.randrange(others)
            kiosk = min(kiosk, len(self.kiosks) - 1)
            member = rng.choice(self.hall.members)
            taps[kiosk].append((member.uid, rng.random() < c.statement_share))
        work = self._counter_work(rng, "crash" in faults)
        struck = rng.sample(self.stations, min(len(self.stations), c.paper_outs_per_day))
        cycled = rng.sample(self.stations, min(len(self.stations), c.power_cycles_per_day))
        restarted = rng.sample(self.stations, min(len(self.stations), c.kiosk_restarts_per_day))
        for station in struck:
            station.paper_out()
        for station in cycled:
            station.power_off()
        self.report.paper_outs += len(struck)
        self.report.power_cycles += len(cycled)
        with ThreadPoolExecutor(max_workers=len(self.kiosks)) as pool:
            pairs = zip(self.kiosks, taps, strict=True)
            tapping = [pool.submit(self._taps, kiosk, plan) for kiosk, plan in pairs]
            half = len(work) // 2
            for step in work[:half]:
                step()
            self._midday(faults, struck, cycled, restarted)
            for step in work[half:]:
                step()
            for done in tapping:
                done.result()
        for counter in self.counters:
            counter.close_day()

    def _midday(
        self,
        faults: set[str],
        struck: list[PrintStation],
        cycled: list[PrintStation],
        restarted: list[PrintStation],
    ) -> None:
        for station in restarted:
            station.restart_app()
        self.report.kiosk_restarts += len(restarted)
        if "pcscd" in faults and self.desk.restart_pcscd():
            self.report.pcscd_restarts += 1
        if "restart" in faults:
            self.backend.restart()  # kiosks tapping meanwhile wait and retry
        for station in struck:
            station.paper_refilled()
        for station in cycled:
            station.power_on()

    def _taps(self, kiosk: Kiosk, taps: list[tuple[str, bool]]) -> None:
        for uid, statement in taps:
            kiosk.tap(uid, statement)

    def _counter_work(self, rng: random.Random, crash: bool) -> list[Callable[[], None]]:
        c = self.config
        work: list[Callable[[], None]] = []
        crash_at = rng.randrange(c.payments_per_day) if crash and c.payments_per_day else -1
        for n in range(c.payments_per_day):
            counter = rng.choice(self.counters)
            member = rng.choice(self.hall.members).id
            self.keys += 1
            key = f"sim-{c.seed}-{self.keys:07d}"
            hook = self._crash(rng) if n == crash_at else None
            pick = random.Random(rng.random())
            work.append(partial(counter.pay, member, self.years, pick, key, crash=hook))
        for _ in range(c.transfers_per_day):
            member = rng.choice(self.hall.members).id
            to_org = rng.choice(self.hall.branch_ids)
            work.append(partial(self._transfer, rng.choice(self.counters), member, to_org))
        for _ in range(c.voids_per_day):
            counter = rng.choice(self.counters)
            work.append(partial(counter.void, random.Random(rng.random())))
        rng.shuffle(work)
        return work

    def _crash(self, rng: random.Random) -> Callable[[str], None]:
        """Half the crashes strike at a random moment (mostly before the commit), half right
        after it (the answer lost): the payment must end up taken once either way."""
        if rng.random() < 0.5:
            return partial(_ignore_key, partial(self.backend.crash_soon, rng.uniform(0, 0.05)))
        return self.backend.crash_after_commit

    def _transfer(self, counter: Counter, member: int, to_org: int) -> None:
        if self.org_of[member] == to_org:
            to_org = next(b for b in self.hall.branch_ids if b != to_org)
        counter.transfer(member, to_org)
        self.org_of[member] = to_org


def _ignore_key(crash: Callable[[], None], _key: str) -> None:
    crash()


def _settle(stations: list[PrintStation], timeout: float = 120.0) -> None:
    """Paper in, power on, and let every queue print what it holds."""
    for station in stations:
        station.paper_refilled()
        if not station.powered:
            station.power_on()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(s.pending() == 0 and _quiet(s) for s in stations):
            return
        time.sleep(0.2)


def _quiet(station: PrintStation) -> bool:
    return all(j.state.value != "printing" for j in station.queue.jobs())


_REPLAY = re.compile(r'"POST /api/v1/members/\d+/payments HTTP/1\.1" 200 ')


def _replays(log: Path | None) -> int:
    """Payments the backend answered 200 (a repeated idempotency key: the original payment)."""
    if log is None or not log.exists():
        return 0
    return len(_REPLAY.findall(log.read_text(errors="replace")))
