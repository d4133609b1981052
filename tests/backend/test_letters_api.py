"""The letter register and the transfer register through the API: reprints, return slips, the
expired-letter warning list, certificates, floating-member cards, whole-branch moves."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from backend.models import AuditEntry, Membership, Role
from backend.services import hall_clock, transfer_out
from backend.services.dues_year import hall_today
from tests.backend.test_transfers_api import login
from tests.builders import SYSTEM


def test_reprint_return_slip_and_expired_warning_list(client, db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["c1"], "c1staff")
    build.user(orgs["c2"], "c2staff")
    today = hall_today(settings.dues)
    people = [build.member(orgs["b1"], name=n) for n in ("老周", "小吴")]
    for person in people:
        db.scalar(select(Membership).where(Membership.member_id == person.id)).start_date = date(
            2020, 1, 1
        )
    # Two letters issued 40 days ago: both past their 30 days now.
    long_ago = today - timedelta(days=40)
    ids = [
        transfer_out.transfer_out(
            db, SYSTEM, settings, p.id, transfer_out.OutRequest(to_name="外地党委"), today=long_ago
        ).letter_id
        for p in people
    ]
    db.commit()
    c1 = login(client, "c1staff")
    warning = client.get("/api/v1/letters/expired", headers=c1).json["items"]
    assert [(x["name"], x["status_label"]) for x in warning] == [
        ("小吴", "已过期"),
        ("老周", "已过期"),
    ]
    assert client.get("/api/v1/letters/expired", headers=login(client, "c2staff")).json == {
        "items": []
    }

    first = client.get(f"/api/v1/letters/{ids[0]}", headers=c1).json
    assert first["prints"] == 1  # the register counts the print handed out at issue
    again = client.post(f"/api/v1/letters/{ids[0]}/reprint", headers=c1).json
    assert again["prints"] == 2
    # the same paper, marked 补打 (title and each part: count and time), nothing else changed
    assert again["document"]["title"] == first["document"]["title"] + "（补打）"
    unmarked = [
        b
        for b in again["document"]["blocks"]
        if not (b["type"] == "kv" and b["key"] in ("补打次数", "补打时间"))
    ]
    assert unmarked == first["document"]["blocks"]

    r = client.post(
        f"/api/v1/letters/{ids[0]}/return",
        json={"returned_on": today.isoformat(), "handler": "孙干事", "phone": "0755-1234567"},
        headers=c1,
    )
    assert r.status_code == 200, r.json
    assert r.json["status_label"] == "已接收" and r.json["return_handler"] == "孙干事"
    warning = client.get("/api/v1/letters/expired", headers=c1).json["items"]
    assert [x["name"] for x in warning] == ["小吴"]
    r = client.post(f"/api/v1/letters/{ids[1]}/revoke", json={"reason": "遗失"}, headers=c1)
    assert r.json["status_label"] == "已作废"
    assert client.get("/api/v1/letters/expired", headers=c1).json["items"] == []
    # neither a received nor a revoked letter is ever printed again
    for letter_id, message in (
        (ids[0], "的回执已收回，组织关系已接转，不能补打"),
        (ids[1], "已作废，不能补打"),
    ):
        refused = client.post(f"/api/v1/letters/{letter_id}/reprint", headers=c1)
        assert refused.status_code == 409 and refused.json["message"].endswith(message)
    prints = db.scalars(select(AuditEntry).where(AuditEntry.action == "letter.print")).all()
    assert len(prints) == 1
    db.rollback()


def test_certificate_and_floating_card_through_the_api(client, db, build) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["b1"], "b1staff")
    member = build.member(orgs["b1"], name="李四")
    member_id = member.id
    db.commit()
    headers = login(client, "b1staff")
    today = hall_clock.today()
    r = client.post(
        f"/api/v1/members/{member_id}/certificate",
        json={
            "host_name": "某社区党委",
            "start": today.isoformat(),
            "end": (today + timedelta(days=200)).isoformat(),
            "purpose": "务工",
        },
        headers=headers,
    )
    assert r.status_code == 400 and "外出超过六个月" in r.json["message"]
    r = client.post(
        f"/api/v1/members/{member_id}/certificate",
        json={
            "host_name": "某社区党委",
            "start": today.isoformat(),
            "end": (today + timedelta(days=90)).isoformat(),
            "purpose": "务工",
        },
        headers=headers,
    )
    assert r.status_code == 201, r.json
    assert r.json["document"]["title"] == "党员证明信" and r.json["status_label"] == "有效"
    r = client.post(
        f"/api/v1/members/{member_id}/floating-card",
        json={"host_name": "深圳某流动党委", "destination": "广东深圳"},
        headers=headers,
    )
    assert r.status_code == 201, r.json
    assert r.json["number"].startswith("01000000-") and r.json["kind_label"] == "流动党员活动证"
    kinds = client.get("/api/v1/letters?kind=floating", headers=headers).json["items"]
    assert [x["kind"] for x in kinds] == ["floating"]
    # The counter's member screen learns from the member record that this is a floating member.
    assert client.get(f"/api/v1/members/{member_id}", headers=headers).json["floating"] is True


def test_whole_branch_transfer_through_the_api(client, db, build) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["g1"], "g1staff", Role.ORG_STAFF)
    for name in ("甲一", "乙二"):
        build.member(orgs["b1"], name=name)
    b1, b2, b3 = orgs["b1"].id, orgs["b2"].id, orgs["b3"].id
    db.commit()
    headers = login(client, "g1staff")
    r = client.post(
        "/api/v1/transfers/branch", json={"from_org_id": b3, "to_org_id": b1}, headers=headers
    )
    assert r.status_code == 404  # another 党委's branch
    r = client.post(
        "/api/v1/transfers/branch", json={"from_org_id": b1, "to_org_id": b2}, headers=headers
    )
    assert r.status_code == 201, r.json
    assert [t["name"] for t in r.json["transfers"]] == ["甲一", "乙二"]
    assert [d["kind"] for d in r.json["documents"]] == ["slip", "slip", "notice"]
    listed = client.get("/api/v1/transfers?kind=within", headers=headers).json["items"]
    assert sorted(t["name"] for t in listed) == ["乙二", "甲一"]
    assert {t["status_label"] for t in listed} == {"正式"}
