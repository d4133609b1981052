"""Membership in time: after a transfer each ledger month belongs to one branch only, whole
branches move keeping every member's history, probation and "党费已交到" rules."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.errors import Conflict, Invalid
from backend.models import (
    DuesMonth,
    Member,
    Membership,
    MemberStatus,
    Transfer,
    TransferNotice,
)
from backend.services import transfer_out, transfer_within, transfers
from backend.services.letters import notice_document
from tests.builders import SYSTEM

TODAY = date(2026, 11, 20)


def backdate(db, member: Member, start: date = date(2020, 1, 1)) -> None:  # type: ignore[no-untyped-def]
    """Builders open the membership today; these tests move members earlier in the year."""
    period = db.scalar(select(Membership).where(Membership.member_id == member.id))
    period.start_date = start
    db.flush()


def months_of(db, org_id: int, year: int = 2026) -> list[tuple[str, int]]:  # type: ignore[no-untyped-def]
    rows = db.execute(
        select(Member.name, DuesMonth.month)
        .join(Member, DuesMonth.member_id == Member.id)
        .where(DuesMonth.org_id == org_id, DuesMonth.year == year)
        .order_by(Member.name, DuesMonth.month)
    ).all()
    return [(name, month) for name, month in rows]


def test_member_moved_mid_year_is_in_each_branch_ledger_for_its_months(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="张小明")
    backdate(db, member)
    build.ledger(member, 2026, paid_months={1, 2, 3})
    transfer_within.transfer_within(
        db, SYSTEM, settings, member.id, orgs["b2"].id, on=date(2026, 4, 10), today=TODAY
    )
    transfer_within.transfer_within(
        db, SYSTEM, settings, member.id, orgs["b3"].id, on=date(2026, 9, 1), today=TODAY
    )
    assert months_of(db, orgs["b1"].id) == [("张小明", m) for m in (1, 2, 3)]
    assert months_of(db, orgs["b2"].id) == [("张小明", m) for m in (4, 5, 6, 7, 8)]
    assert months_of(db, orgs["b3"].id) == [("张小明", m) for m in (9, 10, 11, 12)]
    # The member is listed by exactly one branch, with one current period.
    listed = db.scalars(select(Member.org_id).where(Member.id == member.id)).all()
    assert listed == [orgs["b3"].id]
    periods = db.execute(
        select(Membership.org_id, Membership.member_no, Membership.start_date, Membership.end_date)
        .where(Membership.member_id == member.id)
        .order_by(Membership.start_date)
    ).all()
    card = member.card_no
    assert [tuple(p) for p in periods] == [
        (orgs["b1"].id, "01010101" + card, date(2020, 1, 1), date(2026, 4, 10)),
        (orgs["b2"].id, "01010102" + card, date(2026, 4, 10), date(2026, 9, 1)),
        (orgs["b3"].id, "01020001" + card, date(2026, 9, 1), None),
    ]


def test_transfer_date_must_lie_in_the_current_period(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"])
    backdate(db, member, date(2026, 5, 1))
    with pytest.raises(Invalid, match="转接日期不能早于该党员编入现组织的日期（2026年5月1日）"):
        transfer_within.transfer_within(
            db, SYSTEM, settings, member.id, orgs["b2"].id, on=date(2026, 4, 30), today=TODAY
        )
    with pytest.raises(Conflict, match="该党员已在幸福社区第一党支部，无需转接"):
        transfer_within.transfer_within(
            db, SYSTEM, settings, member.id, orgs["b1"].id, on=TODAY, today=TODAY
        )


def test_whole_branch_moves_with_history_and_one_notice(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    people = [build.member(orgs["b1"], name=n) for n in ("甲一", "乙二", "丙三")]
    for person in people:
        backdate(db, person)
        build.ledger(person, 2026, paid_months=set(range(1, 7)))
    moved = transfer_within.transfer_branch(
        db, SYSTEM, settings, orgs["b1"].id, orgs["b2"].id, on=date(2026, 7, 1), today=TODAY
    )
    assert [t.name for t in moved] == ["甲一", "乙二", "丙三"]
    assert len({t.batch for t in moved}) == 1 and len({t.notice_id for t in moved}) == 1
    assert db.scalars(select(Member).where(Member.org_id == orgs["b1"].id)).all() == []
    for person in people:
        assert person.member_no == "01010102" + person.card_no
        count = db.scalars(select(Membership).where(Membership.member_id == person.id)).all()
        assert len(count) == 2
    assert {m for _n, m in months_of(db, orgs["b1"].id)} == set(range(1, 7))
    assert len(months_of(db, orgs["b2"].id)) == 3 * 6
    notice = db.get(TransferNotice, moved[0].notice_id)
    text = [b.text for b in notice_document(settings, notice).blocks if b.TYPE == "text"]
    for name in ("甲一", "乙二", "丙三"):
        assert f"{name}同志已转入贵单位，请联系接收。" in text
    assert ("人数", "3人") in [
        (b.key, b.value) for b in notice_document(settings, notice).blocks if b.TYPE == "kv"
    ]


def test_probation_ended_is_decided_by_the_old_branch_first(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(
        orgs["b1"], status=MemberStatus.PROBATIONARY, joined=date(2025, 10, 1), monthly_fen=None
    )
    backdate(db, member, date(2025, 10, 1))
    with pytest.raises(Conflict, match="预备期已于2026年10月1日期满，应由原支部先讨论其转正问题"):
        transfer_within.transfer_within(
            db, SYSTEM, settings, member.id, orgs["b2"].id, on=TODAY, today=TODAY
        )
    # With probation extended by the branch (at most a year), the transfer goes ahead.
    t = transfer_within.transfer_within(
        db,
        SYSTEM,
        settings,
        member.id,
        orgs["b2"].id,
        on=TODAY,
        today=TODAY,
        probation_end=date(2027, 4, 1),
    )
    assert t.status == "probationary"
    assert t.details["probation"] == {"start": "2025-10-01", "end": "2027-04-01"}


def test_dues_paid_to_is_the_last_month_of_the_unbroken_paid_run(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], monthly_fen=1000)
    backdate(db, member)
    build.ledger(member, 2026, paid_months={1, 2, 3, 5})
    assert transfers.dues_paid_to(db, member.id) == (2026, 3)
    owed, months = transfers.shortfall(db, member.id, date(2026, 6, 15))
    assert (owed, months) == (2000, ["2026-04", "2026-06"])
    t = transfer_out.transfer_out(
        db,
        SYSTEM,
        settings,
        member.id,
        transfer_out.OutRequest(to_name="外地党委", on=date(2026, 6, 15), allow_shortfall=True),
        today=date(2026, 6, 15),
    )
    assert (t.dues_paid_year, t.dues_paid_month, t.shortfall_fen) == (2026, 3, 2000)
    # Unpaid months after the transfer month are not owed here any more.
    left = db.scalars(select(DuesMonth.month).where(DuesMonth.member_id == member.id)).all()
    assert sorted(left) == [1, 2, 3, 4, 5, 6]
    assert db.scalar(select(Transfer.kind).where(Transfer.id == t.id)).value == "out"
