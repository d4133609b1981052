"""Dues reports: quarterly and annual figures, their xlsx and PDF, scope, and the invariant that
rows add up to the organization above them with no member-month counted twice."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader
from sqlalchemy import select

from backend.models import DuesMonth, Role
from backend.services import reports
from backend.services.actor import Actor
from tests.builders import PASSWORD, Builders

YEAR = 2025


def login(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.json
    return {"Authorization": f"Bearer {r.json['token']}"}


def _district(build: Builders, db):  # type: ignore[no-untyped-def]
    """b1: 张三 50.00/month paid Jan–Feb, 李四 10.00 paid all year; b2: 王五 20.00 nothing paid,
    March waived; b3: 赵六 100.00 paid Q1; 钱七 30.00 in b1 for Jan–Mar, then b3 (transferred)."""
    orgs = build.district()
    zhang = build.member(orgs["b1"], name="张三", monthly_fen=5000)
    li = build.member(orgs["b1"], name="李四", monthly_fen=1000)
    wang = build.member(orgs["b2"], name="王五", monthly_fen=2000)
    zhao = build.member(orgs["b3"], name="赵六", monthly_fen=10000)
    qian = build.member(orgs["b3"], name="钱七", monthly_fen=3000)
    build.ledger(zhang, YEAR, paid_months={1, 2})
    build.ledger(li, YEAR, paid_months=set(range(1, 13)))
    build.ledger(wang, YEAR)
    build.ledger(zhao, YEAR, paid_months={1, 2, 3})
    build.ledger(qian, YEAR, paid_months={1, 2, 3, 4})
    for row in db.scalars(select(DuesMonth).where(DuesMonth.member_id == qian.id)):
        if row.month <= 3:
            row.org_id = orgs["b1"].id
    march = db.scalar(select(DuesMonth).where(DuesMonth.member_id == wang.id, DuesMonth.month == 3))
    march.waived = True
    build.user(orgs["district"], "district", Role.ADMIN)
    build.user(orgs["b1"], "b1staff")
    build.user(orgs["b2"], "b2staff")
    db.commit()
    return orgs


def test_quarterly_report_for_the_district_and_its_xlsx(client, build, db) -> None:
    orgs = _district(build, db)
    headers = login(client, "district")
    r = client.get(f"/api/v1/reports/dues?year={YEAR}&quarter=1", headers=headers)
    assert r.status_code == 200, r.json
    body = r.json
    assert body["title"] == "示范区委2025年第一季度党费收缴统计表"
    assert body["by"] == "org"
    assert "按所属月份统计" in body["basis"]
    rows = {row["name"]: row["figures"] for row in body["rows"]}
    # 第一街道: 张三 150 due/100 paid, 李四 30/30, 钱七 90/90 (in b1 then), 王五 40/0 (March waived)
    assert rows["第一街道党工委"]["due"] == "310.00"
    assert rows["第一街道党工委"]["paid"] == "220.00"
    assert rows["第一街道党工委"]["unpaid"] == "90.00"
    assert rows["第一街道党工委"]["waived_months"] == 1
    # 第二街道: 赵六 300/300; 钱七 had no Q1 months there
    assert rows["第二街道党工委"]["due"] == "300.00"
    assert rows["第二街道党工委"]["rate"] == "100.0%"
    assert body["total"]["due"] == "610.00"
    assert body["total"]["paid"] == "520.00"
    assert body["total"]["rate"] == "85.2%"

    x = client.get(
        f"/api/v1/reports/dues/export?year={YEAR}&quarter=1&format=xlsx", headers=headers
    )
    assert x.status_code == 200
    assert x.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in x.headers["Content-Disposition"]
    ws = load_workbook(io.BytesIO(x.data)).active
    values = [[c for c in row] for row in ws.iter_rows(values_only=True)]
    assert values[0][0] == "示范区委2025年第一季度党费收缴统计表"
    header = next(row for row in values if row[0] == "组织编码")
    assert list(header) == [
        "组织编码",
        "党组织",
        "应交党费（元）",
        "实交党费（元）",
        "未交（元）",
        "交纳率",
        "减免月数",
    ]
    first = next(row for row in values if row[0] == orgs["c1"].code)
    assert first[1] == "第一街道党工委"
    assert first[2] == pytest.approx(310.00) and first[3] == pytest.approx(220.00)
    total = next(row for row in values if row[1] == "合计")
    assert total[2] == pytest.approx(610.00) and total[3] == pytest.approx(520.00)
    assert total[5] == pytest.approx(0.852)  # a number shown as a percentage


def test_report_pdf_says_what_the_screen_says(client, build, db) -> None:
    _district(build, db)
    headers = login(client, "district")
    r = client.get(f"/api/v1/reports/dues/export?year={YEAR}&format=pdf", headers=headers)
    assert r.status_code == 200
    assert r.data.startswith(b"%PDF")
    text = PdfReader(io.BytesIO(r.data)).pages[0].extract_text()
    assert "示范区委2025年度党费收缴统计表" in text
    assert "第一街道党工委" in text and "合计" in text


def test_branch_report_has_a_row_per_member(client, build, db) -> None:
    orgs = _district(build, db)
    headers = login(client, "b1staff")
    r = client.get(f"/api/v1/reports/dues?year={YEAR}", headers=headers)
    assert r.status_code == 200, r.json
    assert r.json["by"] == "member"
    assert r.json["org_id"] == orgs["b1"].id
    rows = {row["name"]: row["figures"] for row in r.json["rows"]}
    assert set(rows) == {"张三", "李四", "钱七"}
    assert rows["张三"] == {
        "due": "600.00",
        "paid": "100.00",
        "unpaid": "500.00",
        "rate": "16.7%",
        "waived_months": 0,
        "pending_months": 0,
    }
    assert rows["钱七"]["due"] == "90.00"  # only the months he belonged to 第一党支部


def test_a_branch_user_cannot_see_another_branchs_report(client, build, db) -> None:
    orgs = _district(build, db)
    headers = login(client, "b1staff")
    for url in (
        f"/api/v1/reports/dues?year={YEAR}&org_id={orgs['b2'].id}",
        f"/api/v1/reports/dues?year={YEAR}&org_id={orgs['g1'].id}",
        f"/api/v1/reports/dues/export?year={YEAR}&org_id={orgs['b2'].id}&format=xlsx",
    ):
        r = client.get(url, headers=headers)
        assert r.status_code == 404
        assert r.json["code"] == "org_not_found"
        assert r.json["message"] == "未找到该党组织，或不在您的管理范围内"


def test_reports_add_up_level_by_level_without_double_counting(build, db) -> None:
    orgs = _district(build, db)
    actor = Actor.system("test")
    both = ["张三", "李四", "钱七", "王五", "赵六", "钱七"]  # 钱七 in b1 for Q1, in b3 after
    for period, expected in (
        (reports.Period(YEAR), both),
        (reports.Period.quarter(YEAR, 2), ["张三", "李四", "王五", "赵六", "钱七"]),
    ):
        district = reports.dues_report(db, actor, orgs["district"].id, period)
        flat = reports.subtree_total(db, orgs["district"], period)
        branches = [
            reports.dues_report(db, actor, orgs[b].id, period).total for b in ("b1", "b2", "b3")
        ]
        committees = [row.figures for row in district.rows]
        for parts in (branches, committees):
            assert sum(f.due_fen for f in parts) == district.total.due_fen == flat.due_fen
            assert sum(f.paid_fen for f in parts) == district.total.paid_fen == flat.paid_fen
        # every member-month of the ledger is in exactly one branch report
        member_rows = [
            row.name
            for b in ("b1", "b2", "b3")
            for row in reports.dues_report(db, actor, orgs[b].id, period).rows
        ]
        assert sorted(member_rows) == sorted(expected)
    year = reports.dues_report(db, actor, orgs["district"].id, reports.Period(YEAR))
    assert year.total.due_fen == (5000 + 1000 + 2000 + 10000 + 3000) * 12 - 2000


def test_period_labels_and_bounds() -> None:
    assert reports.Period(2026).label == "2026年度"
    assert reports.Period.quarter(2026, 3).label == "2026年第三季度"
    assert reports.Period(2026, 5, 5).label == "2026年5月"
    with pytest.raises(Exception, match="季度应为1至4"):
        reports.Period.quarter(2026, 5)
    assert reports.Figures(due_fen=0).rate_percent == "—"
    assert reports.Figures(due_fen=3, paid_fen=2).rate_percent == "66.7%"
