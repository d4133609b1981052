"""Volunteers over HTTP (docs/volunteers.md): staff set a kiosk to today's activity with their
staff card and PIN, members sign in by tapping their card (twice = 已签到), a member joins a
team of their community at the kiosk and sees their own hours — all masked."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.models import AuditEntry, Role, VolunteerParticipation
from backend.services import hall_clock, staff_cards, volunteer_teams
from tests.builders import PASSWORD, SYSTEM, Builders

STAFF_UID = "5A5A0001"
STAFF_PIN = "2468"


def _world(build: Builders, db, app):  # type: ignore[no-untyped-def]
    orgs = build.district()
    clerk = build.user(orgs["district"], "chuangkou", Role.COUNTER)
    staff_cards.bind_staff_card(
        db, build.settings, clerk, uid=STAFF_UID, pin=STAFF_PIN, password=PASSWORD
    )
    volunteer = build.member(orgs["b1"], name="欧阳小明")
    stranger = build.member(orgs["b2"], name="李四")
    far = build.member(orgs["b3"], name="赵五")
    cards = {m.name: build.card(m) for m in (volunteer, stranger, far)}
    team = volunteer_teams.create_team(
        db,
        SYSTEM,
        volunteer_teams.TeamData(
            org_id=orgs["g1"].id, name="幸福社区志愿服务队", leader="陈队长", phone="13700001111"
        ),
    )
    volunteer_teams.join(db, SYSTEM, team, volunteer, via="console", today=hall_clock.today())
    key = build.device()
    db.commit()
    return orgs, team, cards, key


def _staff_on_kiosk(client, key: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Staff card + PIN on the kiosk, as the kiosk's sign-in does it."""
    r = client.post(
        "/api/v1/auth/card-login",
        json={"uid": STAFF_UID, "pin": STAFF_PIN},
        headers={"X-Device-Key": key},
    )
    assert r.status_code == 200, r.json
    return {"Authorization": f"Bearer {r.json['token']}", "X-Device-Key": key}


def _new_activity(client, staff, team_id: int, on=None) -> int:  # type: ignore[no-untyped-def]
    r = client.post(
        "/api/v1/volunteer-activities",
        json={
            "team_id": team_id,
            "held_on": (on or hall_clock.today()).isoformat(),
            "place": "幸福社区广场",
            "description": "义务理发、测血压",
            "hours": "2.5",
        },
        headers={"Authorization": staff["Authorization"]},
    )
    assert r.status_code == 201, r.json
    return r.json["id"]


def test_a_card_tap_signs_the_member_in_once(client, build, db, app) -> None:  # type: ignore[no-untyped-def]
    _orgs, team, cards, key = _world(build, db, app)
    staff = _staff_on_kiosk(client, key)
    activity_id = _new_activity(client, staff, team.id)
    listed = client.get("/api/v1/volunteer-activities", headers=staff).json["items"]
    assert [a["id"] for a in listed] == [activity_id]
    r = client.post(f"/api/v1/volunteer-activities/{activity_id}/sign-in-desk", headers=staff)
    assert r.status_code == 201, r.json
    device = {"X-Device-Key": key}
    desk = client.get("/api/v1/kiosk/volunteer-desk", headers=device).json
    assert desk["team"] == "幸福社区志愿服务队" and desk["signed_in"] == 0

    tap = lambda uid: client.post(  # noqa: E731
        "/api/v1/kiosk/volunteer-desk/check-in", json={"uid": uid}, headers=device
    )
    first = tap(cards["欧阳小明"])
    assert first.status_code == 200, first.json
    assert first.json == {
        "already": False,
        "name_masked": "欧**明",
        "hours": "2.5",
        "signed_in": 1,
        "message": "欧**明签到成功",
    }
    again = tap(cards["欧阳小明"])
    assert again.json["already"] is True and again.json["message"] == "欧**明已签到"
    assert again.json["signed_in"] == 1

    not_on_team = tap(cards["李四"])
    assert not_on_team.status_code == 409 and not_on_team.json["code"] == "not_on_team"
    assert "李*还不是“幸福社区志愿服务队”的队员" in not_on_team.json["message"]
    assert "李四" not in not_on_team.get_data(as_text=True)
    unknown = tap("DEADBEEF")
    assert unknown.status_code == 404 and "未能识别这张卡" in unknown.json["message"]

    rows = db.scalars(select(VolunteerParticipation)).all()
    assert [(r.minutes, r.via) for r in rows] == [(150, "card")]
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "volunteer.sign_in"))
    assert entry is not None and entry.actor_type == "device"
    db.rollback()  # end the test's read before the app writes again (SQLite's one writer)

    closed = client.post("/api/v1/volunteer-sign-in-desk/close", headers=staff)
    assert closed.status_code == 204
    after = tap(cards["欧阳小明"])
    assert after.status_code == 409 and after.json["code"] == "no_sign_in_desk"


