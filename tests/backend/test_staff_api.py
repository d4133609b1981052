"""The staff API at the counter: find a member, read the ledger, take and void payments,
reprint slips, set the monthly amount — always within the user's own subtree."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from backend.models import AuditEntry, Member
from backend.services.dues_year import hall_today
from tests.builders import PASSWORD, Builders


def login(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.json
    return {"Authorization": f"Bearer {r.json['token']}"}


@pytest.fixture
def hall(client, build: Builders, db, settings) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Two 张伟 under the 总支 (one per branch), a third under the other 党委; users at the
    总支 and at the second branch."""
    orgs = build.district()
    year = hall_today(settings.dues).year
    people = {
        "b1": build.member(orgs["b1"], name="张伟", birth=date(1975, 3, 2), monthly_fen=7650),
        "b2": build.member(orgs["b2"], name="张伟", birth=date(1988, 9, 9), monthly_fen=4900),
        "b3": build.member(orgs["b3"], name="张伟", birth=date(1990, 1, 1)),
    }
    for member in people.values():
        build.ledger(member, year - 1, paid_months=set(range(1, 12)))  # December owed
        build.ledger(member, year)
    build.user(orgs["g1"], "zongzhi")
    build.user(orgs["b2"], "branch2")
    db.commit()
    return {
        "year": year,
        "people": people,
        "g1": login(client, "zongzhi"),
        "b2": login(client, "branch2"),
    }


def test_search_tells_two_zhang_wei_apart_within_scope(client, hall) -> None:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/members", query_string={"q": "张伟"}, headers=hall["g1"])
    assert r.status_code == 200, r.json
    hits = r.json["items"]
    assert [(h["org_name"], h["birth_year"]) for h in hits] == [
        ("幸福社区第一党支部", 1975),
        ("幸福社区第二党支部", 1988),
    ]
    first = hall["people"]["b1"]
    assert hits[0]["id_masked"] == first.id_number[:3] + "*" * 11 + first.id_number[-4:]
    assert hits[0]["sex"] == "男" and hits[0]["card_no"] == first.card_no
    assert "id_number" not in hits[0]
    branch = client.get("/api/v1/members", query_string={"q": "张"}, headers=hall["b2"]).json
    assert [h["org_name"] for h in branch["items"]] == ["幸福社区第二党支部"]


def test_search_by_numbers(client, hall) -> None:  # type: ignore[no-untyped-def]
    member: Member = hall["people"]["b2"]
    for q in (member.card_no, member.card_no.lstrip("0"), member.member_no, member.id_number):
        items = client.get("/api/v1/members", query_string={"q": q}, headers=hall["g1"]).json
        assert [h["id"] for h in items["items"]] == [member.id], q
    tail = client.get(
        "/api/v1/members", query_string={"q": member.id_number[-6:]}, headers=hall["g1"]
    ).json
    assert member.id in [h["id"] for h in tail["items"]]
    outside = hall["people"]["b3"]
    none = client.get("/api/v1/members", query_string={"q": outside.card_no}, headers=hall["g1"])
    assert none.json["items"] == []
    empty = client.get("/api/v1/members", query_string={"q": ""}, headers=hall["g1"])
    assert empty.status_code == 400 and "长度" in empty.json["message"]


def test_detail_and_ledger(client, hall) -> None:  # type: ignore[no-untyped-def]
    member: Member = hall["people"]["b1"]
    detail = client.get(f"/api/v1/members/{member.id}", headers=hall["g1"]).json
    assert (detail["name"], detail["org_name"], detail["monthly_dues"]) == (
        "张伟",
        "幸福社区第一党支部",
        "76.50",
    )
    assert detail["id_number"] == member.id_number
    assert detail["dues_category_label"] == "在职"
    year = hall["year"]
    last_year = client.get(
        f"/api/v1/members/{member.id}/ledger", query_string={"year": year - 1}, headers=hall["g1"]
    ).json
    assert last_year["year"] == year - 1
    assert [m["state"] for m in last_year["months"]] == ["paid"] * 11 + ["unpaid"]
    assert last_year["due_total"] == "918.00" and last_year["paid_total"] == "841.50"
    assert last_year["unpaid_months"][0] == f"{year - 1}-12"
    this_year = client.get(f"/api/v1/members/{member.id}/ledger", headers=hall["g1"]).json
    assert this_year["year"] == year and len(this_year["months"]) == 12
    assert this_year["consecutive_unpaid"] == len(this_year["unpaid_months"])
    bad = client.get(
        f"/api/v1/members/{member.id}/ledger", query_string={"year": "abc"}, headers=hall["g1"]
    )
    assert bad.status_code == 400


