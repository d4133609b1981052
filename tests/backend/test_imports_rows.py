"""Reading spreadsheets for imports: the cells Excel really produces, csv encodings, templates."""

from __future__ import annotations

import io
from datetime import date, datetime, time

import pytest
from openpyxl import Workbook, load_workbook

from backend.errors import Invalid
from backend.services.import_rows import (
    MEMBER_COLUMNS,
    normalize_header,
    parse_amount,
    parse_code,
    parse_date,
    read_table,
    write_template,
)


@pytest.mark.parametrize(
    "raw",
    [
        "2024-07-01",
        "2024/7/1",
        "2024.07.01",
        "20240701",
        "2024年7月1日",
        " 2024-7-01 ",
        datetime.combine(date(2024, 7, 1), time()),  # a spreadsheet's date cell: no zone
        date(2024, 7, 1),
        20240701,
        45474,  # Excel's serial number for 2024-07-01
    ],
)
def test_dates_are_read_in_every_spelling_branches_use(raw: object) -> None:
    assert parse_date(raw) == date(2024, 7, 1)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [("2024-02-30", "日期不存在"), ("2024-13-01", "日期不存在"), ("七月一日", "日期格式不正确")],
)
def test_impossible_dates_are_refused_in_chinese(raw: str, reason: str) -> None:
    with pytest.raises(Invalid) as exc:
        parse_date(raw)
    assert reason in exc.value.message


def test_amounts_become_fen_without_float_drift() -> None:
    assert parse_amount("76.50") == 7650
    assert parse_amount(76.5) == 7650
    assert parse_amount("￥1,000.00") == 100000
    assert parse_amount(12) == 1200
    assert parse_amount("") is None
    for bad in ("76.555", "-5", "abc", 0.1 + 0.2):  # 0.30000000000000004: not whole fen
        with pytest.raises(Invalid):
            parse_amount(bad)


def test_an_id_number_stored_as_an_excel_number_is_refused_with_the_reason() -> None:
    with pytest.raises(Invalid) as exc:
        parse_code(1.1010519491231e17)
    assert "Excel" in exc.value.message and "文本" in exc.value.message
    assert parse_code(12.0) == "12"  # a short card number typed as a number is fine


def test_headers_lose_notes_and_required_marks() -> None:
    assert normalize_header("党员类别(正式/预备)") == "党员类别"
    assert normalize_header(" 月缴党费（元）* ") == "月缴党费"


def test_csv_in_utf8_with_bom_gbk_and_gb18030_reads_the_same() -> None:
    text = "姓名,身份证号\r\n张三,11010519491231002X\r\n\r\n王𬌗,440524188001010014\r\n"
    for encoding in ("utf-8-sig", "utf-8", "gb18030"):
        rows = list(read_table(io.BytesIO(text.encode(encoding)), "csv"))
        assert [r["姓名"] for r in rows] == ["张三", "王𬌗"]
        # The blank line is skipped but row numbers stay those of the file.
        assert [r.number for r in rows] == [2, 4]
    gbk = "姓名,身份证号\n李四,11010519491231002X\n".encode("gbk")
    assert list(read_table(io.BytesIO(gbk), "csv"))[0]["姓名"] == "李四"


def test_xlsx_rows_keep_excel_types_and_row_numbers() -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["姓名", "入党日期", "联系电话", "月缴党费"])
    sheet.append(["刘䶮", datetime.combine(date(2005, 7, 1), time()), 13912345678, 76.5])
    sheet.append([None, None, None, None])
    sheet.append(["吉𠮷", "2005/7/1", "139 1234 5678", "49.00"])
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    rows = list(read_table(stream, "xlsx"))
    assert [r.number for r in rows] == [2, 4]
    assert rows[0]["姓名"] == "刘䶮"
    assert parse_date(rows[0]["入党日期"]) == parse_date(rows[1]["入党日期"]) == date(2005, 7, 1)
    assert parse_amount(rows[0]["月缴党费"]) == 7650


def test_unknown_file_types_are_refused() -> None:
    with pytest.raises(Invalid) as exc:
        list(read_table(io.BytesIO(b"x"), "xls"))
    assert ".xlsx" in exc.value.message
    with pytest.raises(Invalid) as exc:
        list(read_table(io.BytesIO(b"not a zip"), "xlsx"))
    assert "无法读取" in exc.value.message


def test_template_has_every_column_as_text_and_an_explanation_sheet() -> None:
    stream = io.BytesIO()
    write_template(stream, MEMBER_COLUMNS, "党员信息")
    stream.seek(0)
    book = load_workbook(stream)
    sheet = book["党员信息"]
    headers = [c.value for c in sheet[1]]
    assert headers == [c.name for c in MEMBER_COLUMNS]
    assert sheet.cell(row=2, column=3).number_format == "@"  # 身份证号 stays text
    notes = book["填写说明"]
    assert notes.cell(row=2, column=1).value == "姓名"
    assert notes.cell(row=2, column=2).value == "必填"
    stream.seek(0)
    assert list(read_table(stream, "xlsx")) == []  # an empty template has no data rows
