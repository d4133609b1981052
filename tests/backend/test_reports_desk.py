"""The dues desk's lists: unpaid reminders flag members before the sixth month, the live ledger
print says what the ledger holds, and the yearly publication adds up."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader
from sqlalchemy import select

from backend.models import DuesMonth
from backend.services import dues_desk, dues_use, exports, finance_docs
from backend.services.actor import Actor
from backend.settings import RemittanceSettings
from tests.builders import PASSWORD, Builders

YEAR = 2025
TODAY = date(YEAR, 8, 10)  # July is the last month past
ACTOR = Actor.system("test")


def _setup(build: Builders, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    five = build.member(orgs["b1"], name="五个月", monthly_fen=1000)
    six = build.member(orgs["b1"], name="六个月", monthly_fen=2000)
    broken = build.member(orgs["b2"], name="中间交过", monthly_fen=3000)
    fine = build.member(orgs["b3"], name="按时交", monthly_fen=4000)
    build.ledger(five, YEAR, paid_months={1, 2})  # March–July unpaid: 5 months
    build.ledger(six, YEAR, paid_months={1})  # February–July: 6 months
    build.ledger(broken, YEAR, paid_months={1, 2, 3, 5})  # June–July: 2 months in a row
    build.ledger(fine, YEAR, paid_months=set(range(1, 8)))
    return orgs


def test_reminders_flag_members_before_the_sixth_month(build, db, settings) -> None:
    orgs = _setup(build, db)
    rows = dues_desk.reminders(db, ACTOR, settings.dues, orgs["district"].id, TODAY)
    assert [(r.name, r.consecutive, r.arrears_fen, r.warning.level) for r in rows] == [
        ("六个月", 6, 12000, "final"),
        ("五个月", 5, 5000, "reminder"),
    ]
    assert rows[0].warning.text.startswith("有情提醒：党费要按时缴纳")
    assert rows[1].warning.text == "温馨提示：您已有5个月党费未交，请尽快到所在支部或服务窗口缴纳。"
    assert dues_desk.reminders(db, ACTOR, settings.dues, orgs["b3"].id, TODAY) == []


def test_ledger_print_shows_each_month(build, db) -> None:
    orgs = _setup(build, db)
    row = db.scalar(select(DuesMonth).where(DuesMonth.month == 12, DuesMonth.paid_fen == 0))
    row.waived = True
    sheet = finance_docs.ledger_sheet(db, orgs["g1"], YEAR, TODAY, printed_by="张会计")
    assert sheet.title == "幸福社区党总支2025年党费收缴台账"
    lines = {r[2]: r for r in sheet.rows if not isinstance(r, finance_docs.Section)}
    five = lines["五个月"]
    assert five[7:19] == ["10.00", "10.00", "欠", "欠", "欠", "欠", "欠", "未交", "", "", "", "免"]
    assert five[5] == 11000 and five[6] == 2000 and five[19] == 5000  # due without December
    assert five[20] == 5000  # no other year owed
    assert (
        sheet.total[5] == 11000 + 24000 + 36000 and sheet.total[19] == 5000 + 12000 + 9000
    )  # April, June, July
    text = PdfReader(io.BytesIO(exports.to_pdf(sheet))).pages[0].extract_text()
    assert "幸福社区党总支2025年党费收缴台账" in text and "中间交过" in text


def test_ledger_and_reminders_over_the_api(client, build, db) -> None:
    orgs = _setup(build, db)
    build.user(orgs["b1"], "b1staff")
    db.commit()
    token = client.post(
        "/api/v1/auth/login", json={"username": "b1staff", "password": PASSWORD}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    r = client.get(f"/api/v1/reports/ledger/export?year={YEAR}&format=xlsx", headers=headers)
    assert r.status_code == 200 and r.mimetype.endswith("spreadsheetml.sheet")
    r = client.get(
        f"/api/v1/reports/ledger/export?year={YEAR}&org_id={orgs['b2'].id}", headers=headers
    )
    assert r.status_code == 404
    r = client.get("/api/v1/reports/reminders", headers=headers)
    assert r.status_code == 200 and isinstance(r.json["items"], list)


def test_publication_adds_collected_remitted_and_used(build, db) -> None:
    orgs = _setup(build, db)
    shares = RemittanceSettings(branch_bp=8000, general_branch_bp=5000, committee_bp=5000)
    use = dues_use.record_use(
        db,
        ACTOR,
        shares,
        orgs["c1"].id,
        used_on=date(YEAR, 7, 1),
        purpose="走访慰问老党员",
        amount_fen=3000,
    )
    dues_use.approve_use(
        db,
        ACTOR,
        use.id,
        meeting_on=date(YEAR, 6, 28),
        meeting="第3次党委会",
        decision="同意慰问老党员",
        today=TODAY,
    )
    gone = dues_use.record_use(
        db, ACTOR, shares, orgs["c1"].id, used_on=date(YEAR, 7, 2), purpose="录错", amount_fen=100
    )
    dues_use.void_use(db, ACTOR, gone.id)
    pub = dues_desk.publication(db, ACTOR, orgs["c1"].id, YEAR, remittance=shares)
    assert pub.collected_fen == 2000 + 2000 + 12000  # 五个月, 六个月, 中间交过 (b1, b2)
    assert pub.kept_fen == 3200  # 160.00 × 80% (branches) × 50% (总支) × 50% kept by the 党委
    assert pub.used_fen == 3000 and [u.purpose for u in pub.uses] == ["走访慰问老党员"]
    sheet = dues_desk.publication_sheet(pub, printed_on=date(YEAR, 12, 31))
    assert sheet.title == "第一街道党工委2025年度党费收缴使用情况公示"
    assert sheet.rows == [
        ["2025-07-01", "走访慰问老党员", 3000, "2025-06-28 第3次党委会：同意慰问老党员"]
    ]
    assert "共收缴党费160.00元（壹佰陆拾元整）" in sheet.header_lines[0]
