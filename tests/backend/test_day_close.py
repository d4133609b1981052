"""日结 at the counter: the day's totals printed on the thermal printer and decoded back, cash
实收/找零, no payments after the close, voids of a closed day only with a second person's
approval and then listed as 冲正 on the next close, the void age limit — on both databases."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from backend.models import AuditEntry, Payment, Role, VoidRequest
from backend.services.dues_year import hall_today
from tests.builders import PASSWORD, Builders
from tests.devices.escpos_decoder import decode, lines


def login(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.json
    return {"Authorization": f"Bearer {r.json['token']}"}


def printed(document: dict[str, Any]) -> list[str]:
    """The document as the thermal printer prints it, decoded back from the ESC/POS bytes."""
    from devices.printer import PrintDocument, PrinterProfile, render_escpos

    data = render_escpos(PrintDocument.from_dict(document), PrinterProfile())
    return [line.strip() for line in lines(decode(data))]


@pytest.fixture
def counter(client, build: Builders, db, settings) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    orgs = build.district()
    # The clerk's full name differs from the user name: records match on the user name, papers
    # print the full name.
    build.user(orgs["district"], "chuangkou", Role.COUNTER).full_name = "王窗口"
    build.user(orgs["district"], "chuangkou2", Role.COUNTER)
    build.user(orgs["district"], "quwei")
    build.user(orgs["c1"], "dangwei")
    build.user(orgs["b1"], "zhibu")
    today = hall_today(settings.dues)
    people = {
        "zhang": build.member(orgs["b1"], name="张小明", monthly_fen=7650),
        "li": build.member(orgs["b2"], name="李娜", monthly_fen=2000),
    }
    for member in people.values():
        build.ledger(member, today.year)
    db.commit()
    return {
        "orgs": orgs,
        "people": people,
        "today": today,
        "clerk": login(client, "chuangkou"),
        "quwei": login(client, "quwei"),
        "dangwei": login(client, "dangwei"),
        "zhibu": login(client, "zhibu"),
    }


def pay(client, counter, member, months: list[int], key: str, **extra: Any) -> Any:  # type: ignore[no-untyped-def]
    year = counter["today"].year
    body = {"months": [f"{year}-{m:02d}" for m in months], "idempotency_key": key, **extra}
    r = client.post(f"/api/v1/members/{member.id}/payments", json=body, headers=counter["clerk"])
    return r


def backdate(db, payment_ids: list[int], days: int) -> None:  # type: ignore[no-untyped-def]
    """Payments taken ``days`` earlier (the clock cannot be moved through the API)."""
    for pid in payment_ids:
        payment = db.get(Payment, pid)
        payment.created_at -= timedelta(days=days)
    db.commit()


def test_cash_payment_records_tendered_and_prints_change(client, counter) -> None:  # type: ignore[no-untyped-def]
    zhang = counter["people"]["zhang"]
    short = pay(client, counter, zhang, [1, 2], "tender-0001", tendered="150.00")
    assert short.status_code == 400
    assert short.json["message"] == "实收金额不足：应收￥153.00，实收￥150.00"
    bank = pay(client, counter, zhang, [1], "tender-0002", method="bank", tendered="100")
    assert bank.status_code == 400 and bank.json["message"] == "银行转账不填实收金额"
    r = pay(client, counter, zhang, [1, 2], "tender-0003", tendered="200.00")
    assert r.status_code == 201, r.json
    assert (r.json["amount"], r.json["tendered"], r.json["change"]) == ("153.00", "200.00", "47.00")
    slip = printed(r.json["document"])
    assert any(line.startswith("实收") and line.endswith("￥200.00") for line in slip)
    assert any(line.startswith("找零") and line.endswith("￥47.00") for line in slip)


def test_the_day_close_prints_the_days_totals(client, counter, db) -> None:  # type: ignore[no-untyped-def]
    zhang, li = counter["people"]["zhang"], counter["people"]["li"]
    taken = [
        pay(client, counter, zhang, [1, 2], "close-0001", tendered="200.00"),
        pay(client, counter, li, [1, 2, 3], "close-0002", method="bank"),
        pay(client, counter, zhang, [3], "close-0003"),
        pay(client, counter, li, [4], "close-0004", tendered="20.00"),
    ]
    assert [r.status_code for r in taken] == [201] * 4
    slips = [r.json["slip_no"] for r in taken]
    # the clerk's mistake of the day, voided before the close: no approval needed
    voided = client.post(
        f"/api/v1/payments/{taken[2].json['id']}/void",
        json={"reason": "月份选错"},
        headers=counter["clerk"],
    )
    assert voided.status_code == 200 and voided.json["void_kind"] == "作废"
    # another clerk's payment is not on this clerk's close
    other = login(client, "chuangkou2")
    r = client.post(
        f"/api/v1/members/{li.id}/payments",
        json={"months": [f"{counter['today'].year}-05"], "idempotency_key": "close-other-1"},
        headers=other,
    )
    assert r.status_code == 201

    preview = client.get("/api/v1/counter/day-close", headers=counter["clerk"])
    assert preview.status_code == 200 and preview.json["closed"] is False
    closed = client.post("/api/v1/counter/day-close", json={}, headers=counter["clerk"])
    assert closed.status_code == 201, closed.json
    c = closed.json
    cash = 15300 + 2000  # 张小明 two months, 李娜 April; March was voided
    assert (c["payment_count"], c["cash"], c["bank"], c["total"]) == (
        3,
        "173.00",
        "60.00",
        "233.00",
    )
    assert sum(int(r.json["amount"].replace(".", "")) for r in taken) - 7650 == cash + 6000
    assert (c["first_slip"], c["last_slip"], c["slip_count"]) == (slips[0], slips[3], 4)
    assert (c["void_count"], c["void_total"], c["tendered"], c["change"]) == (
        1,
        "76.50",
        "220.00",
        "47.00",
    )
    assert [v["slip_no"] for v in c["voids"]] == [slips[2]]
    paper = printed(c["document"])
    assert paper[:2] == ["日结单", "示范区党员服务中心"]
    expected = {
        "日结日期": f"{counter['today']:%Y-%m-%d}",
        "经办人": "王窗口",
        "凭条号段": f"{slips[0]}—{slips[3]}",
        "开出凭条": "4张",
        "有效缴费": "3笔",
        "现金": "￥173.00",
        "现金实收": "￥220.00",
        "现金找零": "￥47.00",
        "银行转账": "￥60.00",
        "合计": "￥233.00",
        "应交现金": "￥173.00",
        "银行到账": "￥60.00",
    }
    for key, value in expected.items():
        assert any(line.split() == [key, value] for line in paper), (key, paper)
    assert "当日作废 ￥76.50（1笔）" in paper
    assert any(line.split() == [slips[2], "￥76.50", "现金"] for line in paper)
    assert "原因：月份选错" in paper and "作废：chuangkou" in paper
    assert not any("冲正" in line for line in paper)

    # Closed: the same GET now answers the stored close; no more payments from this clerk today.
    again = client.get("/api/v1/counter/day-close", headers=counter["clerk"])
    assert again.json["closed"] is True and again.json["id"] == c["id"]
    twice = client.post("/api/v1/counter/day-close", json={}, headers=counter["clerk"])
    assert twice.status_code == 409 and "已经日结" in twice.json["message"]
    late = pay(client, counter, zhang, [5], "close-0005")
    assert late.status_code == 409
    assert late.json["message"].endswith("当天不能再收款；如需收款，请由其他工作人员办理")
    # a reprint says the same, marked 补打 with its count and time
    reprint = client.post(f"/api/v1/day-closes/{c['id']}/reprint", headers=counter["clerk"])
    assert reprint.status_code == 200
    paper2 = printed(reprint.json["document"])
    assert paper2[0] == "日结单（补打）"
    assert any(line.split() == ["补打次数", "第1次"] for line in paper2)
    assert any(line.startswith("打印时间") for line in paper2)
    assert any(line.split() == ["合计", "￥233.00"] for line in paper2)
    # the district desk sees it in its list; a 党委 does not see the hall's clerks
    listed = client.get("/api/v1/day-closes", headers=counter["quwei"])
    assert [(x["operator"], x["total"]) for x in listed.json["items"]] == [("chuangkou", "233.00")]
    assert client.get("/api/v1/day-closes", headers=counter["dangwei"]).json["items"] == []
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "day_close")
    ).all()
    assert sorted(actions) == ["day_close.create", "day_close.reprint"]


def test_a_void_after_the_close_needs_a_desk_approval_and_is_a_correction_next_day(  # type: ignore[no-untyped-def]
    client, counter, db
) -> None:
    zhang, li = counter["people"]["zhang"], counter["people"]["li"]
    yesterday = counter["today"] - timedelta(days=1)
    first = pay(client, counter, zhang, [1, 2], "corr-0001", tendered="160.00")
    second = pay(client, counter, li, [1], "corr-0002", method="bank")
    backdate(db, [first.json["id"], second.json["id"]], 1)
    closed = client.post(
        "/api/v1/counter/day-close", json={"day": yesterday.isoformat()}, headers=counter["clerk"]
    )
    assert closed.status_code == 201 and closed.json["cash"] == "153.00"

    # Today the clerk finds the mistake: the void is only requested.
    url = f"/api/v1/payments/{first.json['id']}"
    r = client.post(f"{url}/void", json={"reason": "收错人"}, headers=counter["clerk"])
    assert r.status_code == 202, r.json
    assert r.json["voided"] is False
    request = r.json["void_request"]
    assert (request["state_label"], request["why_approval"]) == ("待审批", "已日结")
    again = client.post(f"{url}/void", json={"reason": "收错人"}, headers=counter["clerk"])
    assert again.status_code == 409 and again.json["message"].endswith("的作废申请正在等待审批")
    decide = f"/api/v1/void-requests/{request['id']}"
    # Not the clerk, not a branch desk: a 党委 (or district) desk user, and not the requester.
    refusals = {
        "clerk": (
            "role_forbidden",
            "您的账户没有使用此功能的权限（审批日结后或已汇缴缴费的作废（冲正））",
        ),
        "zhibu": (
            "level_forbidden",
            "“审批日结后或已汇缴缴费的作废（冲正）”须由党委或上级党组织的工作人员办理",
        ),
    }
    for who, (code, message) in refusals.items():
        refused = client.post(f"{decide}/approve", json={}, headers=counter[who])
        assert refused.status_code == 403, who
        assert (refused.json["code"], refused.json["message"]) == (code, message)
    pending = client.get("/api/v1/void-requests", headers=counter["dangwei"])
    assert [p["slip_no"] for p in pending.json["items"]] == [first.json["slip_no"]]
    ok = client.post(f"{decide}/approve", json={"note": "情况属实"}, headers=counter["dangwei"])
    assert ok.status_code == 200, ok.json
    assert (ok.json["state_label"], ok.json["decided_by"]) == ("已批准", "dangwei")
    shown = client.get(url, headers=counter["clerk"]).json
    assert (shown["voided"], shown["void_kind"], shown["void_approved_by"]) == (
        True,
        "冲正",
        "dangwei",
    )
    # The closed day stays as printed …
    listed = client.get(
        "/api/v1/day-closes", query_string={"start": yesterday}, headers=counter["quwei"]
    )
    assert [x["cash"] for x in listed.json["items"]] == ["153.00"]
    # … and today's close lists the correction, taking the cash back.
    today = client.post("/api/v1/counter/day-close", json={}, headers=counter["clerk"]).json
    assert (today["payment_count"], today["cash"], today["correction_count"]) == (0, "0.00", 1)
    assert (today["correction_total"], today["net_cash"]) == ("-153.00", "-153.00")
    paper = printed(today["document"])
    assert "冲正 ￥-153.00（1笔）" in paper
    assert any(line.split() == [first.json["slip_no"], "￥-153.00", "现金"] for line in paper)
    assert "原因：收错人" in paper and "申请：chuangkou　批准：dangwei" in paper
    assert any(line.split() == ["应交现金", "￥-153.00"] for line in paper)
    # listed on exactly this close: a later close does not repeat it
    db.expire_all()
    listed_on = db.scalars(
        select(VoidRequest.day_close_id).where(VoidRequest.payment_id == first.json["id"])
    ).all()
    assert listed_on == [today["id"]]
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == str(first.json["id"]))
    ).all()
    assert {"payment.void_request", "payment.void", "payment.void_approve"} <= set(actions)


def test_the_requester_cannot_approve_and_a_rejected_request_changes_nothing(  # type: ignore[no-untyped-def]
    client, counter, db
) -> None:
    zhang = counter["people"]["zhang"]
    first = pay(client, counter, zhang, [1], "rej-0001")
    client.post("/api/v1/counter/day-close", json={}, headers=counter["clerk"])
    # the 党委 desk user asks for the void itself: someone else must approve it
    r = client.post(
        f"/api/v1/payments/{first.json['id']}/void",
        json={"reason": "重复收费"},
        headers=counter["dangwei"],
    )
    assert r.status_code == 202
    decide = f"/api/v1/void-requests/{r.json['void_request']['id']}"
    own = client.post(f"{decide}/approve", json={}, headers=counter["dangwei"])
    assert own.status_code == 403
    assert own.json["message"] == (
        "作废须由另一名工作人员审批：不能审批本人提出的申请或本人收取的缴费"
    )
    no = client.post(f"{decide}/reject", json={"note": "未见重复"}, headers=counter["quwei"])
    assert no.status_code == 200 and no.json["state_label"] == "已驳回"
    shown = client.get(f"/api/v1/payments/{first.json['id']}", headers=counter["clerk"]).json
    assert shown["voided"] is False and shown["void_request"] is None
    late = client.post(f"{decide}/approve", json={}, headers=counter["quwei"])
    assert late.status_code == 409 and late.json["message"] == "该作废申请已驳回，不能再审批"


def test_a_void_older_than_the_limit_is_refused(client, counter, db) -> None:  # type: ignore[no-untyped-def]
    zhang = counter["people"]["zhang"]
    old = pay(client, counter, zhang, [1], "old-0001")
    backdate(db, [old.json["id"]], 31)
    r = client.post(
        f"/api/v1/payments/{old.json['id']}/void",
        json={"reason": "收错"},
        headers=counter["clerk"],
    )
    assert r.status_code == 409
    taken = counter["today"] - timedelta(days=31)
    assert r.json["message"] == (
        f"凭条{old.json['slip_no']}是{taken.year}年{taken.month}月{taken.day}日收取的，"
        "已超过30天的作废期限，不能作废；如确有差错，请报党委在账目中更正"
    )
    assert db.get(Payment, old.json["id"]).voided is False
