"""党建基金: donations with their fields (docs/founding-spec.md), gap-free receipt numbers, a
receipt and a PDF certificate that say the right things, totals by organization and year,
consent for the roll."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from backend.errors import Conflict, Invalid
from backend.models import AuditEntry
from backend.services import finance_docs, fund, honors
from backend.services.actor import Actor
from devices.printer.document import PrintDocument
from tests.builders import PASSWORD, Builders

TODAY = date(2025, 6, 1)
CENTER = "示范区党员服务中心"


def _give(db, actor, org, **kw):  # type: ignore[no-untyped-def]
    data = fund.DonationData(
        donor_name=kw.pop("donor_name", "陈捐赠"),
        amount_fen=kw.pop("amount_fen", 100_000),
        donated_on=kw.pop("donated_on", date(2025, 5, 20)),
        receiving_org_id=org.id,
        **kw,
    )
    return fund.record_donation(db, actor, data, today=TODAY)


def test_a_directed_donation_gets_a_numbered_receipt_and_a_certificate(build: Builders, db) -> None:
    orgs = build.district()
    actor = Actor.for_user(build.user(orgs["c1"], "fund"))
    donation, receipt = _give(
        db,
        actor,
        orgs["b1"],
        address="幸福路8号",
        phone="010-66668888",
        directed=True,
        purpose="资助困难党员子女上学",
        method="bank",
        consent_public=True,
    )
    assert receipt.receipt_no == "JJ202500001"
    doc = finance_docs.donation_receipt(donation, receipt, CENTER).to_dict()
    kv = {b["key"]: b["value"] for b in doc["blocks"] if b["type"] == "kv"}
    assert doc["title"] == "党建基金捐赠收据"
    assert kv["收据编号"] == "JJ202500001"
    assert kv["捐赠金额"] == "￥1000.00"
    assert kv["金额大写"] == "壹仟元整"
    assert kv["捐赠类型"] == "定向捐赠"
    assert kv["定向用途"] == "资助困难党员子女上学"
    assert kv["接收组织"] == "幸福社区第一党支部"
    assert kv["捐赠方式"] == "银行转账"
    pdf = finance_docs.donation_certificate_pdf(donation, receipt, CENTER, issued_on=TODAY)
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().replace("\n", "")
    assert "捐赠证书" in text
    assert "陈捐赠同志：" in text
    assert "壹仟元整" in text and "资助困难党员子女上学" in text
    assert "No. JJ202500001" in text and CENTER in text
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "donation.create"))
    assert entry.after["receipt_no"] == "JJ202500001"
    # consent: the roll shows this donor by name
    assert [d.name for d in honors.donor_summary(db).listed] == ["陈捐赠"]


def test_numbers_are_gap_free_voids_keep_theirs_and_totals_skip_them(build: Builders, db) -> None:
    orgs = build.district()
    actor = Actor.for_user(build.user(orgs["district"], "fund"))
    _d1, r1 = _give(db, actor, orgs["b1"], amount_fen=5000)
    d2, r2 = _give(db, actor, orgs["b1"], amount_fen=7000, donor_name="某公司", donor_kind="unit")
    _d3, r3 = _give(db, actor, orgs["c2"], amount_fen=20000, donated_on=date(2024, 12, 30))
    assert [r1.seq, r2.seq, r3.seq] == [1, 2, 3]
    fund.void_donation(db, actor, d2.id, "金额录错")
    with pytest.raises(Conflict, match="已经作废"):
        fund.void_donation(db, actor, d2.id, "again")
    with pytest.raises(Conflict, match="不能出具捐赠证书"):
        finance_docs.donation_certificate_pdf(d2, r2, CENTER, issued_on=TODAY)
    _d4, r4 = _give(db, actor, orgs["b1"], amount_fen=3000)
    assert r4.seq == 4  # the voided number stays used
    rows = {(t.org_name, t.year): (t.count, t.amount_fen) for t in fund.totals(db, actor)}
    assert rows == {
        ("幸福社区第一党支部", 2025): (2, 8000),
        ("第二街道党工委", 2024): (1, 20000),
    }
    # nobody consented: the roll shows only a count and a sum
    summary = honors.donor_summary(db)
    assert summary.listed == [] and summary.anonymous_count == 3


def test_validation_and_scope(build: Builders, db) -> None:
    orgs = build.district()
    actor = Actor.for_user(build.user(orgs["b1"], "branch"))
    with pytest.raises(Invalid, match="定向捐赠须填写用途"):
        _give(db, actor, orgs["b1"], directed=True)
    with pytest.raises(Invalid, match="定向用途不能超过50个字"):
        _give(db, actor, orgs["b1"], directed=True, purpose="用" * 51)
    with pytest.raises(Invalid, match="捐赠金额必须大于零"):
        _give(db, actor, orgs["b1"], amount_fen=0)
    with pytest.raises(Exception, match="不在您的管理范围内"):
        _give(db, actor, orgs["b2"])
    _give(db, actor, orgs["b1"])
    other = Actor.for_user(build.user(orgs["b2"], "other"))
    assert fund.list_donations(db, other) == []
    assert len(fund.list_donations(db, actor, year=2025)) == 1


def test_donation_over_the_api_returns_a_printable_receipt(client, build: Builders, db) -> None:
    orgs = build.district()
    build.user(orgs["c1"], "fund")
    db.commit()
    token = client.post("/api/v1/auth/login", json={"username": "fund", "password": PASSWORD}).json[
        "token"
    ]
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "donor_name": "某某公司",
        "donor_kind": "unit",
        "amount": "2000.00",
        "donated_on": "2025-05-01",
        "receiving_org_id": orgs["b1"].id,
        "method": "bank",
    }
    r = client.post("/api/v1/fund/donations", json=body, headers=headers)
    assert r.status_code == 201, r.json
    kv = {b["key"]: b["value"] for b in r.json["receipt"]["blocks"] if b["type"] == "kv"}
    assert kv["捐赠单位"] == "某某公司" and kv["金额大写"] == "贰仟元整"
    assert PrintDocument.from_dict(r.json["receipt"]).title == "党建基金捐赠收据"
    cert = client.get(f"/api/v1/fund/donations/{r.json['id']}/certificate", headers=headers)
    text = PdfReader(io.BytesIO(cert.data)).pages[0].extract_text().replace("\n", "")
    assert "某某公司：" in text and "贰仟元整" in text
    r = client.post(
        "/api/v1/fund/donations", json={**body, "receiving_org_id": orgs["c2"].id}, headers=headers
    )
    assert r.status_code == 404
