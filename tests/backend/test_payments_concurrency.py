"""Payments under concurrency, on SQLite and on PostgreSQL: threads, each with its own session
and transaction, as the counter windows and a retrying client would produce them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from typing import Any

from sqlalchemy import func, select

from backend.db import unit_of_work
from backend.errors import DomainError
from backend.models import DuesMonth, Member, Payment
from backend.services import payments
from backend.services.actor import Actor
from backend.settings import DuesSettings
from tests.builders import Builders

DUES = DuesSettings()
TODAY = date(2026, 7, 15)
THREADS = 50


def run_at_once(app, jobs: list[Callable[[Any], Any]]) -> list[Any]:  # type: ignore[no-untyped-def]
    """Run each job in its own thread and transaction, all released together. A job's result
    is what it returned, or the DomainError it raised."""
    factory = app.extensions["hall"].session_factory
    barrier = threading.Barrier(len(jobs))

    def run(job: Callable[[Any], Any]) -> Any:
        barrier.wait(timeout=30)
        try:
            with unit_of_work(factory) as session:
                return job(session)
        except DomainError as exc:
            return exc

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        return list(pool.map(run, jobs))


def paying(member_id: int, key: str, **kw: Any) -> Callable[[Any], Any]:
    def job(session):  # type: ignore[no-untyped-def]
        member = session.get(Member, member_id)
        clerk = Actor("user", 1, f"clerk-{key[-2:]}")
        outcome = payments.pay(session, clerk, DUES, member, idempotency_key=key, today=TODAY, **kw)
        p = outcome.payment
        return p.slip_no, outcome.created, [(i.year, i.month) for i in p.items]

    return job


def test_fifty_concurrent_payments(app, build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    """GIVEN 25 members with unpaid months
    WHEN 50 threads pay at once: 40 distinct payments (15 members get two) and 10 retries that
    repeat an earlier request's idempotency key
    THEN there are exactly 40 payments, numbered 1…40 without gap or repeat, every retry got its
    original back, and no month was paid twice."""
    orgs = build.district()
    people = [
        build.member(orgs[("b1", "b2", "b3")[i % 3]], name=f"党员{i:02d}", monthly_fen=1000 + i)
        for i in range(25)
    ]
    for member in people:
        build.ledger(member, 2026)
    db.commit()
    ids = [m.id for m in people]
    jobs = [paying(ids[i % 25], f"concurrent-key-{i:02d}", count=1) for i in range(40)]
    jobs += [paying(ids[i % 25], f"concurrent-key-{i:02d}", count=1) for i in range(10)]
    results = run_at_once(app, jobs)

    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    payments_made = db.scalars(select(Payment).order_by(Payment.slip_seq)).all()
    assert [p.slip_seq for p in payments_made] == list(range(1, 41))
    assert {p.slip_year for p in payments_made} == {2026}
    assert sum(1 for _slip, created, _months in results if created) == 40
    for i in range(10):  # the retry and its original answer with the same slip
        assert results[i][0] == results[40 + i][0]
        assert {results[i][1], results[40 + i][1]} == {True, False}
    # Members 0–14 paid twice: January then February, never the same month twice.
    for index, member_id in enumerate(ids):
        rows = db.scalars(
            select(DuesMonth)
            .where(DuesMonth.member_id == member_id, DuesMonth.paid_fen > 0)
            .order_by(DuesMonth.month)
        ).all()
        assert [r.month for r in rows] == ([1, 2] if index < 15 else [1])
        assert all(r.paid_fen == 1000 + index for r in rows)
    total_paid = db.scalar(select(func.sum(DuesMonth.paid_fen)))
    assert total_paid == sum(p.amount_fen for p in payments_made)


def test_two_counters_paying_the_same_month(app, build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    """Two staff pay March for the same member at the same moment: one succeeds, the other is
    told in Chinese that March is already paid."""
    member = build.member(build.district()["b1"], monthly_fen=7650)
    build.ledger(member, 2026)
    db.commit()
    results = run_at_once(
        app,
        [paying(member.id, f"window-{n}-march-key", months=["2026-03"]) for n in range(1, 5)],
    )
    succeeded = [r for r in results if not isinstance(r, Exception)]
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(succeeded) == 1 and len(refused) == 3
    assert {(r.status, r.message) for r in refused} == {
        (409, "2026年3月的党费已经缴纳，请勿重复缴费")
    }
    assert db.scalar(select(func.count()).select_from(Payment)) == 1


def test_one_key_sent_for_several_members_at_once(app, build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    """A client bug sends one idempotency key for different members at once. The unique key
    decides: exactly one payment exists; the others are refused, and no slip number is lost."""
    orgs = build.district()
    people = [build.member(orgs["b1"], name=f"同键{i}") for i in range(6)]
    for member in people:
        build.ledger(member, 2026)
    db.commit()
    ids = [m.id for m in people]
    results = run_at_once(app, [paying(i, "shared-key-0001", count=1) for i in ids])
    assert sum(1 for r in results if not isinstance(r, Exception)) == 1
    assert all(r.code == "idempotency_key_reused" for r in results if isinstance(r, Exception))
    assert db.scalar(select(func.count()).select_from(Payment)) == 1
    # End this read before more threads write: on SQLite every transaction takes the write lock.
    db.rollback()
    later = run_at_once(app, [paying(ids[0], "another-key-001", count=1)])
    assert later[0][0] == "2026000002"
