"""The kiosk world's volunteer teams (docs/volunteers.md): the regular member is on one team of
their community with 2.5 hours today, and may join a second; a team of another community is
never offered to them. An activity today is what a kiosk is set to for card sign-in."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Member, Organization, Role
from backend.services import hall_clock, staff_cards, users, volunteer_teams
from backend.services import volunteer_activities as va
from backend.settings import Settings
from tests.builders import PASSWORD, SYSTEM

STAFF_UID = "5A5A0001"  # a staff card (工作证) of a counter clerk, PIN 2468
STAFF_PIN = "2468"


def volunteer_world(
    session: Session, settings: Settings, district: dict[str, Organization]
) -> dict[str, Any]:
    """Needs the world's members 𠮷小明 (regular, 第一支部) and 刘五月 (第二支部: same
    community, on no team)."""
    today = hall_clock.today()
    regular = session.scalars(select(Member).where(Member.name == "𠮷小明")).one()

    def team(org: str, name: str) -> Any:
        data = volunteer_teams.TeamData(
            org_id=district[org].id, name=name, leader="陈志愿", phone="13700001111"
        )
        return volunteer_teams.create_team(session, SYSTEM, data)

    joined = team("g1", "幸福社区志愿服务队")
    open_team = team("b1", "第一支部银龄志愿队")
    team("b3", "机关志愿服务队")
    volunteer_teams.join(session, SYSTEM, joined, regular, via="console", today=today)
    data = va.ActivityData(joined.id, today, "幸福社区广场", "义务理发", "2.5")
    activity = va.create_activity(session, SYSTEM, data, today=today)
    va.staff_add(session, SYSTEM, activity, regular.id, today=today)
    today_activity = va.create_activity(
        session,
        SYSTEM,
        va.ActivityData(joined.id, today, "社区活动室", "手机课堂", "2"),
        today=today,
    )
    clerk = users.create_user(
        session,
        SYSTEM,
        username="qiandao",
        password=PASSWORD,
        full_name="签到员",
        role=Role.COUNTER,
        org=district["district"],
    )
    staff_cards.bind_staff_card(
        session, settings, clerk, uid=STAFF_UID, pin=STAFF_PIN, password=PASSWORD
    )
    return {
        "staff_uid": STAFF_UID,
        "staff_pin": STAFF_PIN,
        "joined_team": joined.name,
        "open_team": open_team.name,
        "other_team": "机关志愿服务队",
        "year_hours": "2.5",
        "activity_id": today_activity.id,
        "not_on_team_masked": "刘*月",
    }
