"""The demo's volunteer teams (docs/demo.md): teams in the demo communities with members and a
year of activities, one today for the kiosk's sign-in, and the first showcase card on a team."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from backend.models import VolunteerActivity, VolunteerParticipation, VolunteerTeam
from backend.services import demo, volunteer_stats
from backend.services.actor import Actor
from tests.backend.test_demo import MEMBERS, fast_password_hashes  # noqa: F401


def test_demo_teams_have_members_a_year_of_activities_and_hours(
    db, settings, tmp_path, client
) -> None:  # type: ignore[no-untyped-def]
    report = demo.generate(
        db, settings, member_count=MEMBERS, device_key_path=tmp_path / "kiosk-device.key"
    )
    db.commit()
    teams = db.scalars(select(VolunteerTeam).order_by(VolunteerTeam.id)).all()
    assert len(teams) >= 2 and all(t.name.endswith("党员志愿服务队") for t in teams)
    dates = db.scalars(select(VolunteerActivity.held_on)).all()
    assert report.today in dates
    assert min(dates) >= report.today - timedelta(days=366)
    assert len(dates) == len(teams) * 13
    assert db.scalar(select(func.count()).select_from(VolunteerParticipation)) > 3 * 12
    rows = db.execute(volunteer_stats.team_stats_query(Actor.system(), report.today.year)).all()
    assert all(members > 0 for _t, _o, members, *_rest in rows)
    db.rollback()
    device = {"X-Device-Key": report.device_key}
    for card, on_team in ((report.demo_cards[0], True), (report.demo_cards[1], False)):
        tap = client.post("/api/v1/kiosk/card-session", json={"uid": card.uid}, headers=device)
        mine = client.get(
            "/api/v1/kiosk/session/volunteering",
            headers={**device, "X-Kiosk-Session": tap.json["token"]},
        ).json
        assert any(t["joined"] for t in mine["teams"]) is on_team, card.note
        assert (mine["total_hours"] != "0") is on_team
