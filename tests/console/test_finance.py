"""Console pages of the dues desk, through the test client on both databases: reports and their
downloads, the ledger, payments, reminders, remittance and the yearly publication."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from backend.models import DisclosureDocument, Role
from backend.services import disclosure_categories, hall_clock, payments
from backend.services.actor import Actor
from tests.console.conftest import page_text

YEAR = 2025


def _district(build, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    a = build.member(orgs["b1"], name="张三", monthly_fen=5000)
    b = build.member(orgs["b2"], name="李四", monthly_fen=1000)
    c = build.member(orgs["b3"], name="王五", monthly_fen=2000)
    build.ledger(a, YEAR, paid_months={1, 2, 3})
    build.ledger(b, YEAR)
    build.ledger(c, YEAR, paid_months={1})
    build.user(orgs["district"], "admin", Role.ADMIN)
    build.user(orgs["b1"], "b1clerk")
    db.commit()
    return orgs, (a, b, c)


def test_quarterly_report_page_drills_down_and_downloads(build, db, sign_in) -> None:
    orgs, _members = _district(build, db)
    client = sign_in("admin")
    r = client.get(f"/console/finance/reports?year={YEAR}&quarter=1")
    html = page_text(r)
    assert r.status_code == 200
    assert "示范区委2025年第一季度党费收缴统计表" in html
    assert "第一街道党工委" in html and "第二街道党工委" in html
    assert "180.00" in html  # 第一街道 due: 张三 150.00 + 李四 30.00
    x = client.get(
        f"/console/finance/reports?year={YEAR}&quarter=1&org_id={orgs['g1'].id}&format=xlsx"
    )
    ws = load_workbook(io.BytesIO(x.data)).active
    assert ws["A1"].value == "幸福社区党总支2025年第一季度党费收缴统计表"
    rows = {row[1]: row for row in ws.iter_rows(values_only=True) if row and row[1]}
    assert rows["幸福社区第一党支部"][2] == 150 and rows["幸福社区第一党支部"][3] == 150
    assert rows["合计"][2] == 180
    pdf = client.get(f"/console/finance/reports?year={YEAR}&format=pdf")
    assert (
        "示范区委2025年度党费收缴统计表" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    )


def test_a_branch_clerk_sees_only_its_branch(build, db, sign_in) -> None:
    orgs, _members = _district(build, db)
    client = sign_in("b1clerk")
    html = page_text(client.get(f"/console/finance/reports?year={YEAR}"))
    assert "张三" in html and "李四" not in html
    r = client.get(f"/console/finance/reports?year={YEAR}&org_id={orgs['b2'].id}")
    assert r.status_code == 404
    assert "未找到该党组织，或不在您的管理范围内" in page_text(r)
    assert "李四" not in page_text(r)
    assert client.get(f"/console/finance/ledger?org_id={orgs['b3'].id}").status_code == 404


def test_ledger_payments_and_reminders(build, db, sign_in) -> None:
    orgs, (a, _b, _c) = _district(build, db)
    client = sign_in("admin")
    html = page_text(client.get(f"/console/finance/ledger?org_id={orgs['c1'].id}&year={YEAR}"))
    assert "第一街道党工委2025年党费收缴台账" in html
    assert "幸福社区第一党支部" in html and "张三" in html
    assert "王五" not in html
    x = client.get(f"/console/finance/ledger?org_id={orgs['c1'].id}&year={YEAR}&format=xlsx")
    ws = load_workbook(io.BytesIO(x.data)).active
    zhang = next(row for row in ws.iter_rows(values_only=True) if row[2] == "张三")
    assert zhang[5] == 600 and zhang[6] == 150 and zhang[7] == 50  # paid months: numbers
    # 李四 has paid nothing this year nor last: flagged with the 有情提醒 warning
    this_year = hall_clock.today().year
    for year in (this_year - 1, this_year):
        if year != YEAR:
            build.ledger(_b, year)
    db.commit()
    html = page_text(client.get("/console/finance/reminders"))
    assert "李四" in html and "有情提醒：党费要按时缴纳" in html
    # 张三 still owes nine months of 2025: owed months count, not only a run ending last month
    assert "张三" in html
    pay = payments.pay(
        db, Actor.system("t"), build.settings.dues, a, idempotency_key="console-pay-1",
        months=[f"{YEAR}-04"], today=date(YEAR, 4, 3),
    )  # fmt: skip
    pay.payment.created_at = hall_clock.stored(
        datetime(YEAR, 4, 2, 17, tzinfo=UTC)
    )  # 3 April, 01:00 in Beijing
    db.commit()
    html = page_text(client.get(f"/console/finance/payments?start={YEAR}-04-03&end={YEAR}-04-03"))
    assert pay.payment.slip_no in html and "2025年4月" in html and "2025-04-03 01:00" in html
    html = page_text(client.get(f"/console/finance/payments?start={YEAR}-04-02&end={YEAR}-04-02"))
    assert pay.payment.slip_no not in html


def test_remittance_batch_from_the_console(build, db, sign_in) -> None:
    orgs, (a, b, _c) = _district(build, db)
    for member, key in ((a, "console-rem-a"), (b, "console-rem-b")):
        outcome = payments.pay(
            db, Actor.system("t"), build.settings.dues, member, idempotency_key=key,
            months=[f"{YEAR}-04"], today=date(YEAR, 4, 3),
        )  # fmt: skip
        outcome.payment.created_at = hall_clock.stored(datetime(YEAR, 4, 3, 2, tzinfo=UTC))
    db.commit()
    client = sign_in("admin")
    html = page_text(
        client.get(f"/console/finance/remittance?org_id={orgs['c1'].id}&year={YEAR}&end_month=6")
    )
    assert "幸福社区第一党支部" in html and "60.00" not in html  # two lines, 50.00 and 10.00
    r = client.post(
        "/console/finance/remittance",
        data={"org_id": orgs["c1"].id, "year": YEAR, "start_month": 4, "end_month": 6},
    )
    assert r.status_code == 302
    batch_url = r.headers["Location"]
    html = page_text(client.get(batch_url))
    assert "第一街道党工委党费汇缴明细表" in html and "待确认" in html
    assert "张三" in html and "李四" in html
    client.post(batch_url + "/confirm")
    html = page_text(client.get(batch_url))
    assert "已汇缴" in html and "批次01010000-2025-001已确认汇缴" in html
    pdf = client.get(batch_url + "?format=pdf")
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "第一街道党工委党费汇缴明细表" in text and "陆拾元整" in text


def test_publication_records_uses_and_makes_a_disclosure_draft(build, db, sign_in) -> None:
    orgs, _members = _district(build, db)
    disclosure_categories.ensure_default_categories(db, Actor.system("t"))
    db.commit()
    client = sign_in("admin")
    url = f"/console/finance/publication?org_id={orgs['c1'].id}&year={YEAR}"
    r = client.post(
        url,
        data={"action": "add_use", "used_on": f"{YEAR}-07-01", "purpose": "七一慰问老党员",
              "amount": "100.00", "org_id": orgs["c1"].id, "year": YEAR},
    )  # fmt: skip
    # by default every level passes all it receives upward: the 党委 keeps nothing to spend
    assert r.status_code == 400
    assert "党费使用不能超过本组织留存的党费：可用余额0.00元" in page_text(r)
    html = page_text(client.get(url))
    assert "第一街道党工委2025年度党费收缴使用情况公示" in html
    assert "共收缴党费150.00元" in html and "七一慰问老党员" not in html
    client.post(url, data={"action": "draft", "org_id": orgs["c1"].id, "year": YEAR})
    doc = db.scalar(select(DisclosureDocument))
    assert doc.title == "第一街道党工委2025年度党费收缴使用情况公示"
    assert doc.status.value == "draft" and "本组织留存0.00元" in doc.body_md


def test_fund_desk_records_a_donation_with_receipt_and_certificate(build, db, sign_in) -> None:
    orgs, _members = _district(build, db)
    client = sign_in("admin")
    donation = {
        "donor_kind": "person",
        "donor_name": "陈捐赠",
        "amount": "500",
        "donated_on": "2025-05-01",
        "method": "cash",
        "receiving_org_id": orgs["b1"].id,
        "directed": "1",
        "purpose": "",
    }
    r = client.post("/console/finance/fund/new", data=donation)
    assert r.status_code == 400
    assert "定向捐赠须填写用途（不超过50个字）" in page_text(r)
    assert 'value="陈捐赠"' in page_text(r)  # what was typed is kept
    donation.update(purpose="慰问困难党员", consent_public="1")
    r = client.post("/console/finance/fund/new", data=donation)
    assert r.status_code == 302
    html = page_text(client.get(r.headers["Location"]))
    assert "伍佰元整" in html and "慰问困难党员" in html and "同意公开姓名和金额" in html
    cert = client.get(r.headers["Location"] + "/certificate.pdf")
    text = PdfReader(io.BytesIO(cert.data)).pages[0].extract_text().replace("\n", "")
    assert "捐赠证书" in text and "陈捐赠同志" in text and "伍佰元整" in text
    receipt = client.get(r.headers["Location"] + "/receipt.pdf")
    assert "党建基金捐赠收据" in PdfReader(io.BytesIO(receipt.data)).pages[0].extract_text()
    html = page_text(client.get(f"/console/finance/fund?year={YEAR}"))
    assert "陈捐赠" in html and "500.00" in html


def test_waiver_and_assessment_pages(build, db, sign_in) -> None:
    orgs, (a, _b, _c) = _district(build, db)
    build.user(orgs["c1"], "committee")
    build.user(orgs["b1"], "b1secretary")
    db.commit()
    clerk = sign_in("b1clerk")
    r = clerk.post(
        "/console/finance/waivers/new",
        data={"member": a.card_no, "kind": "waive", "year": YEAR, "start_month": 5, "end_month": 6,
              "reason": "重病住院", "evidence": "支部党员大会决议（2025年4月30日）"},
    )  # fmt: skip
    assert r.status_code == 302
    html = page_text(clerk.get("/console/finance/waivers"))
    assert "重病住院" in html and "待支部审议" in html and "审批党委：第一街道党工委" in html
    request_id = int(r.headers["Location"].rsplit("#w", 1)[1])
    # whoever entered the request does not approve it (separation of duties)
    clerk.post(f"/console/finance/waivers/{request_id}/decide", data={"decision": "approve"})
    html = page_text(clerk.get("/console/finance/waivers"))
    assert "不能审批自己提交的减免申请" in html and "待支部审议" in html
    clerk.post("/console/logout")
    clerk = sign_in("b1secretary")
    clerk.post(f"/console/finance/waivers/{request_id}/decide", data={"decision": "approve"})
    html = page_text(clerk.get("/console/finance/waivers"))
    assert "待上级党委审批" in html and "支部同意" in html
    assert (
        "waiver_decide" not in html and 'name="decision"' not in html
    )  # no buttons for the branch
    clerk.post("/console/logout")
    committee = sign_in("committee")
    committee.post(f"/console/finance/waivers/{request_id}/decide", data={"decision": "approve"})
    html = page_text(committee.get("/console/finance/waivers?all=1"))
    assert "已批准" in html
    # the worksheet: 张三 has no base, so he cannot be assessed until one is entered
    url = f"/console/finance/assessment?org_id={orgs['b1'].id}&year={YEAR}"
    html = page_text(committee.get(url))
    assert "在职和离退休党员须填写月计算基数" in html
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', html).group(1)
    form = {
        "org_id": orgs["b1"].id,
        "year": YEAR,
        f"cat_{a.id}": "employed",
        f"base_{a.id}": "5100",
    }
    html = page_text(
        committee.post(url, data={**form, "action": "review", "fingerprint": fingerprint})
    )
    assert "76.50" in html
    fingerprint = re.search(r'name="fingerprint" value="(\w+)"', html).group(1)
    r = committee.post(url, data={**form, "action": "fix", "fingerprint": fingerprint})
    assert r.status_code == 302
    assert "2025年度党费已核定：1名党员，其中1名金额有变化" in page_text(committee.get(url))
