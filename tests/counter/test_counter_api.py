"""The counter's own endpoints: cards at the desk (办卡 / 补卡 / 挂失), staff card + PIN
sign-in, and the branches a transfer may pick — on both databases."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from backend.models import AuditEntry, Card, CardState
from tests.builders import PASSWORD, Builders
from tests.devices.escpos_decoder import decode, lines

BLANK = "04A1B2C3"
OTHER_BLANK = "04D5E6F7"


def login(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.json
    return {"Authorization": f"Bearer {r.json['token']}"}


@pytest.fixture
def desk(client, build: Builders, db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    orgs = build.district()
    people = {
        "b1": build.member(orgs["b1"], name="张伟"),
        "b2": build.member(orgs["b2"], name="李娜"),
        "b3": build.member(orgs["b3"], name="王芳"),
    }
    uid_b3 = build.card(people["b3"])
    build.user(orgs["g1"], "zongzhi")
    build.user(orgs["b1"], "branch1")
    device = build.device("hall-kiosk")
    db.commit()
    return {
        "orgs": orgs,
        "people": people,
        "uid_b3": uid_b3,
        "g1": login(client, "zongzhi"),
        "b1": login(client, "branch1"),
        "device": {"X-Device-Key": device},
    }


def lookup(client, headers: dict[str, str], uid: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/counter/cards/lookup", json={"uid": uid}, headers=headers)
    assert r.status_code == 200, r.json
    return r.json


def printed(document: dict[str, Any]) -> str:
    from devices.printer import PrintDocument, PrinterProfile, render_escpos

    data = render_escpos(PrintDocument.from_dict(document), PrinterProfile())
    return "\n".join(lines(decode(data)))


def test_blank_card_is_issued_with_a_slip_and_then_opens_its_member(client, desk, db) -> None:  # type: ignore[no-untyped-def]
    member = desk["people"]["b1"]
    blank = lookup(client, desk["g1"], BLANK)
    assert blank["state"] == "unknown" and blank["member"] is None
    assert blank["message"] == "这是一张未登记的空白卡，可以发给党员"
    r = client.post(f"/api/v1/members/{member.id}/cards", json={"uid": BLANK}, headers=desk["g1"])
    assert r.status_code == 201, r.json
    assert (r.json["card_no"], r.json["issue_seq"], r.json["state_label"]) == (
        member.card_no,
        1,
        "正常",
    )
    text = printed(r.json["document"])
    assert "党员卡发卡凭条" in text and member.card_no in text and "张*" in text
    assert "幸福社区第一党支部" in text and "第1张" in text
    known = lookup(client, desk["g1"], BLANK)
    assert known["state"] == "active"
    assert known["member"] == {
        "id": member.id,
        "name": "张伟",
        "org_name": "幸福社区第一党支部",
        "card_no": member.card_no,
        "archived": False,
    }
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.entity_type == "card")).all()
    assert actions.count("card.issue") == 2  # the builder's card for 王芳, and this one


def test_a_card_bound_to_someone_else_is_refused_with_the_reason(client, desk) -> None:  # type: ignore[no-untyped-def]
    member = desk["people"]["b1"]
    r = client.post(
        f"/api/v1/members/{member.id}/cards", json={"uid": desk["uid_b3"]}, headers=desk["g1"]
    )
    assert r.status_code == 409
    assert r.json["message"] == "这张卡已登记给王*（正常），不能再发给他人"
    outside = lookup(client, desk["g1"], desk["uid_b3"])
    assert outside["member"] is None and outside["owner_masked"] == "王*"
    assert outside["message"] == "这张卡已登记给王*（正常），不在您的管理范围内"


def test_report_lost_stops_the_card_on_kiosks_at_once_and_replace_issues_card_two(  # type: ignore[no-untyped-def]
    client, desk, db
) -> None:
    member = desk["people"]["b1"]
    url = f"/api/v1/members/{member.id}/cards"
    assert client.post(url, json={"uid": BLANK}, headers=desk["g1"]).status_code == 201
    kiosk = client.post("/api/v1/kiosk/card-session", json={"uid": BLANK}, headers=desk["device"])
    assert kiosk.status_code == 201, kiosk.json
    r = client.post(f"{url}/lost", headers=desk["g1"])
    assert r.status_code == 200, r.json
    assert r.json["state_label"] == "已挂失"
    again = client.post("/api/v1/kiosk/card-session", json={"uid": BLANK}, headers=desk["device"])
    assert again.status_code >= 400 and "挂失" in again.json["message"]
    lost_again = client.post(f"{url}/lost", headers=desk["g1"])
    assert lost_again.status_code == 409
    assert lost_again.json["message"] == "该党员没有在用的党员卡，无需挂失"
    r = client.post(url, json={"uid": OTHER_BLANK, "replace": "lost"}, headers=desk["g1"])
    assert r.status_code == 201, r.json
    assert r.json["issue_seq"] == 2 and r.json["card_no"] == member.card_no
    assert "党员卡补卡凭条" in printed(r.json["document"])
    assert lookup(client, desk["g1"], BLANK)["state_label"] == "已挂失"


def test_a_failed_replacement_leaves_the_old_card_working(client, desk, db) -> None:  # type: ignore[no-untyped-def]
    member = desk["people"]["b1"]
    url = f"/api/v1/members/{member.id}/cards"
    assert client.post(url, json={"uid": BLANK}, headers=desk["g1"]).status_code == 201
    r = client.post(url, json={"uid": desk["uid_b3"], "replace": "lost"}, headers=desk["g1"])
    assert r.status_code == 409
    assert lookup(client, desk["g1"], BLANK)["state"] == "active"
    cards = db.scalar(select(func.count()).select_from(Card).where(Card.member_id == member.id))
    assert cards == 1


def test_cards_of_members_outside_the_scope_cannot_be_touched(client, desk) -> None:  # type: ignore[no-untyped-def]
    other = desk["people"]["b2"]
    r = client.post(f"/api/v1/members/{other.id}/cards", json={"uid": BLANK}, headers=desk["b1"])
    assert r.status_code == 404
    assert r.json["message"] == "未找到该党员，或不在您的管理范围内"
    lost = client.post(f"/api/v1/members/{other.id}/cards/lost", headers=desk["b1"])
    assert lost.status_code == 404


def test_staff_card_and_pin_sign_in(client, desk, db, settings) -> None:  # type: ignore[no-untyped-def]
    staff_uid = "A1B2C3D4"
    bind = "/api/v1/auth/staff-card"
    wrong = client.post(
        bind, json={"uid": staff_uid, "pin": "2468", "password": "nope"}, headers=desk["b1"]
    )
    assert wrong.status_code == 400 and wrong.json["message"] == "登录密码不正确"
    short = client.post(
        bind, json={"uid": staff_uid, "pin": "12", "password": PASSWORD}, headers=desk["b1"]
    )
    assert short.json["message"] == "PIN应为4至8位数字"
    member_card = client.post(
        bind, json={"uid": desk["uid_b3"], "pin": "2468", "password": PASSWORD}, headers=desk["b1"]
    )
    assert member_card.status_code == 409
    assert member_card.json["message"] == "这是一张在用的党员卡，不能作为工作证"
    ok = client.post(
        bind, json={"uid": staff_uid, "pin": "2468", "password": PASSWORD}, headers=desk["b1"]
    )
    assert ok.status_code == 204, ok.json
    taken = client.post(
        bind, json={"uid": staff_uid, "pin": "1357", "password": PASSWORD}, headers=desk["g1"]
    )
    assert taken.json["message"] == "这张卡已绑定给其他工作人员"

    card_login = "/api/v1/auth/card-login"
    device = desk["device"]
    anywhere = client.post(card_login, json={"uid": staff_uid, "pin": "2468"})
    assert anywhere.status_code == 401 and anywhere.json["message"] == "缺少设备密钥"
    forged = client.post(
        card_login, json={"uid": staff_uid, "pin": "2468"}, headers={"X-Device-Key": "guess"}
    )
    assert forged.status_code == 401 and forged.json["message"] == "设备密钥无效"
    r = client.post(card_login, json={"uid": staff_uid, "pin": "2468"}, headers=device)
    assert r.status_code == 200, r.json
    assert r.json["user"]["username"] == "branch1"
    me = client.get("/api/v1/auth/me", headers={"Authorization": f"Bearer {r.json['token']}"})
    assert me.json["org_name"] == "幸福社区第一党支部"
    unknown = client.post(card_login, json={"uid": BLANK, "pin": "2468"}, headers=device)
    assert unknown.status_code == 401 and unknown.json["message"] == "这张卡不是已登记的工作证"
    for _ in range(settings.login_max_failures - 1):
        bad = client.post(card_login, json={"uid": staff_uid, "pin": "0000"}, headers=device)
        assert bad.status_code == 401 and bad.json["message"] == "PIN不正确"
    client.post(card_login, json={"uid": staff_uid, "pin": "0000"}, headers=device)
    locked = client.post(card_login, json={"uid": staff_uid, "pin": "2468"}, headers=device)
    assert locked.status_code == 403 and "账户已锁定" in locked.json["message"]
    assert db.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "user.staff_card")
    )


def test_branches_for_transfers_mark_what_is_in_scope(client, desk) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/counter/branches", headers=desk["b1"])
    assert r.status_code == 200, r.json
    rows = [(b["name"], b["parents"], b["in_scope"]) for b in r.json["items"]]
    assert rows == [
        ("幸福社区第一党支部", "第一街道党工委 › 幸福社区党总支", True),
        ("幸福社区第二党支部", "第一街道党工委 › 幸福社区党总支", False),
        ("机关党支部", "第二街道党工委", False),
    ]


def test_lost_card_state_is_stored_with_its_audit_row(client, desk, db) -> None:  # type: ignore[no-untyped-def]
    member = desk["people"]["b1"]
    client.post(f"/api/v1/members/{member.id}/cards", json={"uid": BLANK}, headers=desk["g1"])
    client.post(f"/api/v1/members/{member.id}/cards/lost", headers=desk["g1"])
    db.expire_all()
    card = db.scalar(select(Card).where(Card.member_id == member.id))
    assert card is not None and card.state is CardState.LOST
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "card.lost"))
    assert entry is not None and entry.entity_id == str(card.id)
