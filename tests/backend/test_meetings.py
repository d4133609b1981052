"""三会一课 and 主题党日 (docs/meetings.md): planning and recording, frequency rules, completion
rates worked out by hand, the red-warnings section, card sign-in and 在职党员进社区报到."""

from __future__ import annotations

from datetime import date, time

import pytest
from sqlalchemy import func, select

from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.models import AttendanceState, AuditEntry, MeetingKind, Role
from backend.services import community, meeting_rates, meeting_sign_in, meetings, warnings_board
from backend.services.actor import Actor
from backend.settings import MeetingSettings
from tests.builders import SYSTEM

RULES = MeetingSettings()


def _plan(db, org, kind, day, *, record=True, present=(), expected=None):  # type: ignore[no-untyped-def]
    data = meetings.MeetingInput(kind=kind, topic=f"{kind}学习", held_on=day, start_time=time(9))
    meeting = meetings.plan_meeting(db, SYSTEM, org.id, data, expected)
    if record:
        meetings.record_meeting(
            db, SYSTEM, meeting, data, minutes="会议记录", present=present, absence_reasons={}
        )
    return meeting


def test_periods_are_calendar_months_and_quarters() -> None:
    assert meeting_rates.period_of(date(2026, 5, 17), 1) == (date(2026, 5, 1), date(2026, 5, 31))
    assert meeting_rates.period_of(date(2026, 5, 17), 3) == (date(2026, 4, 1), date(2026, 6, 30))
    assert meeting_rates.period_of(date(2026, 12, 2), 3) == (date(2026, 10, 1), date(2026, 12, 31))
    assert meeting_rates.period_label(date(2026, 4, 1), 3) == "2026年第2季度"
    assert meeting_rates.rules(RULES) == {
        MeetingKind.COMMITTEE: 1,
        MeetingKind.GROUP: 1,
        MeetingKind.ASSEMBLY: 3,
        MeetingKind.LECTURE: 3,
    }
    with pytest.raises(ValueError, match="支委会"):
        meeting_rates.rules(MeetingSettings(committee_months=5))


def test_settings_read_the_frequencies_from_the_environment(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from backend.settings import Settings

    env = {"HALL_MEETING_THEME_DAY_MONTHS": "1", "HALL_INSTANCE_DIR": str(tmp_path)}
    assert Settings.from_env(env).meetings.theme_day_months == 1
    assert Settings.from_env(env).meetings.assembly_months == 3


def test_plan_expects_the_branch_and_record_marks_absences(build, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    a = build.member(orgs["b1"], name="张一")
    b = build.member(orgs["b1"], name="李二")
    build.member(orgs["b2"], name="王三")
    meeting = _plan(db, orgs["b1"], "committee", date(2026, 3, 5), record=False)
    rows = meetings.attendances(db, meeting)
    assert {r.member_id for r in rows} == {a.id, b.id}  # the branch's own members
    data = meetings.MeetingInput(kind="committee", topic="研究发展党员", held_on=date(2026, 3, 5))
    meetings.record_meeting(
        db,
        SYSTEM,
        meeting,
        data,
        minutes="会议记录",
        present=[a.id],
        absence_reasons={b.id: "出差"},
    )
    states = {r.member_id: (r.state, r.absence_reason) for r in meetings.attendances(db, meeting)}
    assert states == {a.id: (AttendanceState.PRESENT, None), b.id: (AttendanceState.ABSENT, "出差")}
    assert meeting.topic == "研究发展党员" and meeting.recorded_at is not None
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "meeting"))
    assert list(actions) == ["meeting.plan", "meeting.record"]
    with pytest.raises(Invalid, match="会议记录"):
        meetings.record_meeting(db, SYSTEM, meeting, data, minutes="  ", present=[])
    with pytest.raises(Invalid, match="会议类型只能是支委会"):
        _plan(db, orgs["b1"], "picnic", date(2026, 3, 5))


