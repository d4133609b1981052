"""What an exported xlsx holds, read back with openpyxl: the header row straight above the data
(no blank row), amounts as numbers with the ¥ format, rates as percentages, text as text."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

from openpyxl import load_workbook

from backend.services.exports import MONEY_FORMAT, Column, Section, Sheet, to_xlsx, xlsx_cell


def _cells(sheet: Sheet) -> list[list]:
    ws = load_workbook(io.BytesIO(to_xlsx(sheet))).active
    return [list(row) for row in ws.iter_rows()]


def test_no_blank_row_and_numbers_are_numbers() -> None:
    sheet = Sheet(
        "党费收缴统计表",
        [Column("党组织"), Column("应交（元）", "money"), Column("人数", "int"), Column("交纳率")],
        rows=[["第一党支部", 123456, 12, "85.2%"], ["第二党支部", 5000, 3, "—"]],
        header_lines=["统计口径：全年"],
        total=["合计", 128456, 15, "86.0%"],
    )
    rows = _cells(sheet)
    assert [c.value for c in rows[2]] == ["党组织", "应交（元）", "人数", "交纳率"]
    first = rows[3]  # straight under the header: no blank row any more
    assert first[0].value == "第一党支部"
    assert first[1].value == 1234.56 and first[1].data_type == "n"
    assert first[1].number_format == MONEY_FORMAT and "¥" in first[1].number_format
    assert first[2].value == 12 and first[2].data_type == "n"
    assert first[3].value == 0.852 and first[3].number_format == "0.0%"
    assert rows[4][3].value == "—" and rows[4][3].data_type == "s"
    assert rows[5][1].value == 1284.56 and rows[5][3].value == 0.86


def test_the_typing_rules() -> None:
    assert xlsx_cell(7650, "money") == (Decimal("76.50"), MONEY_FORMAT)
    assert xlsx_cell("1,050.00", "text") == (Decimal("1050.00"), MONEY_FORMAT)
    assert xlsx_cell("15%", "text") == (Decimal("0.15"), "0%")
    assert xlsx_cell("00012", "text") == ("00012", None)  # a card number stays text
    assert xlsx_cell("2025-04-03", "text") == ("2025-04-03", None)
    assert xlsx_cell("=1+1", "text")[0] != "=1+1"  # never a formula
    assert xlsx_cell("欠", "text") == ("欠", None)


def test_title_and_sections_span_the_table_and_the_header_stays_in_view() -> None:
    sheet = Sheet(
        "台账：一支部/二支部",
        [Column("姓名"), Column("月交", "money"), Column("入党日期")],
        rows=[Section("第一党支部（01）"), ["王芳", 2000, date(2001, 7, 1)], Section("第二党支部")],
        header_lines=["截至10月"],
        total=["合计", 2000, None],
        footer_lines=["打印：张会计"],
    )
    book = load_workbook(io.BytesIO(to_xlsx(sheet)))
    ws = book.active
    assert ws.title == "台账：一支部 二支部"  # "/" cannot be in a sheet name
    assert sorted(str(r) for r in ws.merged_cells.ranges) == ["A1:C1", "A2:C2", "A4:C4", "A6:C6"]
    assert ws.freeze_panes == "A4"  # the header row stays on screen
    assert ws["A1"].font.bold and ws["A4"].value == "第一党支部（01）" and ws["A4"].font.bold
    assert ws["C5"].value.date() == date(2001, 7, 1) and ws["C5"].number_format == "yyyy-mm-dd"
    assert ws["B7"].value == 20 and ws["B7"].font.bold and ws["A8"].value == "打印：张会计"
    assert ws["B5"].border.left.style == "thin"