def test_a_desk_is_only_for_today_and_only_on_a_kiosk(client, build, db, app) -> None:  # type: ignore[no-untyped-def]
    _orgs, team, _cards, key = _world(build, db, app)
    staff = _staff_on_kiosk(client, key)
    tomorrow = _new_activity(client, staff, team.id, hall_clock.today() + timedelta(days=1))
    r = client.post(f"/api/v1/volunteer-activities/{tomorrow}/sign-in-desk", headers=staff)
    assert r.status_code == 409 and r.json["code"] == "activity_not_today"
    today = _new_activity(client, staff, team.id)
    bearer_only = {"Authorization": staff["Authorization"]}
    r = client.post(f"/api/v1/volunteer-activities/{today}/sign-in-desk", headers=bearer_only)
    assert r.status_code == 400 and "查询机" in r.json["message"]
    # a kiosk alone (no staff) cannot set itself
    r = client.post(
        f"/api/v1/volunteer-activities/{today}/sign-in-desk", headers={"X-Device-Key": key}
    )
    assert r.status_code in (401, 403)


def test_a_member_joins_a_team_of_their_community_at_the_kiosk(client, build, db, app) -> None:  # type: ignore[no-untyped-def]
    orgs, team, cards, key = _world(build, db, app)
    elsewhere = volunteer_teams.create_team(
        db,
        SYSTEM,
        volunteer_teams.TeamData(org_id=orgs["b3"].id, name="机关志愿服务队", leader="钱队长"),
    )
    db.commit()
    device = {"X-Device-Key": key}
    token = client.post(
        "/api/v1/kiosk/card-session", json={"uid": cards["李四"]}, headers=device
    ).json["token"]
    session = {**device, "X-Kiosk-Session": token}
    mine = client.get("/api/v1/kiosk/session/volunteering", headers=session).json
    assert [(t["name"], t["joined"]) for t in mine["teams"]] == [("幸福社区志愿服务队", False)]
    assert mine["teams"][0]["phone_masked"] == "137****1111"
    assert mine["teams"][0]["leader_masked"] == "陈*长"
    assert "13700001111" not in str(mine)
    assert mine["year_hours"] == "0"
    r = client.post(f"/api/v1/kiosk/session/volunteering/teams/{team.id}/join", headers=session)
    assert r.status_code == 200, r.json
    assert r.json["teams"][0]["joined"] is True
    again = client.post(f"/api/v1/kiosk/session/volunteering/teams/{team.id}/join", headers=session)
    assert again.status_code == 409 and again.json["message"] == "已是“幸福社区志愿服务队”的队员"
    other = client.post(
        f"/api/v1/kiosk/session/volunteering/teams/{elsewhere.id}/join", headers=session
    )
    assert other.status_code == 404
    entry = db.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "volunteer.join")
        .order_by(AuditEntry.id.desc())
    )
    assert entry is not None and entry.actor_type == "device"
    assert entry.after["via"] == "kiosk"
    db.rollback()
    # without a card session nothing is shown
    assert client.get("/api/v1/kiosk/session/volunteering", headers=device).status_code == 401


def test_the_counter_clerk_puts_a_member_on_a_team(client, build, db, app) -> None:  # type: ignore[no-untyped-def]
    orgs, team, _cards, _key = _world(build, db, app)
    newcomer = build.member(orgs["b2"], name="孙七")
    build.user(orgs["district"], "shenji", Role.AUDITOR)
    newcomer_id, team_id = newcomer.id, team.id
    db.commit()
    counter = client.post(
        "/api/v1/auth/login", json={"username": "chuangkou", "password": PASSWORD}
    )
    headers = {"Authorization": f"Bearer {counter.json['token']}"}
    r = client.post(
        f"/api/v1/volunteer-teams/{team_id}/members",
        json={"member_id": newcomer_id},
        headers=headers,
    )
    assert r.status_code == 201 and r.json["via"] == "counter"
    listed = client.get("/api/v1/volunteer-teams", headers=headers).json["items"]
    assert listed[0]["phone_masked"] == "137****1111"
    auditor = client.post("/api/v1/auth/login", json={"username": "shenji", "password": PASSWORD})
    refused = client.post(
        f"/api/v1/volunteer-teams/{team_id}/members",
        json={"member_id": newcomer_id},
        headers={"Authorization": f"Bearer {auditor.json['token']}"},
    )
    assert refused.status_code == 403 and refused.json["code"] == "role_forbidden"
