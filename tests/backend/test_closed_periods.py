"""Dates that would restate closed periods: a back-dated transfer may not move remitted ledger
months into another branch's report, and an incoming letter's "党费已交到" may not lie beyond the
advance limit (it would leave the newcomer with no ledger months at all)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from backend.errors import Invalid
from backend.models import DuesMonth, Member, Membership
from backend.services import (
    hall_clock,
    members,
    payments,
    remittance,
    transfer_in,
    transfer_within,
)
from backend.services.idnumber import compose_id_number
from tests.builders import SYSTEM

TODAY = date(2026, 11, 20)


def _remitted_member(db, build, settings):  # type: ignore[no-untyped-def]
    """A member of b1 since 2020 who paid 2025-01 … 2026-10 (22 months), remitted by the 党委
    for January–October 2026."""
    orgs = build.district()
    member = build.member(orgs["b1"], name="张小明", monthly_fen=7683)
    db.scalar(select(Membership).where(Membership.member_id == member.id)).start_date = date(
        2020, 1, 1
    )
    build.ledger(member, 2025)
    build.ledger(member, 2026)
    paid = payments.pay(
        db,
        SYSTEM,
        settings.dues,
        member,
        idempotency_key="closed-period-0001",
        count=22,
        today=date(2026, 10, 20),
    ).payment
    paid.created_at = hall_clock.stored(datetime(2026, 10, 20, 2, tzinfo=UTC))
    db.flush()
    batch = remittance.create_batch(db, SYSTEM, settings, orgs["c1"].id, 2026, 1, 10)
    remittance.confirm_batch(db, SYSTEM, batch.id)
    return orgs, member


def _months_of(db, org_id: int) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count()).where(DuesMonth.org_id == org_id)) or 0


def test_a_back_dated_transfer_cannot_move_remitted_months(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs, member = _remitted_member(db, build, settings)
    # Today's code moved all 24 months of 2025–2026, ¥1,690.26 already remitted, to b3.
    with pytest.raises(Invalid) as refused:
        transfer_within.transfer_within(
            db, SYSTEM, settings, member.id, orgs["b3"].id, on=date(2025, 1, 1), today=TODAY
        )
    assert refused.value.message == (
        "转接日期不能早于2026年11月1日：截至2026年10月31日的党费已经汇缴，"
        "已汇缴期间的账目不能再转到其他组织"
    )
    assert refused.value.code == "period_closed"
    assert _months_of(db, orgs["b3"].id) == 0
    assert db.get(Member, member.id).org_id == orgs["b1"].id
    # The receiving branch's closed period counts too: b3's 党委 remitted nothing, but a move
    # into b2 (under the same 党委 c1) on 31 October is refused as well.
    with pytest.raises(Invalid, match="截至2026年10月31日的党费已经汇缴"):
        transfer_within.transfer_within(
            db, SYSTEM, settings, member.id, orgs["b2"].id, on=date(2026, 10, 31), today=TODAY
        )
    # From the first open day on, only the open months move.
    transfer_within.transfer_within(
        db, SYSTEM, settings, member.id, orgs["b3"].id, on=date(2026, 11, 1), today=TODAY
    )
    assert _months_of(db, orgs["b3"].id) == 2
    assert _months_of(db, orgs["b1"].id) == 22


def test_a_reversed_remittance_no_longer_closes_the_period(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs, member = _remitted_member(db, build, settings)
    batch = remittance.list_batches(db, SYSTEM)[0]
    remittance.reverse_batch(db, SYSTEM, batch.id, "金额有误")
    transfer_within.transfer_within(
        db, SYSTEM, settings, member.id, orgs["b3"].id, on=date(2026, 10, 1), today=TODAY
    )
    assert _months_of(db, orgs["b3"].id) == 3


def _incoming(paid_to: tuple[int, int]) -> transfer_in.InRequest:
    return transfer_in.InRequest(
        data=members.MemberData(
            name="赵六",
            id_number=compose_id_number("110105", date(1990, 3, 8), 124),
            joined_date=date(2015, 7, 1),
            education="研究生",
        ),
        org_id=0,
        from_name="外省某市某党委",
        paid_to=paid_to,
    )


def test_paid_to_beyond_the_advance_limit_is_refused(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    far = _incoming((2031, 6))
    far = replace(far, org_id=orgs["b3"].id)
    # Today's code accepted it and opened no ledger month: years of dues silently erased.
    with pytest.raises(Invalid) as refused:
        transfer_in.transfer_in(db, SYSTEM, settings, far, today=TODAY)
    assert refused.value.message == (
        "党费交至2031年6月超出预交期限：最多预交6个月（至2027年5月），请核对介绍信"
    )
    assert db.scalar(select(func.count()).select_from(Member)) == 0
    # The advance limit itself is accepted: nothing left to collect this year.
    edge = replace(far, paid_to=(2027, 5))
    transfer = transfer_in.transfer_in(db, SYSTEM, settings, edge, today=TODAY)
    assert transfer.dues_paid_year == 2027 and transfer.dues_paid_month == 5
