"""Ledger months of members who arrive or leave through the console mid-year (docs/dues.md).

A member registered after the year was opened gets this year's months from the registration
month on, as ``dues open-year`` would have created them; deleting a member ends their unpaid
months after the deletion month, as a transfer out does, so no report counts them as owed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from backend.models import DuesMonth, Member, Role
from backend.services import dues_year, hall_clock, reports
from backend.services.actor import Actor
from backend.services.idnumber import compose_id_number
from tests.builders import Builders
from tests.console.conftest import page_text

SYSTEM = Actor.system("test")


def _months(db, member_id: int, year: int) -> list[int]:  # type: ignore[no-untyped-def]
    return list(
        db.scalars(
            select(DuesMonth.month)
            .where(DuesMonth.member_id == member_id, DuesMonth.year == year)
            .order_by(DuesMonth.month)
        )
    )


def test_a_member_registered_after_the_year_was_opened_gets_this_years_months(
    client, sign_in, build: Builders, db
) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["c1"], "c1staff", Role.ORG_STAFF)
    build.member(orgs["b1"], name="张小明")
    today = hall_clock.today()
    dues_year.open_year(db, SYSTEM, today.year, backup=False)
    db.commit()
    sign_in("c1staff")
    form = {
        "org_id": str(orgs["b1"].id),
        "name": "钱新",
        "id_number": compose_id_number("110105", date(1988, 2, 3), 31),
        "joined_date": "2010-07-01",
        "status": "full",
        "dues_category": "employed",
        "monthly_dues": "40.00",
    }
    saved = client.post("/console/members/new", data=form, follow_redirects=True)
    assert "已登记党员钱新" in page_text(saved)
    member = db.scalars(select(Member).where(Member.name == "钱新")).one()
    assert _months(db, member.id, today.year) == list(range(today.month, 13))
    dues = set(db.scalars(select(DuesMonth.due_fen).where(DuesMonth.member_id == member.id)))
    assert dues == {4000}
    member_id = member.id
    db.rollback()
    detail = page_text(client.get(f"/console/members/{member_id}"))
    assert ">未交<" in detail  # this month is owed, not "—"


def test_a_member_who_joined_later_in_the_year_owes_from_joining(
    client, sign_in, build: Builders, db
) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["c1"], "c1staff", Role.ORG_STAFF)
    build.member(orgs["b1"], name="张小明")
    today = hall_clock.today()
    dues_year.open_year(db, SYSTEM, today.year, backup=False)
    db.commit()
    sign_in("c1staff")
    form = {
        "org_id": str(orgs["b1"].id),
        "name": "孙预备",
        "id_number": compose_id_number("110105", date(1999, 2, 3), 33),
        "joined_date": today.isoformat(),
        "status": "probationary",
        "dues_category": "student",
        "monthly_dues": "0.20",
    }
    saved = client.post("/console/members/new", data=form, follow_redirects=True)
    assert "已登记党员孙预备" in page_text(saved)
    member = db.scalars(select(Member).where(Member.name == "孙预备")).one()
    assert _months(db, member.id, today.year) == list(range(today.month, 13))
    db.rollback()


def test_deleting_a_member_ends_the_months_after_the_deletion(
    client, sign_in, build: Builders, db
) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["c1"], "c1staff", Role.ORG_STAFF)
    today = hall_clock.today()
    member = build.member(orgs["b1"], name="周离开", monthly_fen=5000)
    build.ledger(member, today.year, paid_months={12})  # December paid in advance
    build.ledger(member, today.year + 1)
    db.commit()
    sign_in("c1staff")
    archived = client.post(
        f"/console/members/{member.id}/archive", data={"reason": "去世"}, follow_redirects=True
    )
    assert "周离开已移入删除党员库" in page_text(archived)
    kept = _months(db, member.id, today.year)
    paid_ahead = [12] if today.month < 12 else []
    assert kept == list(range(1, today.month + 1)) + paid_ahead  # a payment is never lost
    assert _months(db, member.id, today.year + 1) == []
    next_year = reports.dues_report(
        db, SYSTEM, orgs["b1"].id, reports.Period.parse(today.year + 1, None)
    )
    assert next_year.total.due_fen == 0
    db.rollback()