def test_pay_replay_void_and_reprint(client, hall, db) -> None:  # type: ignore[no-untyped-def]
    member: Member = hall["people"]["b1"]
    year = hall["year"]
    url = f"/api/v1/members/{member.id}/payments"
    headers = {**hall["g1"], "Idempotency-Key": "api-pay-key-0001"}
    missing = client.post(url, json={"count": 1}, headers=hall["g1"])
    assert missing.status_code == 400 and "幂等键" in missing.json["message"]
    wrong = client.post(url, json={"count": 2, "expected_total": "76.50"}, headers=headers)
    assert wrong.status_code == 409 and wrong.json["code"] == "total_changed"

    r = client.post(url, json={"count": 2, "expected_total": "153.00"}, headers=headers)
    assert r.status_code == 201, r.json
    paid = r.json
    assert paid["slip_no"] == f"{year}000001"
    assert paid["months"] == [f"{year - 1}-12", f"{year}-01"]
    assert (paid["amount"], paid["amount_capitals"]) == ("153.00", "壹佰伍拾叁元整")
    assert paid["operator"] == "zongzhi"
    slip = {b["key"]: b["value"] for b in paid["document"]["blocks"] if b["type"] == "kv"}
    assert slip["凭条编号"] == paid["slip_no"] and slip["合计"] == "￥153.00"
    assert paid["verify_url"].endswith(paid["verify_url"].rsplit("/", 1)[1])

    again = client.post(url, json={"count": 2}, headers=headers)
    assert again.status_code == 200 and again.json["id"] == paid["id"]
    body_key = client.post(
        url, json={"count": 2, "idempotency_key": "api-pay-key-0001"}, headers=hall["g1"]
    )
    assert body_key.status_code == 200 and body_key.json["id"] == paid["id"]
    twice = client.post(
        url, json={"months": [f"{year}-01"]}, headers={**hall["g1"], "Idempotency-Key": "k-2-0001"}
    )
    assert twice.status_code == 409
    assert twice.json["message"] == f"{year}年1月的党费已经缴纳，请勿重复缴费"
    listed = client.get(url, headers=hall["g1"]).json["items"]
    assert [p["id"] for p in listed] == [paid["id"]]

    reprint = client.post(f"/api/v1/payments/{paid['id']}/reprint", headers=hall["g1"]).json
    assert reprint["document"]["title"] == "党费缴费凭条（补打）" and reprint["reprints"] == 1
    assert (
        client.post(f"/api/v1/payments/{paid['id']}/reprint", headers=hall["g1"]).json["reprints"]
        == 2
    )

    void_url = f"/api/v1/payments/{paid['id']}/void"
    no_reason = client.post(void_url, json={"reason": ""}, headers=hall["g1"])
    assert no_reason.status_code == 400 and "reason" in no_reason.json["message"]
    voided = client.post(void_url, json={"reason": "收错金额"}, headers=hall["g1"])
    assert voided.status_code == 200, voided.json
    assert voided.json["voided"] is True and voided.json["void_reason"] == "收错金额"
    assert client.post(void_url, json={"reason": "再作废"}, headers=hall["g1"]).status_code == 409
    ledger = client.get(
        f"/api/v1/members/{member.id}/ledger", query_string={"year": year - 1}, headers=hall["g1"]
    ).json
    assert ledger["months"][11]["state"] == "unpaid" and ledger["months"][11]["slip_no"] is None
    gone = client.post(f"/api/v1/payments/{paid['id']}/reprint", headers=hall["g1"])
    assert gone.status_code == 409 and "不能补打" in gone.json["message"]
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "payment").order_by(AuditEntry.id)
    ).all()
    assert actions == ["payment.create", "payment.reprint", "payment.reprint", "payment.void"]