def test_branch_staff_plan_only_their_own_branch(build, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.member(orgs["b1"], name="张一")
    staff = Actor.for_user(build.user(orgs["b1"], "zhibu", Role.ORG_STAFF))
    clerk = Actor.for_user(build.user(orgs["district"], "chuangkou", Role.COUNTER))
    data = meetings.MeetingInput(kind="lecture", topic="党课", held_on=date(2026, 3, 5))
    meeting = meetings.plan_meeting(db, staff, orgs["b1"].id, data)
    with pytest.raises(NotFound):
        meetings.plan_meeting(db, staff, orgs["b2"].id, data)
    with pytest.raises(Forbidden, match="三会一课"):
        meetings.plan_meeting(db, clerk, orgs["b1"].id, data)
    upper = Actor.for_user(build.user(orgs["g1"], "zongzhi", Role.ORG_STAFF))
    assert meetings.get_meeting(db, upper, meeting.id) is meeting
    other = Actor.for_user(build.user(orgs["b3"], "jiguan", Role.ORG_STAFF))
    with pytest.raises(NotFound):
        meetings.get_meeting(db, other, meeting.id)


def test_completion_rate_of_a_quarter_end_month_by_hand(build, db) -> None:  # type: ignore[no-untyped-def]
    """March checks four rules for b1: 支委会 (March), 党小组会 (March), 党员大会 and 党课 (Q1).
    b1 held a 支委会 in March, a 党员大会 in January, a 党课 in April (next quarter) and an
    unrecorded 党小组会 in March: 2 of 4 met = 50.0%. In February only the monthly rules count,
    and b1 held none: 0 of 2. Attendance in March: 1 of 2 expected at the one recorded meeting."""
    orgs = build.district()
    a = build.member(orgs["b1"], name="张一")
    build.member(orgs["b1"], name="李二")
    build.member(orgs["b2"], name="王三")
    _plan(db, orgs["b1"], "committee", date(2026, 3, 10), present=[a.id])
    _plan(db, orgs["b1"], "assembly", date(2026, 1, 20))
    _plan(db, orgs["b1"], "lecture", date(2026, 4, 2))
    _plan(db, orgs["b1"], "group", date(2026, 3, 12), record=False)
    ids = [orgs["b1"].id, orgs["b2"].id]
    march = meeting_rates.month_rates(db, RULES, ids, 2026, 3)
    b1 = march[orgs["b1"].id]
    assert b1.due == [
        MeetingKind.COMMITTEE,
        MeetingKind.GROUP,
        MeetingKind.ASSEMBLY,
        MeetingKind.LECTURE,
    ]
    assert b1.met == [MeetingKind.COMMITTEE, MeetingKind.ASSEMBLY]
    assert b1.rate_text == "50.0%" and b1.attendance_text == "50.0%"
    assert b1.held[MeetingKind.COMMITTEE] == 1 and b1.held[MeetingKind.GROUP] == 0
    assert march[orgs["b2"].id].rate_text == "0.0%"
    february = meeting_rates.month_rates(db, RULES, ids, 2026, 2)[orgs["b1"].id]
    assert len(february.due) == 2 and february.rate_text == "0.0%"
    assert february.attendance_text == "—"
    april = meeting_rates.month_rates(db, RULES, ids, 2026, 4)[orgs["b1"].id]
    assert april.due == [MeetingKind.COMMITTEE, MeetingKind.GROUP] and april.met == []


def test_missed_frequency_reaches_the_red_warnings_board(build, db, settings) -> None:  # type: ignore[no-untyped-def]
    """Today 2026-04-15: the last finished month is March, the last finished quarter Q1. b1 held
    everything; b2 held only its 支委会; b3 (no members) is not a branch to warn about."""
    orgs = build.district()
    build.member(orgs["b1"], name="张一")
    build.member(orgs["b2"], name="王三")
    for kind in ("committee", "group", "assembly", "lecture"):
        _plan(db, orgs["b1"], kind, date(2026, 3, 3))
    _plan(db, orgs["b2"], "committee", date(2026, 3, 3))
    _plan(db, orgs["b2"], "group", date(2026, 4, 3))  # this month: too late for March
    today = date(2026, 4, 15)
    board = warnings_board.board(db, SYSTEM, today, settings.dues, meetings=RULES)
    assert board.meetings is not None
    rows = [(r.org_name, r.kind_label, r.period) for r in board.meetings.rows]
    assert rows == [
        ("幸福社区第二党支部", "党小组会", "2026年3月"),
        ("幸福社区第二党支部", "党员大会", "2026年第1季度"),
        ("幸福社区第二党支部", "党课", "2026年第1季度"),
    ]
    # the latest 党小组会 is shown, even though it came too late for March
    assert [r.last_held for r in board.meetings.rows] == [date(2026, 4, 3), None, None]
    assert board.meetings.total == 3 and board.total >= 3
    staff_b1 = Actor.for_user(build.user(orgs["b1"], "zhibu", Role.ORG_STAFF))
    assert (
        warnings_board.board(db, staff_b1, today, settings.dues, meetings=RULES).meetings.total == 0
    )
    assert warnings_board.board(db, SYSTEM, today, settings.dues).meetings is None


def test_card_sign_in_once_with_a_masked_name(build, db, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    a = build.member(orgs["b1"], name="张小明")
    outsider = build.member(orgs["b3"], name="赵外人")
    guest = build.member(orgs["b3"], name="钱在职")
    uid_a, uid_out, uid_guest = build.card(a), build.card(outsider), build.card(guest)
    today = date(2026, 5, 8)
    meeting = _plan(db, orgs["b1"], "theme_day", today, record=False)
    first = meeting_sign_in.sign_in_by_card(db, settings, SYSTEM, meeting.id, uid_a, today)
    assert (first.name_masked, first.already, first.present, first.expected) == (
        "张*明",
        False,
        1,
        1,
    )
    again = meeting_sign_in.sign_in_by_card(db, settings, SYSTEM, meeting.id, uid_a, today)
    assert again.already and again.message == "张*明，您已签到，无需重复刷卡" and again.present == 1
    with pytest.raises(Forbidden, match="不在本次会议的参会人员中"):
        meeting_sign_in.sign_in_by_card(db, settings, SYSTEM, meeting.id, uid_out, today)
    with pytest.raises(NotFound, match="未能识别这张卡"):
        meeting_sign_in.sign_in_by_card(db, settings, SYSTEM, meeting.id, "0BADC0DE", today)
    with pytest.raises(Forbidden, match="不在今天"):
        meeting_sign_in.sign_in_by_card(db, settings, SYSTEM, meeting.id, uid_a, date(2026, 5, 9))
    # A member registered with the community branch may sign in to its activities.
    community.register_at_counter(db, SYSTEM, guest.id, orgs["b1"].id, date(2026, 5, 1))
    joined = meeting_sign_in.sign_in_by_card(db, settings, SYSTEM, meeting.id, uid_guest, today)
    assert joined.present == 2 and joined.expected == 1
    signed = db.scalar(select(func.count()).where(AuditEntry.action == "meeting.sign_in"))
    assert signed == 2


def test_community_registration_and_the_activities_joined(build, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    worker = build.member(orgs["b3"], name="钱在职")
    with pytest.raises(Invalid, match="本人所在的党支部"):
        community.register_at_counter(db, SYSTEM, worker.id, orgs["b3"].id, date(2026, 5, 1))
    first = community.register_at_counter(db, SYSTEM, worker.id, orgs["b2"].id, date(2026, 5, 1))
    with pytest.raises(Conflict, match="已在幸福社区第二党支部报到"):
        community.register_at_counter(db, SYSTEM, worker.id, orgs["b2"].id, date(2026, 5, 2))
    moved = community.register_at_counter(db, SYSTEM, worker.id, orgs["b1"].id, date(2026, 6, 1))
    assert first.ended_on == date(2026, 6, 1) and moved.ended_on is None
    before = _plan(
        db, orgs["b1"], "theme_day", date(2026, 5, 20), expected=[worker.id], present=[worker.id]
    )
    after = _plan(
        db, orgs["b1"], "theme_day", date(2026, 6, 20), expected=[worker.id], present=[worker.id]
    )
    assert community.activities(db, moved) == [after]
    assert before.id != after.id
    staff_g1 = Actor.for_user(build.user(orgs["g1"], "zongzhi", Role.ORG_STAFF))
    rows = db.execute(community.registrations_query(staff_g1)).all()
    assert [(r[0].member_id, r.joined) for r in rows] == [(worker.id, 1)]
    staff_c2 = Actor.for_user(build.user(orgs["c2"], "jiedao2", Role.ORG_STAFF))
    assert db.execute(community.registrations_query(staff_c2)).all() == []
