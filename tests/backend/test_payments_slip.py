"""The 缴费凭条 print document, its QR verification link, and the kiosk's 缴费明细 statement."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from backend.models import AuditEntry, Member
from backend.services import dues_year, payments, slips
from backend.services.actor import Actor
from devices.printer.document import PrintDocument
from tests.builders import Builders

CLERK = Actor("user", 7, "窗口小王")
TODAY = date(2026, 7, 15)
WARNING = "有情提醒：党费要按时缴纳，按党章规定逾期六个月，可作自行退党处理！"


def kv(doc: dict[str, Any]) -> dict[str, str]:
    return {b["key"]: b["value"] for b in doc["blocks"] if b["type"] == "kv"}


def texts(doc: dict[str, Any]) -> list[str]:
    """The text lines as printed: the title heads the page, then the text blocks."""
    title = [doc["title"]] if doc.get("title") else []
    return title + [b["text"] for b in doc["blocks"] if b["type"] == "text"]


def rows_of(doc: dict[str, Any]) -> list[list[str]]:
    return [b["cells"] for b in doc["blocks"] if b["type"] == "columns"]


def qr_path(doc: dict[str, Any]) -> str:
    (data,) = [b["data"] for b in doc["blocks"] if b["type"] == "qr"]
    return data


@pytest.fixture
def zhang(build: Builders) -> Member:
    member = build.member(build.district()["b1"], name="张小明", monthly_fen=7650)
    build.ledger(member, 2026)  # nothing paid: January to June are late on 15 July
    return member


def test_slip_says_what_the_counter_took(db, settings, zhang) -> None:  # type: ignore[no-untyped-def]
    p = payments.pay(
        db, CLERK, settings.dues, zhang, idempotency_key="slip-key-0001", count=1, today=TODAY
    ).payment
    doc = slips.payment_slip(db, settings, p).to_dict()
    assert doc["title"] == "党费缴费凭条"
    assert texts(doc)[:2] == ["党费缴费凭条", "示范区党员服务中心"]
    assert texts(doc).count("党费缴费凭条") == 1
    fields = kv(doc)
    assert fields["凭条编号"] == "2026000001"
    assert fields["缴费人"] == "张*明"
    assert fields["所在组织"] == "幸福社区第一党支部"
    assert fields["缴费月份"] == "2026年1月"
    assert fields["合计"] == "￥76.50"
    assert fields["大写"] == "柒拾陆元伍角整"
    assert fields["缴费方式"] == "现金"
    assert fields["经办人"] == "窗口小王"
    local = dues_year.to_local(p.created_at, settings.dues)
    assert fields["缴费时间"] == f"{local:%Y-%m-%d %H:%M}"
    assert rows_of(doc) == [["月份", "金额"], ["2026年01月", "￥76.50"]]
    assert WARNING in texts(doc)  # six months behind when paying
    assert qr_path(doc).startswith("http://127.0.0.1:5000/v/s/2026000001.")
    assert doc["blocks"][-1]["type"] == "cut"
    assert "张小明" not in str(doc) and zhang.id_number not in str(doc)
    assert PrintDocument.from_dict(doc).to_dict() == doc


def test_several_months_and_no_warning_when_less_than_six_behind(db, settings, zhang) -> None:  # type: ignore[no-untyped-def]
    p = payments.pay(
        db,
        CLERK,
        settings.dues,
        zhang,
        idempotency_key="slip-key-0002",
        count=3,
        today=date(2026, 6, 2),
    ).payment
    doc = slips.payment_slip(db, settings, p).to_dict()
    fields = kv(doc)
    assert fields["缴费月份"] == "2026年1月—3月"
    assert fields["合计"] == "￥229.50"
    assert fields["大写"] == "贰佰贰拾玖元伍角整"
    assert rows_of(doc)[1:] == [
        ["2026年01月", "￥76.50"],
        ["2026年02月", "￥76.50"],
        ["2026年03月", "￥76.50"],
    ]
    assert WARNING not in texts(doc)  # five months behind: staff were reminded, the slip is not


def test_reprint_is_marked_and_says_the_same(db, settings, zhang) -> None:  # type: ignore[no-untyped-def]
    p = payments.pay(
        db, CLERK, settings.dues, zhang, idempotency_key="slip-key-0003", count=2, today=TODAY
    ).payment
    original = slips.payment_slip(db, settings, p).to_dict()
    slips.record_reprint(db, CLERK, p)
    copy = slips.payment_slip(db, settings, p, reprint=True).to_dict()
    assert copy["title"] == "党费缴费凭条（补打）"
    assert "党费缴费凭条（补打）" in texts(copy)
    assert kv(copy)["补打次数"] == "第1次"
    for key in ("凭条编号", "缴费人", "合计", "大写", "缴费时间", "经办人"):
        assert kv(copy)[key] == kv(original)[key]
    assert qr_path(copy) == qr_path(original)
    assert WARNING in texts(copy)


def test_the_qr_link_verifies_and_a_tampered_one_does_not(client, db, settings, zhang) -> None:  # type: ignore[no-untyped-def]
    p = payments.pay(
        db, CLERK, settings.dues, zhang, idempotency_key="slip-key-0004", count=2, today=TODAY
    ).payment
    path = urlsplit(qr_path(slips.payment_slip(db, settings, p).to_dict())).path
    db.commit()

    page = client.get(path)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "有效" in html and "2026000001" in html and "张*明" in html and "￥153.00" in html
    assert "张小明" not in html and zhang.id_number not in html
    data = client.get(path + "?format=json").json
    assert (data["status"], data["status_label"]) == ("valid", "有效")
    assert {f["label"]: f["value"] for f in data["fields"]}["缴费人"] == "张*明"
    assert client.get("/api/v1/verify/s/" + path.rsplit("/", 1)[1]).json["status"] == "valid"

    number, sig = path.rsplit("/", 1)[1].split(".")
    forged_sig = sig[:-1] + ("0" if sig[-1] != "0" else "1")
    for forged in (f"{number}.{forged_sig}", f"2026000002.{sig}", "2026000001", "x.y"):
        answer = client.get(f"/v/s/{forged}", headers={"Accept": "application/json"}).json
        assert (answer["status_label"], answer["fields"]) == ("无效", []), forged
    assert "无效" in client.get(f"/v/s/{number}.{forged_sig}").get_data(as_text=True)
    api = client.get(f"/api/v1/verify/s/{number}.{forged_sig}")  # the JSON API audits it too
    assert (api.status_code, api.json["status_label"]) == (200, "无效")
    logged = db.scalars(select(AuditEntry).where(AuditEntry.action == "verify.rejected")).all()
    assert len(logged) == 6
    assert {e.actor_type for e in logged} == {"system"}
    assert logged[0].after["number"] == "2026000001"

    payments.void_payment(db, CLERK, p, "重复收费")
    db.commit()
    voided = client.get(path + "?format=json").json
    assert (voided["status"], voided["status_label"]) == ("void", "已作废")
    assert "已作废" in client.get(path).get_data(as_text=True)


def test_forged_links_cannot_flood_the_audit_log(client, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Every forged link says 无效, but only so many a minute are written to the audit log."""
    from backend.services import verify

    monkeypatch.setattr(verify, "REJECTIONS_AUDITED_PER_MINUTE", 3)
    for n in range(6):
        answer = client.get(f"/v/s/2026{n:06d}.0000000000000000?format=json").json
        assert answer["status_label"] == "无效"
    logged = db.scalars(select(AuditEntry).where(AuditEntry.action == "verify.rejected")).all()
    assert len(logged) == 3
