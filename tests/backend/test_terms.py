"""换届: a term's due date, the reminder on the warnings board ahead of it, and a new committee
recorded in one step — listed first on the branch roster (docs/member-development.md)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backend.errors import Forbidden, Invalid
from backend.models import AuditEntry, CommitteeSeat, Role
from backend.services import member_filters, terms, warnings_board
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from backend.services.probation import add_years
from backend.settings import DuesSettings, Settings

TODAY = hall_today(DuesSettings())


def test_a_term_ending_soon_is_reminded_and_a_new_committee_leads_the_roster(build, db) -> None:
    orgs = build.district()
    first = build.member(orgs["b1"], name="普通党员")
    secretary = build.member(orgs["b1"], name="新书记", birth=date(1978, 2, 3))
    organizer = build.member(orgs["b1"], name="组织委员", birth=date(1985, 6, 7))
    staff = Actor.for_user(build.user(orgs["b1"], "zhibu"))
    start = add_years(TODAY, -3) + timedelta(days=20)
    term = terms.record_term(
        db,
        staff,
        orgs["b1"].id,
        start,
        seats=[terms.Seat(first.id, "书记")],
        today=TODAY,
    )
    assert term.term_years == 3 and terms.due_on(term) == add_years(start, 3)
    db.commit()

    hall = Settings(term_reminder_days=30)
    board = warnings_board.board(db, staff, TODAY, DuesSettings(), hall=hall)
    [row] = board.development.terms.rows
    assert row.org_name == "幸福社区第一党支部" and row.days_left == 20
    quiet = warnings_board.board(
        db, staff, TODAY, DuesSettings(), hall=Settings(term_reminder_days=10)
    )
    assert quiet.development.terms.total == 0

    with pytest.raises(Invalid, match="有且只有一名书记"):
        terms.record_term(
            db,
            staff,
            orgs["b1"].id,
            TODAY,
            seats=[terms.Seat(organizer.id, "组织委员")],
            today=TODAY,
        )
    terms.record_term(
        db,
        staff,
        orgs["b1"].id,
        TODAY,
        seats=[terms.Seat(organizer.id, "组织委员"), terms.Seat(secretary.id, "书记")],
        note="支部党员大会选举",
        today=TODAY,
    )
    db.commit()
    seats = db.scalars(select(CommitteeSeat).where(CommitteeSeat.org_id == orgs["b1"].id)).all()
    assert {(s.member.name, s.post, s.since) for s in seats} == {
        ("新书记", "书记", TODAY),
        ("组织委员", "组织委员", TODAY),
    }
    board = warnings_board.board(db, staff, TODAY, DuesSettings(), hall=hall)
    assert board.development.terms.total == 0  # the new term runs three years
    roster = db.execute(
        member_filters.member_query(staff, member_filters.MemberFilters(), TODAY)
    ).all()
    assert [m.name for m, _org in roster] == ["新书记", "组织委员", "普通党员"]
    entry = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.action == "org.term_record")
        .order_by(AuditEntry.id.desc())
    ).first()
    assert entry.before["committee"] == [{"member_id": first.id, "post": "书记"}]
    assert {s["post"] for s in entry.after["committee"]} == {"书记", "组织委员"}


def test_terms_are_kept_by_desk_staff_in_their_own_subtree(build, db) -> None:
    orgs = build.district()
    clerk = Actor.for_user(build.user(orgs["district"], "chuangkou", Role.COUNTER))
    with pytest.raises(Forbidden):
        terms.record_term(db, clerk, orgs["b1"].id, TODAY, today=TODAY)
    other = Actor.for_user(build.user(orgs["b2"], "other"))
    with pytest.raises(Exception, match="未找到该党组织"):
        terms.record_term(db, other, orgs["b1"].id, TODAY, today=TODAY)
    committee = Actor.for_user(build.user(orgs["c1"], "dangwei"))
    term = terms.record_term(db, committee, orgs["c1"].id, TODAY - timedelta(days=3), today=TODAY)
    assert term.term_years == 5  # a 党委 serves five years
    with pytest.raises(Invalid, match="换届日期须晚于本届开始日期"):
        terms.record_term(db, committee, orgs["c1"].id, TODAY - timedelta(days=5), today=TODAY)
