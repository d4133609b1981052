"""Member cases (docs/cases.md): numbered per year, routed, answered and closed by the right
people only, every step audited; overdue cases on the red-warnings board; statistics."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.models import AuditEntry, Case, CaseState, CaseType, MemberStatus, Role
from backend.services import cases, cases_flow, cases_stats, warnings_board
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from tests.builders import Builders


def _staff(build: Builders, orgs, name: str, org: str, role: Role = Role.ORG_STAFF) -> Actor:  # type: ignore[no-untyped-def]
    return Actor.for_user(build.user(orgs[org], name, role))


def test_a_case_goes_from_the_counter_to_the_branch_and_back_audited(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="刘困难")
    counter = _staff(build, orgs, "chuangkou", "district", Role.COUNTER)
    committee = _staff(build, orgs, "dangwei", "c1")
    own_branch = _staff(build, orgs, "zhibu", "b1")
    branch = _staff(build, orgs, "shequ", "b2")
    today = hall_today(settings.dues)
    first = cases.accept(
        db, counter, settings.cases, member.id, case_type="hardship", today=today, topic="因病致困"
    )
    second = cases.accept(
        db,
        counter,
        settings.cases,
        member.id,
        case_type="suggestion",
        today=today,
        topic="其他建议",
    )
    assert (first.number, second.number) == (f"SL{today.year}00001", f"SL{today.year}00002")
    assert first.applicant_name == "刘困难" and first.org_id == orgs["b1"].id
    assert first.due_on == today + timedelta(days=settings.cases.hardship_days)
    with pytest.raises(Forbidden):  # the counter accepts; routing is desk work
        cases_flow.route(db, counter, first.id, org_id=orgs["b1"].id)
    cases_flow.route(db, committee, first.id, org_id=orgs["b2"].id, note="请社区核实")
    with pytest.raises(Forbidden):  # routed to the other branch: that branch answers
        cases_flow.reply(db, own_branch, first.id, text="x")
    with pytest.raises(NotFound):  # staff elsewhere do not even see it
        cases_flow.reply(db, _staff(build, orgs, "jiguan", "b3"), first.id, text="x")
    cases_flow.reply(db, branch, first.id, text="已走访核实，发放慰问金500元")
    with pytest.raises(Conflict):
        cases_flow.reply(db, branch, first.id, text="again")
    closed = cases_flow.close(db, committee, first.id, outcome="已救助")
    db.commit()
    assert closed.state is CaseState.CLOSED
    assert [s.step for s in closed.steps] == ["accept", "route", "reply", "close"]
    actions = db.scalars(
        select(AuditEntry.action).where(
            AuditEntry.entity_type == "case", AuditEntry.entity_id == str(first.id)
        )
    ).all()
    assert actions == ["case.accept", "case.route", "case.reply", "case.close"]


def test_staff_see_their_subtree_and_the_cases_routed_to_them(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b3"])
    other_branch = _staff(build, orgs, "zhibu", "b1")
    district = _staff(build, orgs, "quwei", "district")
    today = hall_today(settings.dues)
    case = cases.accept(
        db, district, settings.cases, member.id, case_type="employment", today=today, topic="求职"
    )
    with pytest.raises(NotFound):
        cases.get_case(db, other_branch, case.id)
    assert db.scalars(cases.query(other_branch)).all() == []
    cases_flow.route(db, district, case.id, org_id=orgs["b1"].id)
    assert cases.get_case(db, other_branch, case.id) is case
    assert db.scalars(cases.query(other_branch)).all() == [case]
    with pytest.raises(Forbidden):  # the routed unit answers but does not close or re-route
        cases_flow.route(db, other_branch, case.id, partner="人才市场")


def test_talks_conversions_and_joins(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    today = hall_today(settings.dues)
    joined = today - timedelta(days=300)
    probationer = build.member(orgs["b1"], status=MemberStatus.PROBATIONARY, joined=joined)
    full = build.member(orgs["b1"], name="老党员")
    staff = _staff(build, orgs, "quwei", "district")
    conversion = cases.accept(
        db, staff, settings.cases, probationer.id, case_type="conversion", today=today, topic="转正"
    )
    assert conversion.due_on == joined.replace(year=joined.year + 1)
    with pytest.raises(Invalid, match="只有预备党员"):
        cases.accept(
            db, staff, settings.cases, full.id, case_type="conversion", today=today, topic="转正"
        )
    talk = cases.accept(
        db,
        staff,
        settings.cases,
        full.id,
        case_type="talk",
        today=today,
        topic="工作建议",
        talk_with="district_secretary",
    )
    with pytest.raises(Invalid, match="时:分"):
        cases_flow.schedule_talk(db, staff, talk.id, talk_on=today, talk_time="9点", place="x")
    cases_flow.schedule_talk(
        db, staff, talk.id, talk_on=today, talk_time="09:30", place="区委会议室", person="区委书记"
    )
    with pytest.raises(Invalid, match="参加约谈人员"):
        cases_flow.reply(db, staff, talk.id, text="已约谈")
    cases_flow.reply(
        db, staff, talk.id, text="已约谈，意见已转交", attendees="区委书记、组织部部长"
    )
    assert talk.talk_attendees == "区委书记、组织部部长" and talk.state is CaseState.REPLIED
    join = cases.accept_join(
        db, staff, settings.cases, branch_id=orgs["b2"].id, name="青年甲", phone="13700000000",
        today=today,
    )  # fmt: skip
    assert (
        join.case_type is CaseType.JOIN and join.member_id is None and join.org_id == orgs["b2"].id
    )
    with pytest.raises(Invalid, match="党支部"):
        cases.accept_join(
            db, staff, settings.cases, branch_id=orgs["g1"].id, name="乙", phone="1", today=today
        )


def test_a_case_past_its_due_day_is_on_the_red_warnings_board(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="等答复")
    staff = _staff(build, orgs, "dangwei", "c1")
    today = hall_today(settings.dues)
    late = cases.accept(
        db,
        staff,
        settings.cases,
        member.id,
        case_type="hardship",
        today=today - timedelta(days=settings.cases.hardship_days + 3),
        topic="因灾致困",
    )
    cases.accept(db, staff, settings.cases, member.id, case_type="hardship", today=today, topic="x")
    db.commit()
    board = warnings_board.board(db, staff, today, settings.dues)
    assert board.cases is not None and board.cases.total == 1
    row = board.cases.rows[0]
    assert (row.number, row.applicant, row.days_overdue) == (late.number, "等答复", 3)
    outside = _staff(build, orgs, "jiguan", "c2")
    assert warnings_board.board(db, outside, today, settings.dues).cases.total == 0  # type: ignore[union-attr]
    cases_flow.reply(db, staff, late.id, text="已答复")
    assert warnings_board.board(db, staff, today, settings.dues).cases.total == 0  # type: ignore[union-attr]


def test_statistics_count_by_type_org_and_month(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    a, b = build.member(orgs["b1"]), build.member(orgs["b3"])
    staff = _staff(build, orgs, "quwei", "district")
    year = hall_today(settings.dues).year
    for member, kind, day in [
        (a, "hardship", date(year, 1, 5)),
        (a, "suggestion", date(year, 1, 9)),
        (b, "suggestion", date(year, 3, 2)),
    ]:
        cases.accept(db, staff, settings.cases, member.id, case_type=kind, today=day, topic="t")
    db.commit()
    stats = cases_stats.statistics(db, staff, year, date(year, 12, 31))
    assert stats.summary[0].by_type == {CaseType.HARDSHIP: 1, CaseType.SUGGESTION: 2}
    assert stats.summary[3].total == 3  # all three waiting past their due day on 31 December
    assert [r.total for r in stats.by_org] == [2, 1]
    assert stats.by_month[0].by_type == {CaseType.HARDSHIP: 1, CaseType.SUGGESTION: 1}
    assert stats.by_month[2].total == 1
    branch = _staff(build, orgs, "zhibu", "b1")
    assert cases_stats.statistics(db, branch, year, date(year, 12, 31)).summary[0].total == 2
    assert db.scalar(select(Case).where(Case.seq == 3)) is not None
