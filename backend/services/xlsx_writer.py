"""A ``Sheet`` as an xlsx file, written with XlsxWriter in constant-memory mode — the one place
the project writes spreadsheets (imports read them with openpyxl, ``import_rows``).

Why XlsxWriter: at 100,000 members it writes the exports' styled rows in about half of the
CPU openpyxl's write-only mode needs (bench/RESULTS.md, "Exports"). In constant-memory mode a
row goes to a temporary file as soon as the next one starts, so ``rows`` may be a generator
and a district export never holds its cells in memory (docs/transactions.md, "Exports"). Every
text cell passes ``spreadsheet_cell`` (docs/security.md): no formula injection, no characters
the format cannot hold; XlsxWriter's own guessing (``=…`` as a formula, ``http…`` as a link)
is off.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import xlsxwriter

from backend.services.input_rules import spreadsheet_cell, strip_bad_characters
from backend.services.sheets import Section, Sheet

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY_FORMAT = '"¥"#,##0.00'
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_AMOUNT_TEXT = re.compile(r"-?\d{1,3}(,\d{3})*\.\d{2}|-?\d+\.\d{2}")
_PERCENT_TEXT = re.compile(r"-?\d+(\.(\d+))?%")
_DATE_FORMATS = {date: "yyyy-mm-dd", datetime: "yyyy-mm-dd hh:mm"}
_OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def xlsx_cell(value: Any, kind: str) -> tuple[Any, str | None]:
    """The value a spreadsheet cell holds, and its number format (None: general).

    Money is a number of yuan (exact, from integer fen or from an amount already written as
    "1,234.50") shown with the ¥ format; a rate written as "33.3%" is the number 0.333 shown as
    a percentage; a count is an integer; anything else is text that passes
    ``spreadsheet_cell`` (docs/security.md).
    """
    if isinstance(value, bool) or value is None:
        return spreadsheet_cell(value), None
    if isinstance(value, int) and kind == "money":
        return Decimal(value) / 100, MONEY_FORMAT  # exact: never a float computation
    if isinstance(value, int | Decimal):
        return value, None
    if isinstance(value, str):
        text = value.strip()
        if _AMOUNT_TEXT.fullmatch(text):
            return Decimal(text.replace(",", "")), MONEY_FORMAT
        percent = _PERCENT_TEXT.fullmatch(text)
        if percent:
            places = len(percent.group(2) or "")
            return Decimal(text[:-1]) / 100, "0" + ("." + "0" * places if places else "") + "%"
    return spreadsheet_cell(value), None


def sheet_name(title: str) -> str:
    """A worksheet name Excel accepts: no []:*?/\\, no quote at either end, 31 characters."""
    name = _SHEET_NAME_FORBIDDEN.sub(" ", strip_bad_characters(title))[:31].strip("'")
    return name if name and name.lower() != "history" else "Sheet"


class _Formats:
    """The cell formats, made once per workbook (XlsxWriter keeps one style per format)."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.title = book.add_format({"bold": True, "font_size": 14})
        self.section = book.add_format({"bold": True})
        self.header = book.add_format({"bold": True, "align": "center", "border": 1})
        self.number: dict[tuple[str | None, bool], Any] = {}

    def cell(self, number_format: str | None, bold: bool = False) -> Any:
        """Bordered; numbers with a format right-aligned; bold on the total row."""
        key = (number_format, bold)
        found = self.number.get(key)
        if found is None:
            spec: dict[str, Any] = {"border": 1, "bold": bold}
            if number_format is not None:
                spec |= {"num_format": number_format, "align": "right"}
            found = self.number[key] = self.book.add_format(spec)
        return found


def to_xlsx(sheet: Sheet) -> bytes:
    """The sheet: a merged title row and header lines, the column header straight above the
    data (frozen), rows with merged section lines, the total row in bold, then footer lines."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, _OPTIONS)
    ws = book.add_worksheet(sheet_name(sheet.title))
    formats = _Formats(book)
    last_column = len(sheet.columns) - 1
    for i, column in enumerate(sheet.columns):
        ws.set_column(i, i, column.width + 2)

    def spanning(row: int, text: str, cell_format: Any = None) -> None:
        if last_column > 0:
            ws.merge_range(row, 0, row, last_column, spreadsheet_cell(text), cell_format)
        else:
            ws.write_string(row, 0, spreadsheet_cell(text), cell_format)

    spanning(0, sheet.title, formats.title)
    row = 1
    for line in sheet.header_lines:
        spanning(row, line)
        row += 1
    for i, column in enumerate(sheet.columns):
        ws.write_string(row, i, spreadsheet_cell(column.label), formats.header)
    row += 1
    ws.freeze_panes(row, 0)
    write_line = _line_writer(ws, sheet.columns, formats)
    for values in sheet.rows:
        if isinstance(values, Section):
            spanning(row, values.text, formats.section)
        else:
            write_line(row, values)
        row += 1
    if sheet.total is not None:
        _line_writer(ws, sheet.columns, formats, bold=True)(row, sheet.total)
        row += 1
    for line in sheet.footer_lines:
        ws.write_string(row, 0, spreadsheet_cell(line))
        row += 1
    book.close()
    return out.getvalue()


def _line_writer(ws: Any, columns: Sequence[Any], formats: _Formats, bold: bool = False) -> Any:
    """A function writing one data row: the typing of ``xlsx_cell``, with its common cases
    (plain text, whole numbers, money in fen) decided inline — this runs for every cell of a
    100,000-row export, so it looks up nothing it can look up once."""
    money_columns = [c.kind == "money" for c in columns]
    text, money = formats.cell(None, bold), formats.cell(MONEY_FORMAT, bold)
    write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
    clean = spreadsheet_cell

    def write(row: int, values: Sequence[Any]) -> None:
        if len(values) != len(money_columns):
            raise ValueError(f"row of {len(values)} cells for {len(money_columns)} columns")
        for col, value in enumerate(values):
            kind = value.__class__
            if kind is str:
                if "." not in value and "%" not in value:  # neither an amount nor a rate
                    write_string(row, col, clean(value), text)
                    continue
            elif kind is int:
                if money_columns[col]:
                    write_number(row, col, Decimal(value) / 100, money)
                else:
                    write_number(row, col, value, text)
                continue
            elif value is None:
                write_blank(row, col, None, text)
                continue
            typed, number_format = xlsx_cell(value, "money" if money_columns[col] else "text")
            if number_format is not None:
                write_number(row, col, typed, formats.cell(number_format, bold))
            elif kind in _DATE_FORMATS:
                ws.write_datetime(row, col, typed, formats.cell(_DATE_FORMATS[kind], bold))
            elif isinstance(typed, str):
                write_string(row, col, typed, text)
            else:
                ws.write(row, col, typed, text)

    return write