def test_set_the_monthly_amount(client, hall, db) -> None:  # type: ignore[no-untyped-def]
    member: Member = hall["people"]["b1"]
    year = hall["year"]
    url = f"/api/v1/members/{member.id}/dues-amount"
    body = {"category": "employed", "base": "12000.00", "from": f"{year}-01", "reason": "年度核定"}
    r = client.post(url, json=body, headers=hall["g1"])
    assert r.status_code == 200, r.json
    assert (r.json["monthly"], r.json["capped"], r.json["months_updated"]) == ("240.00", False, 12)
    ledger = client.get(f"/api/v1/members/{member.id}/ledger", headers=hall["g1"]).json
    assert {m["due"] for m in ledger["months"]} == {"240.00"}
    fixed = client.post(
        url, json={"monthly": "100.00", "from": f"{year}-12", "reason": "调整"}, headers=hall["g1"]
    )
    assert fixed.json["monthly"] == "100.00" and fixed.json["months_updated"] == 1
    neither = client.post(url, json={"from": f"{year}-01", "reason": "x"}, headers=hall["g1"])
    assert neither.status_code == 400 and "每月党费金额" in neither.json["message"]
    bad_month = client.post(
        url, json={"monthly": "1", "from": "2026/01", "reason": "x"}, headers=hall["g1"]
    )
    assert bad_month.status_code == 400 and "月份格式" in bad_month.json["message"]
    entries = db.scalars(select(AuditEntry).where(AuditEntry.action == "dues.amount_change")).all()
    assert [e.after["monthly_dues_fen"] for e in entries] == [24000, 10000]
    assert {e.actor_name for e in entries} == {"zongzhi"}


def test_another_branch_cannot_read_or_pay(client, hall) -> None:  # type: ignore[no-untyped-def]
    member: Member = hall["people"]["b1"]
    paid = client.post(
        f"/api/v1/members/{member.id}/payments",
        json={"count": 1},
        headers={**hall["g1"], "Idempotency-Key": "scope-key-0001"},
    ).json
    b2 = hall["b2"]
    attempts = [
        client.get(f"/api/v1/members/{member.id}", headers=b2),
        client.get(f"/api/v1/members/{member.id}/ledger", headers=b2),
        client.get(f"/api/v1/members/{member.id}/payments", headers=b2),
        client.post(
            f"/api/v1/members/{member.id}/payments",
            json={"count": 1},
            headers={**b2, "Idempotency-Key": "scope-key-0002"},
        ),
        client.post(
            f"/api/v1/members/{member.id}/dues-amount",
            json={"monthly": "1.00", "from": "2026-01", "reason": "越权"},
            headers=b2,
        ),
        client.get(f"/api/v1/payments/{paid['id']}", headers=b2),
        client.post(f"/api/v1/payments/{paid['id']}/reprint", headers=b2),
        client.post(f"/api/v1/payments/{paid['id']}/void", json={"reason": "越权"}, headers=b2),
    ]
    assert [a.status_code for a in attempts] == [404] * len(attempts)
    assert attempts[0].json["message"] == "未找到该党员，或不在您的管理范围内"
    assert attempts[-1].json["message"] == "未找到该笔缴费，或不在您的管理范围内"
    # Nothing happened: still one payment, not voided, not reprinted.
    after = client.get(f"/api/v1/payments/{paid['id']}", headers=hall["g1"]).json
    assert (after["voided"], after["reprints"]) == (False, 0)
    assert client.get("/api/v1/members", query_string={"q": "张伟"}).status_code == 401


def test_openapi_describes_the_counter_endpoints(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/api/v1/members/{member_id}/payments"]) == {"get", "post"}
    for path in (
        "/api/v1/members",
        "/api/v1/members/{member_id}",
        "/api/v1/members/{member_id}/ledger",
        "/api/v1/members/{member_id}/dues-amount",
        "/api/v1/payments/{payment_id}/void",
        "/api/v1/payments/{payment_id}/reprint",
        "/api/v1/kiosk/session/statement",
        "/api/v1/verify/{kind}/{token}",
    ):
        assert path in paths, path
    amount = client.get("/api/v1/openapi.json").json["components"]["schemas"]["DuesAmountIn"]
    assert "from" in amount["properties"]
