"""The simulated year's end-of-year checks catch what they are there to catch: a payment charged
twice because a retry went out without its key, a ledger that does not add up, a tampered audit
row, a print job lost or a receipt printed twice. (Each defect is planted by hand here; the
simulated year itself must find none.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, select, text, update
from sqlalchemy.orm import Session

from backend.models import AuditEntry, DuesMonth, Member
from backend.services import hall_clock, payments
from backend.services.actor import Actor
from backend.settings import DuesSettings
from devices.printer.document import PrintDocument
from tests.simyear.accounts import ledger_paid, payment_problems, print_problems
from tests.simyear.actors import Believed
from tests.simyear.devices import PrintStation
from tests.simyear.hall import Hall, build_hall

CLERK = Actor("user", 1, "clerk1")


@pytest.fixture
def hall(tmp_path: Path) -> Hall:
    today = hall_clock.today()
    return build_hall(tmp_path, members=2, kiosks=1, counters=1, years=(today.year,))


def _pay(hall: Hall, key: str, month: int) -> dict[str, Any]:
    """A payment as the backend takes it, and the answer a counter would be given."""
    engine = create_engine(hall.database_url)
    with Session(engine) as session:
        member = session.get(Member, hall.members[0].id)
        assert member is not None
        year = hall_clock.today().year
        outcome = payments.pay(
            session,
            CLERK,
            DuesSettings(),
            member,
            idempotency_key=key,
            months=[f"{year}-{month:02d}"],
            today=hall_clock.today(),
        )
        answer = {"id": outcome.payment.id, "slip_no": outcome.payment.slip_no}
        session.commit()
    engine.dispose()
    return answer


def _alter(hall: Hall, statement: Any) -> None:
    engine = create_engine(hall.database_url)
    with Session(engine) as session:
        # Behind the application's back: the append-only triggers go first (SQLite's names).
        session.execute(text("DROP TRIGGER IF EXISTS audit_log_no_update"))
        session.execute(statement)
        session.commit()
    engine.dispose()


def test_a_clean_hall_has_nothing_to_report(hall: Hall) -> None:
    before = ledger_paid(hall.database_url)
    believed = Believed(payments={"sim-key-0001": _pay(hall, "sim-key-0001", 1)})
    assert payment_problems(hall.database_url, [believed], before) == []


def test_a_retry_with_a_new_key_is_reported_as_a_payment_nobody_knows(hall: Hall) -> None:
    before = ledger_paid(hall.database_url)
    _pay(hall, "sim-key-lost", 1)  # committed, but the answer never reached the counter
    believed = Believed(payments={"sim-key-retry": _pay(hall, "sim-key-retry", 2)})
    problems = payment_problems(hall.database_url, [believed], before)
    assert problems == [f"凭条{hall_clock.today().year}000001（sim-key-lost）没有哪个窗口知道"]


def test_a_ledger_that_does_not_add_up_and_a_tampered_audit_row_are_reported(hall: Hall) -> None:
    before = ledger_paid(hall.database_url)
    believed = Believed(payments={"sim-key-0001": _pay(hall, "sim-key-0001", 1)})
    _alter(hall, update(DuesMonth).where(DuesMonth.month == 5).values(paid_fen=100))
    last = select(AuditEntry.id).order_by(AuditEntry.id.desc()).limit(1).scalar_subquery()
    _alter(hall, update(AuditEntry).where(AuditEntry.id == last).values(actor_name="某人"))
    problems = payment_problems(hall.database_url, [believed], before)
    assert any(p.startswith("账不平") for p in problems)
    assert any("审计链在第" in p and "被改动" in p for p in problems)


@pytest.fixture
def station(tmp_path: Path) -> Iterator[PrintStation]:
    printing = PrintStation(tmp_path, "kiosk-01")
    yield printing
    printing.close()


def _receipt_with_slip(slip: str) -> dict[str, Any]:
    doc = PrintDocument("党费缴费凭条").kv("凭条编号", slip).kv("合计", "￥76.50")
    return doc.to_dict()


def _printed(station: PrintStation, count: int) -> None:
    assert len(station.printer.wait_for_jobs(count)) == count


def test_each_slip_printed_once_is_clean_and_a_second_copy_is_reported(
    station: PrintStation,
) -> None:
    station.submit(_receipt_with_slip("2026000007"), job_id="slip-2026000007")
    station.submit(_receipt_with_slip("2026000007"), job_id="slip-2026000007")  # a retry
    _printed(station, 1)
    station.queue.stop()
    assert print_problems([station], ["2026000007"]) == []
    station.printer.jobs.append(station.printer.jobs[0])  # the defect: out of the printer twice
    problems = print_problems([station], ["2026000007"])
    assert "kiosk-01：打印机收到 2 份，任务记为已打印 1 份" in problems
    assert "凭条2026000007打出 2 次" in problems


def test_a_lost_job_and_a_slip_never_printed_are_reported(station: PrintStation) -> None:
    station.paper_out()
    station.submit(_receipt_with_slip("2026000008"), job_id="slip-2026000008")
    station.submitted.append("slip-2026000009")  # a job the queue never kept
    problems = print_problems([station], ["2026000008"])
    assert "kiosk-01：打印任务 slip-2026000009 丢失" in problems
    assert "kiosk-01：1 个打印任务既未打印也未报失败" in problems
    assert "凭条2026000008打出 0 次" in problems


def test_a_day_close_that_disagrees_with_the_days_payments_is_reported(hall: Hall) -> None:
    before = ledger_paid(hall.database_url)
    believed = Believed(closes=[("2026-12-04", 7650, 15300)])
    problems = payment_problems(hall.database_url, [believed], before)
    assert problems == ["2026-12-04 的日结单合计 7650 分，当天实收 15300 分"]
