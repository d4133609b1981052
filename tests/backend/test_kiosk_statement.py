"""What a member reads at the kiosk adds up: on screen (the summary) and on the printed statement.

累计欠缴 = 今年截至上月应交 − 今年截至上月已交 + 往年欠缴; the current month is 本月待交, not
arrears; 入党日期 and 党龄 are shown; empty months are explained; the statement carries a
verification QR that the public page answers 有效, and 无效 when altered.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from urllib.parse import urlsplit

from backend.models import DuesMonth
from backend.services.dues_year import hall_today
from devices.printer.document import PrintDocument
from tests.builders import Builders

WARNING = "有情提醒：党费要按时缴纳，按党章规定逾期六个月，可作自行退党处理！"


def kv(doc: dict[str, Any]) -> dict[str, str]:
    return {b["key"]: b["value"] for b in doc["blocks"] if b["type"] == "kv"}


def texts(doc: dict[str, Any]) -> list[str]:
    return [b["text"] for b in doc["blocks"] if b["type"] == "text"]


def rows_of(doc: dict[str, Any]) -> list[list[str]]:
    return [b["cells"] for b in doc["blocks"] if b["type"] == "columns"]


def yuan(text: str) -> Decimal:
    return Decimal(text.lstrip("￥"))


def _open(client, build: Builders, db, **member: Any):  # type: ignore[no-untyped-def]
    person = build.member(build.district()["b1"], monthly_fen=7650, **member)
    uid = build.card(person)
    key = build.device()
    return person, uid, key


def _session(client, uid: str, key: str) -> tuple[dict[str, Any], dict[str, str]]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key})
    assert r.status_code == 201, r.json
    return r.json["member"], {"X-Device-Key": key, "X-Kiosk-Session": r.json["token"]}


def test_the_current_month_is_due_now_and_the_figures_add_up(client, build, db, settings) -> None:  # type: ignore[no-untyped-def]
    today = hall_today(settings.dues)
    member, uid, key = _open(client, build, db, name="王𬌗")
    build.ledger(member, today.year - 1)  # a whole year unpaid: far past six months
    build.ledger(member, today.year, paid_months={1})
    db.commit()
    summary, headers = _session(client, uid, key)
    current = summary["months"][today.month - 1]
    if today.month > 1:
        assert (current["state"], current["state_label"]) == ("due_now", "本月待交")
        assert summary["current_due"] == "76.50"
    earlier_unpaid = {m["month"] for m in summary["months"] if m["state"] == "unpaid"}
    assert earlier_unpaid == set(range(2, today.month))
    assert Decimal(summary["due_to_date"]) == Decimal("76.50") * (today.month - 1)
    assert summary["paid_to_date"] == ("76.50" if today.month > 1 else "0.00")
    assert summary["earlier_arrears"] == "918.00"
    assert Decimal(summary["arrears"]) == (
        Decimal(summary["due_to_date"])
        - Decimal(summary["paid_to_date"])
        + Decimal(summary["earlier_arrears"])
    )

    doc = client.post("/api/v1/kiosk/session/statement", headers=headers).json["document"]
    fields = kv(doc)
    assert doc["title"] == "党费缴纳明细"
    assert (fields["姓名"], fields["所在组织"]) == ("王*", "幸福社区第一党支部")
    assert yuan(fields["累计欠交"]) == Decimal(summary["arrears"])
    assert yuan(fields["截至上月应交"]) - yuan(fields["截至上月已交"]) + yuan(
        fields["往年欠交"]
    ) == yuan(fields["累计欠交"])
    if today.month > 1:
        assert fields["本月待交"] == "￥76.50"
        assert rows_of(doc)[today.month][3] == "本月待交"
    assert rows_of(doc)[1] == ["1月", "￥76.50", "￥76.50", "已交"]
    assert WARNING in texts(doc)
    assert "王𬌗" not in str(doc)
    assert PrintDocument.from_dict(doc).to_dict() == doc


def test_the_statement_qr_verifies_and_an_altered_one_does_not(client, build, db, settings) -> None:  # type: ignore[no-untyped-def]
    today = hall_today(settings.dues)
    member, uid, key = _open(client, build, db, name="张小明")
    build.ledger(member, today.year)
    db.commit()
    summary, headers = _session(client, uid, key)
    doc = client.post("/api/v1/kiosk/session/statement", headers=headers).json["document"]
    (link,) = [b["data"] for b in doc["blocks"] if b["type"] == "qr"]
    assert link.startswith(f"{settings.public_base_url}/v/ds/")
    path = urlsplit(link).path
    answer = client.get(path + "?format=json").json
    assert (answer["status"], answer["status_label"]) == ("valid", "有效")
    shown = {f["label"]: f["value"] for f in answer["fields"]}
    assert shown["党员"] == "张*明" and shown["打印日期"] == f"{today:%Y-%m-%d}"
    assert shown["打印时累计欠交"] == f"￥{summary['arrears']}"
    html = client.get(path).get_data(as_text=True)
    assert "张小明" not in html and member.id_number not in html
    number, sig = path.rsplit("/", 1)[1].split(".")
    altered = number.rsplit("-", 1)[0] + "-0"  # "no arrears" written over the real figure
    assert client.get(f"/v/ds/{altered}.{sig}?format=json").json["status_label"] == "无效"


def test_joining_date_party_age_and_empty_months_are_explained(client, build, db, settings) -> None:  # type: ignore[no-untyped-def]
    today = hall_today(settings.dues)
    veteran, uid, key = _open(
        client, build, db, name="李老兵", birth=date(1926, 3, 1), joined=date(1948, 5, 4)
    )
    veteran.full_member_date = date(1949, 5, 4)
    build.ledger(veteran, today.year, paid_months=set(range(1, 13)))
    newcomer = build.member(veteran.org, name="赵新", joined=today.replace(day=1))
    newcomer_uid = build.card(newcomer)
    for month in range(today.month, 13):
        db.add(
            DuesMonth(
                member_id=newcomer.id,
                org_id=newcomer.org_id,
                year=today.year,
                month=month,
                due_fen=5000,
                paid_fen=0,
            )
        )
    db.commit()
    summary, _headers = _session(client, uid, key)
    assert summary["joined_on"] == "1948-05-04"
    assert summary["party_age"] == today.year - 1949 - ((today.month, today.day) < (5, 4))
    assert summary["months_note"] == ""
    fresh, _headers = _session(client, newcomer_uid, key)
    assert fresh["joined_on"] == f"{today:%Y-%m}-01"
    assert [m["state_label"] for m in fresh["months"][: today.month - 1]] == ["—"] * (
        today.month - 1
    )
    if today.month > 1:
        assert fresh["months_note"] == (
            f"您于{today.year}年{today.month}月入党，此前的月份不需缴纳党费（显示为“—”）"
        )
