"""The live ledger print (台账打印) carries the ledger's columns and 累计欠交 across years.

The 当年党费收缴库 (docs/founding-spec.md) has, per member: monthly amount, due this year, paid,
January … December and accumulated arrears; the print adds 党员编号 and 性别 as on the member
ledger.
"""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader

from backend.services import exports, finance_docs

TODAY = date(2026, 4, 15)


def test_the_print_has_member_number_sex_and_arrears_of_every_year(db, build) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    li = build.member(orgs["b1"], name="李芳", sex="F", monthly_fen=1000)
    build.ledger(li, 2025, paid_months=set(range(1, 10)))  # October–December 2025 owed
    build.ledger(li, 2026, paid_months={1})  # February and March 2026 owed
    zhang = build.member(orgs["b1"], name="张小明", monthly_fen=5000)
    build.ledger(zhang, 2026, paid_months={1, 2, 3})
    sheet = finance_docs.ledger_sheet(db, orgs["b1"], 2026, TODAY, printed_by="张会计")
    names = [c.label for c in sheet.columns]
    assert names[:4] == ["卡号", "党员编号", "姓名", "性别"]
    assert names[-2:] == ["本年欠交", "累计欠交"]
    lines = {r[2]: r for r in sheet.rows if not isinstance(r, finance_docs.Section)}
    assert lines["李芳"][1] == li.member_no and lines["李芳"][3] == "女"
    assert lines["李芳"][-2:] == [2000, 5000]  # this year 20.00; with 2025's three months 50.00
    assert lines["张小明"][3] == "男" and lines["张小明"][-2:] == [0, 0]
    assert sheet.total[-2:] == [2000, 5000]

    ws = load_workbook(io.BytesIO(exports.to_xlsx(sheet))).active
    values = [row for row in ws.iter_rows(values_only=True)]
    header = next(row for row in values if row and row[0] == "卡号")
    assert header[1] == "党员编号" and header[3] == "性别" and header[-1] == "累计欠交"
    text = PdfReader(io.BytesIO(exports.to_pdf(sheet))).pages[0].extract_text()
    assert "党员编号" in text and "累计欠交" in text and li.member_no in text
