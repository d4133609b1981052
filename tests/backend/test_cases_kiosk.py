"""A member's own cases at the kiosk (docs/cases.md): a hardship application submitted after a
card tap, routed and answered by staff through the API, and the reply on the next tap; the
受理回执 decoded from ESC/POS with its QR code opened on the public verification page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from backend.models import MemberStatus, Role
from backend.services.dues_year import hall_today
from devices.printer import PrintDocument, PrinterProfile, render_escpos
from tests.builders import PASSWORD, Builders
from tests.devices.escpos_decoder import decode, lines, native_qrs


def _tap(client, uid: str, key: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key})
    assert r.status_code == 201, r.json
    return {"X-Device-Key": key, "X-Kiosk-Session": r.json["token"]}


def _staff(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json['token']}"}


def _printed(document: dict[str, Any]) -> tuple[list[str], list[str]]:
    items = decode(render_escpos(PrintDocument.from_dict(document), PrinterProfile()))
    return [line.strip() for line in lines(items)], [q.data.decode() for q in native_qrs(items)]


def test_hardship_from_the_kiosk_is_routed_answered_and_shown_on_the_next_tap(
    client, build: Builders, db
) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="陈困难")
    neighbour = build.member(orgs["b1"], name="邻居")
    uid, other_uid = build.card(member), build.card(neighbour)
    key = build.device()
    build.user(orgs["c1"], "dangwei")
    build.user(orgs["b1"], "zhibu")
    db.commit()

    kiosk = _tap(client, uid, key)
    offered = client.get("/api/v1/kiosk/session/cases", headers=kiosk).json
    kinds = {c["type"]: c["topics"] for c in offered["choices"]}
    assert set(kinds) == {"suggestion", "hardship", "talk"}  # 转正 only for a probationer
    assert offered["cases"] == []
    bad = client.post(
        "/api/v1/kiosk/session/cases", json={"type": "hardship", "topic": "随便写"}, headers=kiosk
    )
    assert bad.status_code == 400 and bad.json["message"] == "请从列出的事由中选择"
    r = client.post(
        "/api/v1/kiosk/session/cases",
        json={"type": "hardship", "topic": kinds["hardship"][0], "text": "住院三个月"},
        headers=kiosk,
    )
    assert r.status_code == 201, r.json
    number = r.json["number"]
    printed, codes = _printed(r.json["receipt"])
    assert any(number in line for line in printed) and "受理回执" in printed
    assert "陈困难" not in "".join(printed)  # masked: 陈**
    (code,) = codes
    url = urlsplit(code)
    check = client.get(url.path + "?format=json").json
    assert (check["status_label"], check["number"]) == ("有效", number)
    forged = client.get(url.path[:-1] + ("0" if url.path[-1] != "0" else "1") + "?format=json")
    assert forged.json["status_label"] == "无效"
    client.delete("/api/v1/kiosk/session", headers=kiosk)

    committee, branch = _staff(client, "dangwei"), _staff(client, "zhibu")
    (listed,) = client.get("/api/v1/cases?type=hardship", headers=committee).json["items"]
    assert (listed["number"], listed["applicant_name"], listed["detail"]) == (
        number,
        "陈困难",
        "住院三个月",
    )
    routed = client.post(
        f"/api/v1/cases/{listed['id']}/route", json={"org_id": orgs["b1"].id}, headers=committee
    )
    assert routed.status_code == 200 and routed.json["state_label"] == "已转办"
    answer = "支部已上门看望，申请临时救助金2000元"
    replied = client.post(
        f"/api/v1/cases/{listed['id']}/reply", json={"text": answer}, headers=branch
    )
    assert replied.status_code == 200, replied.json

    again = client.get("/api/v1/kiosk/session/cases", headers=_tap(client, uid, key)).json
    (mine,) = again["cases"]
    assert (mine["number"], mine["state_label"], mine["reply"]) == (number, "已答复", answer)
    theirs = client.get("/api/v1/kiosk/session/cases", headers=_tap(client, other_uid, key)).json
    assert theirs["cases"] == []


def test_kiosk_requests_are_limited_and_need_an_open_session(client, build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    uid = build.card(build.member(orgs["b2"]))
    key = build.device()
    db.commit()
    kiosk = _tap(client, uid, key)
    for _ in range(3):
        r = client.post(
            "/api/v1/kiosk/session/cases",
            json={"type": "suggestion", "topic": "服务大厅"},
            headers=kiosk,
        )
        assert r.status_code == 201
    r = client.post(
        "/api/v1/kiosk/session/cases",
        json={"type": "suggestion", "topic": "服务大厅"},
        headers=kiosk,
    )
    assert r.status_code == 409 and "正在办理" in r.json["message"]
    r = client.post(
        "/api/v1/kiosk/session/cases",
        json={"type": "talk", "topic": "工作建议", "talk_with": "org_head"},
        headers=kiosk,
    )
    assert r.status_code == 201
    client.delete("/api/v1/kiosk/session", headers=kiosk)
    r = client.get("/api/v1/kiosk/session/cases", headers=kiosk)
    assert r.status_code == 401


def test_counter_clerk_accepts_but_does_not_route(client, build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"])
    build.user(orgs["district"], "chuangkou", Role.COUNTER)
    db.commit()
    clerk = _staff(client, "chuangkou")
    r = client.post(
        "/api/v1/cases",
        json={"member_id": member.id, "type": "employment", "topic": "求职登记"},
        headers=clerk,
    )
    assert r.status_code == 201 and r.json["receipt"]["blocks"]
    r = client.post(
        f"/api/v1/cases/{r.json['case']['id']}/route", json={"partner": "区人才市场"}, headers=clerk
    )
    assert r.status_code == 403


def test_a_probationer_applies_for_conversion_due_at_the_end_of_probation(
    client, build: Builders, db, settings
) -> None:  # type: ignore[no-untyped-def]
    joined = hall_today(settings.dues) - timedelta(days=200)
    orgs = build.district()
    probationer = build.member(orgs["b1"], status=MemberStatus.PROBATIONARY, joined=joined)
    uid = build.card(probationer)
    key = build.device()
    db.commit()
    kiosk = _tap(client, uid, key)
    offered = client.get("/api/v1/kiosk/session/cases", headers=kiosk).json
    (conversion,) = [c for c in offered["choices"] if c["type"] == "conversion"]
    body = {"type": "conversion", "topic": conversion["topics"][0]}
    r = client.post("/api/v1/kiosk/session/cases", json=body, headers=kiosk)
    assert r.status_code == 201, r.json
    assert r.json["due_on"] == joined.replace(year=joined.year + 1).isoformat()
    again = client.post("/api/v1/kiosk/session/cases", json=body, headers=kiosk)
    assert (
        again.status_code == 409 and again.json["message"] == "您的转正申请正在办理中，请勿重复提交"
    )
