"""The demo district's payment history: last year's and this year's ledger, and real payments.

Both years are opened with the dues-year service (the same ``INSERT … SELECT`` the hall uses).
Each member then pays in periods of 1, 3, 6 or 12 months, every period one ``Payment`` with its
items and a slip number from that year's gap-free sequence, except for the last N past months
of a member who is N months behind — counted back from last month on the day the demo is made,
so the kiosk shows exactly N consecutive unpaid months that day.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from backend.models import DuesMonth, SlipSequence
from backend.models.base import utcnow
from backend.services import dues_year, hall_clock
from backend.services.actor import Actor
from backend.services.bulk import NewPayment, PaidMonth, write_payments
from backend.services.demo_people import Person
from backend.settings import DuesSettings


@dataclass(frozen=True)
class LedgerStats:
    ledger_rows: int
    payments: int
    paid_months: int


@dataclass
class _Payment:
    member_id: int
    org_id: int
    paid_on: date
    months: list[tuple[int, int, int, int]]  # (ledger id, year, month, due fen)


def _paid_months(
    months: list[tuple[int, int, int, int]], person: Person, today: date, rng: random.Random
) -> list[tuple[int, int, int, int]]:
    """Which ledger months this member has paid on the demo day."""
    now = (today.year, today.month)
    past = [m for m in months if (m[1], m[2]) < now]
    behind = min(person.behind, len(past))
    if behind:
        return past[: len(past) - behind]
    # Up to date: paid through the end of the current period (a yearly payer pays in January).
    period_end = ((today.month - 1) // person.period + 1) * person.period
    if person.period == 1 and rng.random() < 0.5:
        period_end -= 1  # this month not paid yet — not late either
    return past + [m for m in months if m[1] == today.year and today.month <= m[2] <= period_end]


def _periods(
    paid: list[tuple[int, int, int, int]], period: int
) -> list[list[tuple[int, int, int, int]]]:
    """Consecutive paid months grouped by the member's payment period (aligned to the year)."""
    groups: list[list[tuple[int, int, int, int]]] = []
    last_key = None
    for month in paid:
        key = (month[1], (month[2] - 1) // period)
        if key != last_key:
            groups.append([])
            last_key = key
        groups[-1].append(month)
    return groups


def _pay_day(first: tuple[int, int], joined: date, today: date, rng: random.Random) -> date:
    day = date(first[0], first[1], rng.randint(3, 26))
    return min(max(day, joined), today)


def record_history(
    session: Session,
    actor: Actor,
    people: dict[int, Person],
    operator: str,
    today: date,
    dues: DuesSettings,
    rng: random.Random,
) -> LedgerStats:
    """Open last year and this year for every member, then record their payments."""
    dues_year.open_year(session, actor, today.year - 1, backup=False)
    dues_year.open_year(session, actor, today.year, backup=True)
    by_member: dict[int, list[tuple[int, int, int, int]]] = {}
    orgs: dict[int, int] = {}
    rows = session.execute(
        select(
            DuesMonth.id,
            DuesMonth.member_id,
            DuesMonth.org_id,
            DuesMonth.year,
            DuesMonth.month,
            DuesMonth.due_fen,
        )
        .where(DuesMonth.year >= today.year - 1)
        .order_by(DuesMonth.member_id, DuesMonth.year, DuesMonth.month)
    ).all()
    for ledger_id, member_id, org_id, year, month, due in rows:
        by_member.setdefault(member_id, []).append((ledger_id, year, month, due or 0))
        orgs[member_id] = org_id
    payments: list[_Payment] = []
    for member_id, months in by_member.items():
        person = people[member_id]
        for group in _periods(_paid_months(months, person, today, rng), person.period):
            paid_on = _pay_day((group[0][1], group[0][2]), person.values["joined_date"], today, rng)
            payments.append(_Payment(member_id, orgs[member_id], paid_on, group))
    payments.sort(key=lambda p: (p.paid_on, p.member_id))
    _write(session, actor, payments, operator, dues, rng)
    return LedgerStats(len(rows), len(payments), sum(len(p.months) for p in payments))


def _write(
    session: Session,
    actor: Actor,
    payments: list[_Payment],
    operator: str,
    dues: DuesSettings,
    rng: random.Random,
) -> None:
    sequences: dict[int, int] = {}
    new = []
    now = utcnow()
    for p in payments:
        seq = sequences.get(p.paid_on.year, 0) + 1
        sequences[p.paid_on.year] = seq
        moment = hall_clock.local_moment_utc(p.paid_on, time(9), dues.timezone)
        moment += timedelta(minutes=rng.randrange(8 * 60))
        months = [PaidMonth(i, y, m, due, due) for i, y, m, due in p.months]
        new.append(
            NewPayment(
                member_id=p.member_id,
                org_id=p.org_id,
                slip_year=p.paid_on.year,
                slip_seq=seq,
                method="bank" if rng.random() < 0.2 else "cash",
                idempotency_key=f"demo-{p.paid_on.year}-{seq}",
                operator=operator,
                created_at=min(moment, now),
                months=months,
            )
        )
    write_payments(session, actor, "payment.create", new)
    session.execute(
        insert(SlipSequence), [{"year": y, "last_seq": n} for y, n in sorted(sequences.items())]
    )
    session.flush()
