"""The hall's kiosks and counters as the simulated year drives them: the real HTTP clients
(``kiosk/client.py`` and the counter's staff calls), without their Kivy screens — those are
tested on their own (tests/kiosk, tests/e2e); here what matters is what reaches the backend
and the printer.

Both retry as the real programs do when the backend is away: a kiosk tap starts over, a payment
is sent again with the same idempotency key.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from backend.services.money import format_yuan, parse_yuan
from kiosk.client import ApiError, BackendClient
from kiosk.counter.printouts import transfer_jobs
from tests.simyear.devices import CardDesk, PrintStation

OFFLINE_PATIENCE = 90.0  # seconds a client keeps retrying while the backend restarts


def _now(callback: Callable[[], None]) -> None:
    callback()  # no UI thread here: callbacks run where the answer arrives


def _ignore(_value: Any) -> None:
    return None


def wait(make: Callable[[], Future[Any]]) -> Any:
    """``make()``'s answer, sending it again while the backend is unreachable."""
    deadline = time.monotonic() + OFFLINE_PATIENCE
    while True:
        try:
            return make().result()
        except ApiError as error:
            if not error.offline or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@dataclass
class KioskFigures:
    taps: int = 0
    card_reader_taps: int = 0
    statements: int = 0
    taps_repeated: int = 0


class Kiosk:
    def __init__(
        self, url: str, key: str, station: PrintStation, desk: CardDesk | None = None
    ) -> None:
        self.client = BackendClient(url, key, deliver=_now, timeout=10.0, workers=1)
        self.station = station
        self.desk = desk
        self.figures = KioskFigures()

    def tap(self, uid: str, statement: bool) -> None:
        """A member taps a card, reads the summary, maybe prints a statement, walks away."""
        if self.desk is not None:
            uid = self.desk.tap(uid)
            self.figures.card_reader_taps += 1
        for attempt in range(3):
            try:
                self._session(uid, statement)
                break
            except ApiError as error:
                if error.status != 401 or attempt == 2:
                    raise  # a session lost to a restart: the member taps again
                self.figures.taps_repeated += 1
        self.figures.taps += 1

    def _session(self, uid: str, statement: bool) -> None:
        c = self.client
        opened = wait(lambda: c.open_card_session(uid, _ignore, _ignore))
        token = opened["token"]
        wait(lambda: c.member_summary(token, _ignore, _ignore))
        if statement:
            answer = wait(lambda: c.statement(token, _ignore, _ignore))
            self.station.submit(answer["document"])
            self.figures.statements += 1
        wait(lambda: c.end_session(token))

    def close(self) -> None:
        self.client.close()


@dataclass
class Believed:
    """What a counter believes it did: the payments (by idempotency key) and voids."""

    payments: dict[str, dict[str, Any]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)
    voided: set[int] = field(default_factory=set)
    transfers: int = 0
    # 日结: (hall day, net total the close states, net total of the day's payments as taken)
    closes: list[tuple[str, int, int]] = field(default_factory=list)


class Counter:
    def __init__(
        self, url: str, key: str, username: str, password: str, station: PrintStation
    ) -> None:
        self.client = BackendClient(url, key, deliver=_now, timeout=10.0, workers=2)
        self.username, self.password = username, password
        self.station = station
        self.token: str | None = None
        self.believed = Believed()
        self.today: list[int] = []  # payment ids taken today (voids pick from them)

    def _login(self) -> str:
        c = self.client
        answer = wait(lambda: c.staff_login(self.username, self.password, _ignore, _ignore))
        self.token = str(answer["token"])
        return self.token

    def call(self, method: str, path: str, **options: Any) -> Any:
        for _ in range(2):
            token = self.token or self._login()
            send = partial(self.client.staff, token, method, path, _ignore, _ignore, **options)
            try:
                return wait(send)
            except ApiError as error:
                if error.status != 401:
                    raise
                self.token = None  # the token expired overnight: sign in again
        raise AssertionError("sign-in keeps failing")

    def owed_months(self, member_id: int, years: tuple[int, ...]) -> list[tuple[str, int]]:
        owed: list[tuple[str, int]] = []
        for year in years:
            ledger = self.call("GET", f"/members/{member_id}/ledger", params={"year": year})
            for month in ledger["months"]:
                if month["month"] in ledger["unpaid_months"] and month["due"] is not None:
                    left = parse_yuan(month["due"]) - parse_yuan(month["paid"])
                    owed.append((month["month"], left))
        return sorted(owed)

    def pay(
        self,
        member_id: int,
        years: tuple[int, ...],
        rng: random.Random,
        key: str,
        crash: Callable[[str], None] | None = None,
    ) -> None:
        """Take 1–3 of the oldest owed months. ``crash`` (given the key) kills the backend
        while the request is on its way; the payment is then sent again with the same key, as
        the clerk's retry does."""
        months = self.owed_months(member_id, years)[: rng.randint(1, 3)]
        if not months:
            return
        body = {
            "months": [m for m, _ in months],
            "method": "cash",
            "expected_total": format_yuan(sum(a for _, a in months)),
            "idempotency_key": key,
        }
        path = f"/members/{member_id}/payments"
        if crash is not None:
            token = self.token or self._login()
            first = self.client.staff(token, "POST", path, _ignore, _ignore, json=body)
            crash(key)
            try:
                first.result()
            except ApiError as error:
                if not error.offline:
                    raise
        try:
            answer = self.call("POST", path, json=body)
        except ApiError as error:
            if error.status != 409:
                raise
            self.believed.refused.append(key)
            return
        self.believed.payments[key] = answer
        self.today.append(answer["id"])
        self.station.submit(answer["document"], job_id=f"slip-{answer['slip_no']}")

    def void(self, rng: random.Random) -> None:
        open_ids = [p for p in self.today if p not in self.believed.voided]
        if not open_ids:
            return
        payment_id = rng.choice(open_ids)
        self.call("POST", f"/payments/{payment_id}/void", json={"reason": "收款录入有误"})
        self.believed.voided.add(payment_id)

    def transfer(self, member_id: int, to_org_id: int) -> None:
        body = {"member_id": member_id, "to_org_id": to_org_id}
        result = self.call("POST", "/transfers/within", json=body)
        for job_id, document in transfer_jobs(result):
            self.station.submit(document, job_id=job_id)
        self.believed.transfers += 1

    def close_day(self) -> None:
        """日结 at the end of the day, its sheet printed as the counter prints it."""
        answer = self.call("POST", "/counter/day-close", json={})
        stated = parse_yuan(answer["net_cash"]) + parse_yuan(answer["net_bank"])
        amounts = {p["id"]: parse_yuan(p["amount"]) for p in self.believed.payments.values()}
        taken = sum(amounts[i] for i in self.today if i not in self.believed.voided)
        self.believed.closes.append((answer["hall_day"], stated, taken))
        job = f"day-close-{answer['hall_day']}-{answer['operator']}"
        self.station.submit(answer["document"], job_id=job)
        self.today = []

    def close(self) -> None:
        self.client.close()
