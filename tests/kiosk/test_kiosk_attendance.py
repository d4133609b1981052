"""The meeting attendance mode under a real Kivy window against the real backend: two members'
cards sign in, a second tap says 已签到, a stranger's and an unknown card are refused, nothing
prints, and the staff PIN ends the mode (scenario in ``scenarios_attendance.py``)."""

from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from backend.models import (
    AuditEntry,
    CommunityRegistration,
    MeetingAttendance,
    Member,
    Organization,
    Role,
)
from backend.services import hall_clock, meetings, staff_cards
from backend.settings import Settings
from tests.builders import PASSWORD, SYSTEM, Builders
from tests.kiosk.conftest import Runner
from tests.kiosk.world import CARD_UID_KEY, SECRET_KEY

STAFF_UID = "5AFF0016"
STAFF_PIN = "2468"


def _prepare(world: dict[str, Any]) -> dict[str, Any]:
    """A branch staff member with a staff card, and today's 主题党日 of the regular member's
    branch expecting the regular and the reminder members (the latter from the next branch)."""
    settings = Settings(
        database_url=world["database_url"], secret_key=SECRET_KEY, card_uid_key=CARD_UID_KEY
    )
    engine = create_engine(world["database_url"])
    with Session(engine) as session:
        build = Builders(session, settings)
        names = [world["members"][k]["name"] for k in ("regular", "reminder")]
        people = {m.name: m for m in session.scalars(select(Member).where(Member.name.in_(names)))}
        regular, reminder = (people[n] for n in names)
        branch = session.get(Organization, regular.org_id)
        assert branch is not None and branch.parent is not None
        user = build.user(branch.parent, "zongzhi-att", Role.ORG_STAFF)
        staff_cards.bind_staff_card(
            session, settings, user, uid=STAFF_UID, pin=STAFF_PIN, password=PASSWORD
        )
        data = meetings.MeetingInput(
            kind="theme_day", topic="刷卡签到测试", held_on=hall_clock.today(), start_time=time(9)
        )
        meeting = meetings.plan_meeting(session, SYSTEM, branch.id, data, [regular.id, reminder.id])
        session.commit()
        facts = {
            "staff_uid": STAFF_UID,
            "pin": STAFF_PIN,
            "meeting_id": meeting.id,
            "meeting_label": f"主题党日：刷卡签到测试（{branch.name} 09:00）",
        }
    engine.dispose()
    return facts


def test_attendance_mode_signs_two_cards_in_once(
    run_scenario: Runner, kiosk_world: tuple[Path, dict[str, Any]]
) -> None:
    _path, world = kiosk_world
    facts = _prepare(world)
    run_scenario("attendance_sign_in", facts=facts)
    engine = create_engine(world["database_url"])
    with Session(engine) as session:
        rows = session.scalars(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == facts["meeting_id"])
        ).all()
        assert sorted((r.state.value, r.signed_in_via) for r in rows) == [
            ("present", "kiosk"),
            ("present", "kiosk"),
        ]
        signed = session.scalars(
            select(AuditEntry.actor_name).where(AuditEntry.action == "meeting.sign_in")
        ).all()
        assert signed == ["zongzhi-att", "zongzhi-att"]  # the duplicate tap changed nothing
    engine.dispose()


def test_a_member_registers_with_a_community_branch_by_card(
    run_scenario: Runner, kiosk_world: tuple[Path, dict[str, Any]]
) -> None:
    _path, world = kiosk_world
    engine = create_engine(world["database_url"])
    with Session(engine) as session:
        regular = session.scalar(
            select(Member).where(Member.name == world["members"]["regular"]["name"])
        )
        assert regular is not None
        community = session.get(Organization, regular.org_id).name  # type: ignore[union-attr]
    run_scenario("community_register", facts={"community": community})
    with Session(engine) as session:
        final = session.scalar(
            select(Member).where(Member.name == world["members"]["final"]["name"])
        )
        rows = session.scalars(
            select(CommunityRegistration).where(CommunityRegistration.member_id == final.id)  # type: ignore[union-attr]
        ).all()
        assert [(r.via, r.ended_on) for r in rows] == [("kiosk", None)]
    engine.dispose()
