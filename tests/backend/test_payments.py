"""Dues payments: which months, how much, idempotency, slip numbers, voids, audit."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from backend.errors import Conflict, Invalid
from backend.models import AuditEntry, DuesMonth, Member, Payment
from backend.services import members, payments, slips
from backend.services.actor import Actor
from backend.settings import DuesSettings
from tests.builders import Builders

CLERK = Actor("user", 99, "窗口小王")
DUES = DuesSettings()
TODAY = date(2026, 7, 15)


def pay(db, member: Member, key: str, today: date = TODAY, dues: DuesSettings = DUES, **kw):  # type: ignore[no-untyped-def]
    return payments.pay(db, CLERK, dues, member, idempotency_key=key, today=today, **kw)


def ledger(db, member: Member) -> dict[tuple[int, int], DuesMonth]:  # type: ignore[no-untyped-def]
    rows = db.scalars(select(DuesMonth).where(DuesMonth.member_id == member.id))
    return {(r.year, r.month): r for r in rows}


def paid_months(db, member: Member) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(f"{y}-{m:02d}" for (y, m), r in ledger(db, member).items() if r.paid_fen)


def assert_money_adds_up(db, member: Member) -> None:  # type: ignore[no-untyped-def]
    """The sum of the member's valid payments equals the sum of the months they paid (months
    the builder marked paid before any payment existed carry no payment id)."""
    paid = db.scalar(
        select(func.sum(DuesMonth.paid_fen)).where(
            DuesMonth.member_id == member.id, DuesMonth.payment_id.is_not(None)
        )
    )
    valid = db.scalar(
        select(func.coalesce(func.sum(Payment.amount_fen), 0)).where(
            Payment.member_id == member.id, Payment.voided.is_(False)
        )
    )
    assert (paid or 0) == valid


@pytest.fixture
def zhang(build: Builders) -> Member:
    member = build.member(build.district()["b1"], name="张伟", monthly_fen=7650)
    build.ledger(member, 2025, paid_months=set(range(1, 11)))  # November and December owed
    build.ledger(member, 2026, paid_months={1})
    return member


def test_count_pays_the_oldest_unpaid_months_first(db, zhang) -> None:  # type: ignore[no-untyped-def]
    outcome = pay(db, zhang, "key-count-0001", count=3)
    p = outcome.payment
    assert outcome.created is True
    assert [(i.year, i.month) for i in p.items] == [(2025, 11), (2025, 12), (2026, 2)]
    assert p.amount_fen == 3 * 7650
    assert p.slip_no == "2026000001"
    assert (p.operator, p.method, p.org_id) == ("窗口小王", "cash", zhang.org_id)
    rows = ledger(db, zhang)
    assert all(rows[k].payment_id == p.id and rows[k].paid_at for k in [(2025, 11), (2026, 2)])
    assert rows[(2026, 3)].paid_fen == 0
    assert p.overdue_months == 7  # months owed: Nov–Dec 2025 and February to June 2026
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "payment.create"))
    assert entry.entity_id == str(p.id) and entry.actor_name == "窗口小王"
    assert entry.after["months"] == ["2025-11", "2025-12", "2026-02"]
    assert entry.after["slip_no"] == "2026000001" and entry.after["amount_fen"] == 22950
    assert_money_adds_up(db, zhang)


def test_staff_may_choose_the_months(db, zhang) -> None:  # type: ignore[no-untyped-def]
    p = pay(db, zhang, "key-months-001", months=["2026-05", "2026-03"], method="bank").payment
    assert [(i.year, i.month) for i in p.items] == [(2026, 3), (2026, 5)]
    assert p.method == "bank"
    assert paid_months(db, zhang) == [f"2025-{m:02d}" for m in range(1, 11)] + [
        "2026-01",
        "2026-03",
        "2026-05",
    ]


def test_a_month_is_paid_at_most_once(db, zhang) -> None:  # type: ignore[no-untyped-def]
    pay(db, zhang, "key-first-0001", months=["2026-03"])
    with pytest.raises(Conflict) as info:
        pay(db, zhang, "key-second-001", months=["2026-04", "2026-03"])
    assert info.value.message == "2026年3月的党费已经缴纳，请勿重复缴费"
    with pytest.raises(Conflict, match="2026年1月的党费已经缴纳"):
        pay(db, zhang, "key-third-0001", months=["2026-01"])
    assert db.scalar(select(func.count()).select_from(Payment)) == 1
    assert_money_adds_up(db, zhang)


def test_advance_payment_up_to_the_limit_opens_next_year(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    member = build.member(build.district()["b2"], name="李娜", monthly_fen=4900)
    build.ledger(member, 2026, paid_months=set(range(1, 11)))
    today = date(2026, 11, 20)
    with pytest.raises(Conflict) as info:
        pay(db, member, "key-advance-07", today=today, count=8)
    assert info.value.message == "最多可缴7个月（欠交月份及预交至2027年5月）"
    p = pay(db, member, "key-advance-06", today=today, count=7).payment
    assert [f"{i.year}-{i.month:02d}" for i in p.items] == [
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
        "2027-03",
        "2027-04",
        "2027-05",
    ]
    # 2027 was opened for this member as the year opening would have: twelve months.
    assert sorted(m for (y, m) in ledger(db, member) if y == 2027) == list(range(1, 13))
    assert ledger(db, member)[(2027, 6)].due_fen == 4900
    with pytest.raises(Invalid) as info:
        pay(db, member, "key-advance-08", today=today, months=["2027-06"])
    assert info.value.message == "2027年6月超出预交期限：最多预交6个月（至2027年5月）"
    short = replace(DUES, advance_limit_months=2)
    with pytest.raises(Invalid, match="最多预交2个月（至2027年1月）"):
        pay(db, member, "key-advance-09", today=date(2026, 11, 20), dues=short, months=["2027-02"])


def test_repeating_the_idempotency_key_charges_nothing(db, build, zhang) -> None:  # type: ignore[no-untyped-def]
    first = pay(db, zhang, "double-tap-0001", count=2)
    again = pay(db, zhang, "double-tap-0001", count=2)
    also = pay(db, zhang, "double-tap-0001", months=["2026-06"])  # the key decides, not the body
    assert first.created and not again.created and not also.created
    assert again.payment.id == first.payment.id == also.payment.id
    assert db.scalar(select(func.count()).select_from(Payment)) == 1
    assert pay(db, zhang, "next-payment-01", count=1).payment.slip_no == "2026000002"
    other = build.member(zhang.org, name="王芳", sex="F")
    with pytest.raises(Conflict, match="另一名党员"):
        pay(db, other, "double-tap-0001", count=1)


def test_the_client_total_must_match_the_server_total(db, zhang) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict) as info:
        pay(db, zhang, "key-total-0001", count=2, expected_total_fen=7650)
    assert info.value.code == "total_changed"
    assert "￥153.00" in info.value.message and "￥76.50" in info.value.message
    assert pay(db, zhang, "key-total-0002", count=2, expected_total_fen=15300).created


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"count": 1, "months": ["2026-02"]}, "months_or_count"),
        ({}, "months_or_count"),
        ({"count": 1, "method": "wechat"}, "method"),
        ({"months": []}, "months_missing"),
        ({"months": ["2026-3-1"]}, "month_format"),
        ({"months": ["2026-13"]}, "month_format"),
        ({"months": ["2026-02", "2026-02"]}, "month_duplicate"),
        ({"months": ["2024-02"]}, "month_not_in_ledger"),
        ({"count": 0}, "count_invalid"),
    ],
)
def test_bad_requests_are_refused(db, zhang, kwargs, code) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises((Invalid, Conflict)) as info:
        pay(db, zhang, "key-bad-000001", **kwargs)
    assert info.value.code == code


def test_key_is_required(db, zhang) -> None:  # type: ignore[no-untyped-def]
    for key in ("", "short", "has space in it"):
        with pytest.raises(Invalid, match="幂等键"):
            pay(db, zhang, key, count=1)


def test_pending_and_archived_members_cannot_pay(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    pending = build.member(orgs["b1"], name="待核定", monthly_fen=None)
    build.ledger(pending, 2026)
    with pytest.raises(Conflict, match="待核定"):
        pay(db, pending, "key-pending-01", count=1)
    with pytest.raises(Conflict, match="待核定"):
        pay(db, pending, "key-pending-02", months=["2026-02"])
    gone = build.member(orgs["b1"], name="已转出")
    members.archive_member(db, CLERK, gone, reason="转出本区")
    with pytest.raises(Conflict, match="不在册"):
        pay(db, gone, "key-archived-1", count=1)


def test_void_reverses_exactly_its_months_and_keeps_the_number(db, zhang) -> None:  # type: ignore[no-untyped-def]
    first = pay(db, zhang, "key-void-00001", count=2).payment
    second = pay(db, zhang, "key-void-00002", months=["2026-05"]).payment
    before = paid_months(db, zhang)
    with pytest.raises(Invalid, match="须填写原因"):
        payments.void_payment(db, CLERK, first, "  ")
    voided = payments.void_payment(db, CLERK, first, "金额收错，重新收取")
    assert voided.voided and voided.void_reason == "金额收错，重新收取"
    assert voided.voided_by == "窗口小王" and voided.voided_at is not None
    after = paid_months(db, zhang)
    assert set(before) - set(after) == {"2025-11", "2025-12"}
    assert "2026-05" in after  # the other payment is untouched
    rows = ledger(db, zhang)
    assert rows[(2025, 11)].payment_id is None and rows[(2025, 11)].paid_at is None
    assert rows[(2026, 5)].payment_id == second.id
    assert_money_adds_up(db, zhang)
    with pytest.raises(Conflict, match="已经作废"):
        payments.void_payment(db, CLERK, first, "再次作废")
    # The voided number stays used: the next slip is the third.
    again = pay(db, zhang, "key-void-00003", count=2).payment
    assert again.slip_no == "2026000003"
    assert [(i.year, i.month) for i in again.items] == [(2025, 11), (2025, 12)]
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "payment.void"))
    assert entry.entity_id == str(first.id)
    assert entry.before["voided"] is False and entry.after["voided"] is True
    assert entry.after["months"] == ["2025-11", "2025-12"]
    assert entry.after["void_reason"] == "金额收错，重新收取"


def test_reprints_are_counted_and_audited(db, zhang) -> None:  # type: ignore[no-untyped-def]
    p = pay(db, zhang, "key-reprint-01", count=1).payment
    slips.record_reprint(db, CLERK, p)
    assert slips.record_reprint(db, CLERK, p).reprints == 2
    actions = db.scalars(select(AuditEntry.after).where(AuditEntry.action == "payment.reprint"))
    assert [a["reprints"] for a in actions] == [1, 2]
    payments.void_payment(db, CLERK, p, "作废")
    with pytest.raises(Conflict, match="不能补打"):
        slips.record_reprint(db, CLERK, p)


def test_slip_numbers_restart_each_year(db, zhang) -> None:  # type: ignore[no-untyped-def]
    assert pay(db, zhang, "key-year-00001", count=1).payment.slip_no == "2026000001"
    p = pay(db, zhang, "key-year-00002", count=1, today=date(2027, 1, 3)).payment
    assert p.slip_no == "2027000001"
    assert pay(db, zhang, "key-year-00003", count=1).payment.slip_no == "2026000002"
