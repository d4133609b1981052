"""Meetings and 社区报到 through the JSON API: scope (a branch's staff plan their own branch, the
总支 sees both of its branches, another 党委 sees nothing), the policy (the counter clerk may
register a member with a community but not plan meetings), card sign-in answers only the masked
name, and the kiosk's own registration needs the member's card session (docs/meetings.md)."""

from __future__ import annotations

from backend.models import Role
from backend.services import hall_clock
from tests.builders import PASSWORD


def _token(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json['token']}"}


def _hall(build, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    a = build.member(orgs["b1"], name="张小明")
    b = build.member(orgs["b1"], name="李二")
    worker = build.member(orgs["b3"], name="钱在职")
    uids = {"a": build.card(a), "worker": build.card(worker)}
    for name, role, org in (
        ("zhibu", Role.ORG_STAFF, "b1"),
        ("zongzhi", Role.ORG_STAFF, "g1"),
        ("jiguan", Role.ORG_STAFF, "b3"),
        ("chuangkou", Role.COUNTER, "district"),
    ):
        build.user(orgs[org], name, role)
    key = build.device()
    db.commit()
    return orgs, (a, b, worker), uids, key


def test_branch_staff_plan_record_and_sign_in_through_the_api(client, build, db) -> None:  # type: ignore[no-untyped-def]
    orgs, (a, b, _worker), uids, _key = _hall(build, db)
    today = hall_clock.today().isoformat()
    zhibu = _token(client, "zhibu")
    body = {
        "org_id": orgs["b1"].id,
        "kind": "theme_day",
        "topic": "主题党日",
        "held_on": today,
        "start_time": "09:00",
    }
    other = client.post("/api/v1/meetings", json={**body, "org_id": orgs["b2"].id}, headers=zhibu)
    assert other.status_code == 404 and other.json["code"] == "org_not_found"
    bad = client.post("/api/v1/meetings", json={**body, "kind": "picnic"}, headers=zhibu)
    assert bad.status_code == 400 and "会议类型只能是" in bad.json["message"]
    counter = client.post("/api/v1/meetings", json=body, headers=_token(client, "chuangkou"))
    assert counter.status_code == 403 and counter.json["code"] == "role_forbidden"
    created = client.post("/api/v1/meetings", json=body, headers=zhibu)
    assert created.status_code == 201, created.json
    meeting = created.json
    assert (meeting["expected"], meeting["present"], meeting["start_time"]) == (2, 0, "09:00")
    mid = meeting["id"]

    signed = client.post(f"/api/v1/meetings/{mid}/sign-in", json={"uid": uids["a"]}, headers=zhibu)
    assert signed.json == {
        "name_masked": "张*明",
        "already": False,
        "message": "张*明，签到成功",
        "present": 1,
        "expected": 2,
    }
    again = client.post(f"/api/v1/meetings/{mid}/sign-in", json={"uid": uids["a"]}, headers=zhibu)
    assert again.json["already"] is True and again.json["present"] == 1
    stranger = client.post(
        f"/api/v1/meetings/{mid}/sign-in", json={"uid": uids["worker"]}, headers=zhibu
    )
    assert stranger.status_code == 403 and stranger.json["code"] == "meeting_not_expected"

    listed = client.get("/api/v1/meetings/today", headers=_token(client, "zongzhi")).json
    assert [m["id"] for m in listed["items"]] == [mid]
    jiguan = _token(client, "jiguan")
    assert client.get("/api/v1/meetings/today", headers=jiguan).json["items"] == []
    assert client.get(f"/api/v1/meetings/{mid}", headers=jiguan).status_code == 404

    record = {k: v for k, v in body.items() if k != "org_id"} | {
        "minutes": "学习讨论。",
        "absences": [{"member_id": b.id, "reason": "病假"}],
    }
    done = client.post(f"/api/v1/meetings/{mid}/record", json=record, headers=zhibu)
    assert done.status_code == 200 and done.json["recorded"] is True
    detail = client.get(f"/api/v1/meetings/{mid}", headers=_token(client, "zongzhi")).json
    states = {x["name"]: (x["state"], x["absence_reason"]) for x in detail["attendees"]}
    assert states == {"张小明": ("present", None), "李二": ("absent", "病假")}
    assert detail["minutes"] == "学习讨论。"

    month = hall_clock.today().strftime("%Y-%m")
    rates = client.get(f"/api/v1/meetings/rates?month={month}", headers=zhibu).json
    assert [r["org_name"] for r in rates["items"]] == ["幸福社区第一党支部"]
    assert rates["items"][0]["held"]["theme_day"] == 1
    assert rates["items"][0]["attendance"] == "50.0%"
    wrong = client.get("/api/v1/meetings/rates?month=2026-13", headers=zhibu)
    assert wrong.status_code == 400 and wrong.json["message"] == "月份应为YYYY-MM"


def test_community_registration_at_the_counter_and_at_the_kiosk(client, build, db) -> None:  # type: ignore[no-untyped-def]
    orgs, (_a, _b, worker), uids, key = _hall(build, db)
    counter = _token(client, "chuangkou")
    r = client.post(
        "/api/v1/community/registrations",
        json={"member_id": worker.id, "org_id": orgs["b2"].id},
        headers=counter,
    )
    assert r.status_code == 201 and r.json["org_name"] == "幸福社区第二党支部"
    device = {"X-Device-Key": key}
    branches = client.get("/api/v1/kiosk/community/branches", headers=device).json["items"]
    assert [x["name"] for x in branches] == [
        "幸福社区第一党支部",
        "幸福社区第二党支部",
        "机关党支部",
    ]
    no_session = client.post(
        "/api/v1/kiosk/session/community", json={"org_id": orgs["b1"].id}, headers=device
    )
    assert no_session.status_code == 401
    session = client.post(
        "/api/v1/kiosk/card-session", json={"uid": uids["worker"]}, headers=device
    ).json["token"]
    moved = client.post(
        "/api/v1/kiosk/session/community",
        json={"org_id": orgs["b1"].id},
        headers={**device, "X-Kiosk-Session": session},
    )
    assert moved.json == {
        "name_masked": "钱*职",
        "org_name": "幸福社区第一党支部",
        "message": "钱*职，您已到幸福社区第一党支部报到",
    }
    twice = client.post(
        "/api/v1/kiosk/session/community",
        json={"org_id": orgs["b1"].id},
        headers={**device, "X-Kiosk-Session": session},
    )
    assert twice.status_code == 409 and "无需重复报到" in twice.json["message"]
