"""Volunteer hours, scope and audit (docs/volunteers.md): statistics checked against sums done
by hand, staff limited to their subtree, every change one audited row."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.models import AuditEntry, Role
from backend.services import volunteer_activities as va
from backend.services import volunteer_stats, volunteer_teams
from backend.services.actor import Actor
from tests.builders import SYSTEM, Builders

TODAY = date(2026, 12, 3)


def _team(db, org, name: str, phone: str | None = "13700001111"):  # type: ignore[no-untyped-def]
    data = volunteer_teams.TeamData(org_id=org.id, name=name, leader="陈队长", phone=phone)
    return volunteer_teams.create_team(db, SYSTEM, data)


def _activity(db, team, held_on: date, hours: str):  # type: ignore[no-untyped-def]
    data = va.ActivityData(
        team_id=team.id, held_on=held_on, place="社区广场", description="清扫楼道", hours=hours
    )
    return va.create_activity(db, SYSTEM, data, today=TODAY)


def test_hours_per_team_member_and_year_match_a_hand_count(build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    a, b, c = (build.member(orgs["b1"], name=n) for n in ("甲一", "乙二", "丙三"))
    team = _team(db, orgs["g1"], "幸福社区志愿服务队")
    idle = _team(db, orgs["b3"], "机关志愿服务队")
    for m in (a, b, c):
        volunteer_teams.join(db, SYSTEM, team, m, via="console", today=date(2025, 1, 2))
    march = _activity(db, team, date(2026, 3, 5), "2")
    june = _activity(db, team, date(2026, 6, 1), "2.5")
    last_year = _activity(db, team, date(2025, 9, 9), "3")
    va.staff_add(db, SYSTEM, march, a.id, today=TODAY)  # 120
    va.staff_add(db, SYSTEM, march, b.id, today=TODAY)  # 120
    va.staff_add(db, SYSTEM, march, c.id, today=TODAY, hours="1.5")  # 90
    va.staff_add(db, SYSTEM, june, a.id, today=TODAY)  # 150
    va.staff_add(db, SYSTEM, last_year, a.id, today=TODAY)  # 180, not in 2026
    va.set_minutes(db, SYSTEM, march, b.id, "1")  # 120 → 60
    db.commit()
    # 2026: 120 + 60 + 90 + 150 = 420 minutes = 7 hours, 4 sign-ins, 3 people, 2 activities
    rows = db.execute(volunteer_stats.team_stats_query(SYSTEM, 2026)).all()
    assert [(t.name, org, *rest) for t, org, *rest in rows] == [
        ("幸福社区志愿服务队", "幸福社区党总支", 3, 2, 4, 3, 420),
        ("机关志愿服务队", "机关党支部", 0, 0, 0, 0, 0),
    ]
    assert idle.name == rows[1][0].name
    members = db.execute(volunteer_stats.member_stats_query(SYSTEM, 2026)).all()
    assert [(name, n, minutes) for _id, name, _no, _t, _o, n, minutes in members] == [
        ("甲一", 2, 270),
        ("丙三", 1, 90),
        ("乙二", 1, 60),
    ]
    mine = volunteer_stats.member_hours(db, a.id, 2026)
    assert (mine.year_minutes, mine.total_minutes) == (270, 450)
    assert va.format_hours(mine.year_minutes) == "4.5" and va.format_hours(450) == "7.5"
    assert va.format_hours(420) == "7"


@pytest.mark.parametrize(
    ("typed", "minutes"), [("2", 120), ("1.5", 90), ("0.1", 6), (" 24 ", 1440)]
)
def test_hours_are_typed_with_one_decimal_at_most(typed: str, minutes: int) -> None:
    assert va.parse_hours(typed) == minutes


@pytest.mark.parametrize("typed", ["", "两小时", "1.25", "0", "-1", "25", "NaN"])
def test_bad_hours_get_a_chinese_message(typed: str) -> None:
    with pytest.raises(Invalid) as exc:
        va.parse_hours(typed)
    assert "服务时长" in exc.value.message


def test_staff_see_and_change_only_their_subtree(build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    mine = _team(db, orgs["b1"], "第一支部志愿服务队")
    theirs = _team(db, orgs["b3"], "机关志愿服务队")
    branch = Actor.for_user(build.user(orgs["b1"], "zhibu"))
    other_branch = Actor.for_user(build.user(orgs["b2"], "zhibu2"))
    committee = Actor.for_user(build.user(orgs["c1"], "dangwei"))
    auditor = Actor.for_user(build.user(orgs["district"], "shenji", Role.AUDITOR))
    member = build.member(orgs["b1"], name="甲一")
    outsider = build.member(orgs["b3"], name="乙二")
    db.commit()

    def names(actor: Actor) -> list[str]:
        return [t.name for t in db.scalars(volunteer_teams.teams_query(actor))]

    assert names(branch) == ["第一支部志愿服务队"]
    assert names(other_branch) == []
    assert names(committee) == ["第一支部志愿服务队"]
    assert names(SYSTEM) == ["第一支部志愿服务队", "机关志愿服务队"]
    with pytest.raises(NotFound):
        volunteer_teams.get_team(db, other_branch, mine.id)
    with pytest.raises(NotFound):
        volunteer_teams.get_team(db, committee, theirs.id)
    with pytest.raises(NotFound):  # a team for an organization outside one's subtree
        volunteer_teams.create_team(
            db, branch, volunteer_teams.TeamData(org_id=orgs["b3"].id, name="x", leader="y")
        )
    with pytest.raises(Forbidden):
        volunteer_teams.create_team(
            db, auditor, volunteer_teams.TeamData(org_id=orgs["b1"].id, name="x", leader="y")
        )
    with pytest.raises(Invalid) as exc:  # a member of another community
        volunteer_teams.join(db, SYSTEM, mine, outsider, via="console", today=TODAY)
    assert exc.value.code == "team_other_community"
    with pytest.raises(NotFound):  # an activity of a team outside the subtree
        activity = _activity(db, theirs, TODAY, "1")
        va.get_activity(db, branch, activity.id)
    volunteer_teams.join(db, branch, mine, member, via="console", today=TODAY)
    db.commit()
    assert volunteer_teams.is_on_team(db, mine.id, member.id)
    rows = db.execute(volunteer_stats.team_stats_query(branch, TODAY.year)).all()
    assert [r[0].name for r in rows] == ["第一支部志愿服务队"]


def test_every_change_is_audited_with_phones_masked(build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    staff = Actor.for_user(build.user(orgs["g1"], "zongzhi"))
    member = build.member(orgs["b1"], name="甲一")
    team = volunteer_teams.create_team(
        db,
        staff,
        volunteer_teams.TeamData(
            org_id=orgs["g1"].id, name="幸福社区志愿服务队", leader="陈队长", phone="137 0000 1111"
        ),
    )
    assert team.phone == "13700001111"
    volunteer_teams.join(db, staff, team, member, via="console", today=TODAY)
    activity = va.create_activity(
        db, staff, va.ActivityData(team.id, TODAY, "社区广场", "清扫楼道", "2"), today=TODAY
    )
    va.staff_add(db, staff, activity, member.id, today=TODAY)
    va.set_minutes(db, staff, activity, member.id, "3")
    va.remove_participant(db, staff, activity, member.id)
    volunteer_teams.leave(db, staff, team, member.id, today=TODAY)
    db.commit()
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.actor_name == "zongzhi").order_by(AuditEntry.id)
    ).all()
    assert [e.action for e in entries] == [
        "volunteer_team.create",
        "volunteer.join",
        "volunteer_activity.create",
        "volunteer.sign_in",
        "volunteer.hours",
        "volunteer.sign_in_remove",
        "volunteer.leave",
    ]
    assert entries[0].after["phone"] == "137****1111"
    assert entries[4].before == {"member_id": member.id, "minutes": 120}
    assert entries[4].after == {"member_id": member.id, "minutes": 180}
    assert not volunteer_teams.is_on_team(db, team.id, member.id)


def test_sign_in_needs_a_team_member_and_the_day_to_have_come(build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    team = _team(db, orgs["g1"], "幸福社区志愿服务队")
    member = build.member(orgs["b1"], name="甲一")
    ahead = _activity(db, team, date(2026, 12, 10), "2")
    today = _activity(db, team, TODAY, "2")
    with pytest.raises(Conflict) as exc:
        va.staff_add(db, SYSTEM, today, member.id, today=TODAY)
    assert "还不是“幸福社区志愿服务队”的队员" in str(exc.value)
    volunteer_teams.join(db, SYSTEM, team, member, via="console", today=TODAY)
    with pytest.raises(Conflict) as exc:
        va.staff_add(db, SYSTEM, ahead, member.id, today=TODAY)
    assert "当天才能签到" in str(exc.value)
    va.staff_add(db, SYSTEM, today, member.id, today=TODAY)
    with pytest.raises(Conflict) as exc:
        va.staff_add(db, SYSTEM, today, member.id, today=TODAY)
    assert "已签到" in str(exc.value)
