"""Spreadsheet (xlsx, openpyxl) and PDF (reportlab) renderings of tables and certificates.

Services describe *what* a report says as a ``Sheet`` (columns, rows with money in integer fen,
section rows, a total row); this module only lays it out, so the screen, the xlsx and the PDF
of a report never disagree. A PDF is set in one font, embedded: the hall's CJK font cut down to
the characters of that document (``pdf_fonts.embedded_font``), so rare characters in names print.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator, Sequence
from copy import copy
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange, MultiCellRange
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from backend.services.input_rules import spreadsheet_cell, strip_bad_characters
from backend.services.money import format_yuan
from backend.services.pdf_fonts import embedded_font

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_MIME = "application/pdf"
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text | money (int fen) | int
    width: int = 12  # in characters; the PDF shares the page width in the same proportions


@dataclass(frozen=True)
class Section:
    """A row spanning the whole table (e.g. a branch's name in a ledger print)."""

    text: str


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    # A list, or for xlsx alone any iterable (a generator streams a big export row by row).
    rows: list[Sequence[Any] | Section] = field(default_factory=list)
    header_lines: list[str] = field(default_factory=list)
    total: Sequence[Any] | None = None
    footer_lines: list[str] = field(default_factory=list)
    landscape: bool = False


def cell_text(value: Any, kind: str) -> str:
    """A cell as shown on screen and in the PDF."""
    if value is None:
        return ""
    if kind == "money" and isinstance(value, int):
        return format_yuan(value)
    return str(value)


# --- xlsx ------------------------------------------------------------------------------------


def to_xlsx(sheet: Sheet) -> bytes:
    """The sheet in openpyxl's write-only mode: rows stream to the file as they come (``rows``
    may be a generator), so a 100,000-member export neither holds every cell in memory nor
    pays for openpyxl's cell objects (docs/transactions.md, "Exports"). Every cell passes
    ``spreadsheet_cell`` (docs/security.md): no formula injection, and old text holding control
    characters does not break the file."""
    book = Workbook(write_only=True)
    title = _SHEET_NAME_FORBIDDEN.sub(" ", strip_bad_characters(sheet.title))[:31] or "Sheet"
    ws = book.create_sheet(title)
    width = len(sheet.columns)
    for i, column in enumerate(sheet.columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = column.width + 2
    styles = _Styles(ws)
    row_number = 0
    merged: list[CellRange] = []  # given to the sheet at the end: ``merged_cells.add`` is O(n)

    def spanning(text: str, font: Font | None = None) -> None:
        nonlocal row_number
        row_number += 1
        ws.append([styles.cell(text, font=font)])
        if width > 1:
            merged.append(
                CellRange(min_col=1, min_row=row_number, max_col=width, max_row=row_number)
            )

    spanning(sheet.title, Font(bold=True, size=14))
    for line in sheet.header_lines:
        spanning(line)
    ws.append([styles.cell(c.label, "header") for c in sheet.columns])
    row_number += 1
    ws.freeze_panes = f"A{row_number + 1}"
    for row in sheet.rows:
        if isinstance(row, Section):
            spanning(row.text, Font(bold=True))
            continue
        ws.append(styles.values(sheet.columns, row))
        row_number += 1
    if sheet.total is not None:
        ws.append(styles.values(sheet.columns, sheet.total, bold=True))
        row_number += 1
    for line in sheet.footer_lines:
        ws.append([spreadsheet_cell(line)])
        row_number += 1
    ws.merged_cells = MultiCellRange(merged)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class _Styles:
    """Styled cells for a write-only sheet. Each style is set once on a prototype cell through
    openpyxl's public attributes; a new cell takes the prototype's style array, which costs a
    copy instead of a style look-up per attribute per cell (3× faster at 100,000 rows)."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        thin = Side(style="thin")
        border = Border(left=thin, right=thin, top=thin, bottom=thin)
        centre = Alignment(horizontal="center")
        right = Alignment(horizontal="right")
        self.protos = {
            "header": self._proto(font=Font(bold=True), alignment=centre, border=border),
            "text": self._proto(border=border),
            "money": self._proto(border=border, number_format=MONEY_FORMAT, alignment=right),
            "bold text": self._proto(border=border, font=Font(bold=True)),
            "bold money": self._proto(
                border=border, number_format=MONEY_FORMAT, alignment=right, font=Font(bold=True)
            ),
        }

    def _proto(self, **attributes: Any) -> WriteOnlyCell:
        cell = WriteOnlyCell(self.ws)
        for name, value in attributes.items():
            setattr(cell, name, value)
        return cell

    def cell(self, value: Any, style: str | None = None, font: Font | None = None) -> Any:
        cell = WriteOnlyCell(self.ws, spreadsheet_cell(value))
        if style is not None:
            cell._style = copy(self.protos[style]._style)
        if font is not None:
            cell.font = font
        return cell

    def values(self, columns: list[Column], values: Sequence[Any], bold: bool = False) -> list:
        prefix = "bold " if bold else ""
        out = []
        for value, column in zip(values, columns, strict=True):
            typed, number_format = xlsx_cell(value, column.kind)
            cell = WriteOnlyCell(self.ws, typed)
            money = number_format == MONEY_FORMAT
            cell._style = copy(self.protos[prefix + ("money" if money else "text")]._style)
            if number_format is not None and not money:  # a percentage
                cell.number_format = number_format
                cell.alignment = Alignment(horizontal="right")
            out.append(cell)
        return out


MONEY_FORMAT = '"¥"#,##0.00'
_AMOUNT_TEXT = re.compile(r"-?\d{1,3}(,\d{3})*\.\d{2}|-?\d+\.\d{2}")
_PERCENT_TEXT = re.compile(r"-?\d+(\.(\d+))?%")


def xlsx_cell(value: Any, kind: str) -> tuple[Any, str | None]:
    """The value a spreadsheet cell holds, and its number format (None: general).

    Money is a number of yuan (exact, from integer fen or from an amount already written as
    "1,234.50") shown with the ¥ format; a rate written as "33.3%" is the number 0.333 shown as
    a percentage; a count is an integer; anything else is text that passes
    ``spreadsheet_cell`` (docs/security.md). Kept apart from the sheet layout on purpose: the
    typing rules are the same however the workbook is written.
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


# --- PDF -------------------------------------------------------------------------------------


_PAGE_NUMBER = "第 {} 页"


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=16, leading=22, alignment=TA_CENTER),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11),
        "money": ParagraphStyle("money", parent=base, fontSize=8.5, leading=11, alignment=TA_RIGHT),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "body": ParagraphStyle("body", parent=base, fontSize=13, leading=24, firstLineIndent=26),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _page_numbers(font: str) -> Callable[[Any, Any], None]:
    def draw(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font, 8)
        canvas.drawCentredString(doc.pagesize[0] / 2, 10 * mm, _PAGE_NUMBER.format(doc.page))
        canvas.restoreState()

    return draw


def _sheet_texts(sheet: Sheet) -> Iterator[str]:
    """Every string ``to_pdf`` draws, so the embedded font has each character."""
    yield from (sheet.title, *sheet.header_lines, *sheet.footer_lines, _PAGE_NUMBER)
    yield from (c.label for c in sheet.columns)
    rows = list(sheet.rows) + ([sheet.total] if sheet.total is not None else [])
    for row in rows:
        if isinstance(row, Section):
            yield row.text
        else:
            yield from (cell_text(v, c.kind) for v, c in zip(row, sheet.columns, strict=True))


def to_pdf(sheet: Sheet) -> bytes:
    with embedded_font(_sheet_texts(sheet)) as font:
        return _sheet_pdf(sheet, font)


def _sheet_pdf(sheet: Sheet, font: str) -> bytes:
    styles = _styles(font)
    pagesize = landscape(A4) if sheet.landscape else A4
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=pagesize,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=14 * mm,
        bottomMargin=16 * mm,
        title=sheet.title,
        initialFontName=font,  # else every page also names Helvetica, a font it never uses
    )
    story: list[Any] = [Paragraph(_escape(sheet.title), styles["title"]), Spacer(1, 3 * mm)]
    story += [Paragraph(_escape(line), styles["base"]) for line in sheet.header_lines]
    story.append(Spacer(1, 3 * mm))
    story.append(_pdf_table(sheet, styles, doc.width))
    if sheet.footer_lines:
        story.append(Spacer(1, 4 * mm))
        story += [Paragraph(_escape(line), styles["base"]) for line in sheet.footer_lines]
    page_numbers = _page_numbers(font)
    doc.build(story, onFirstPage=page_numbers, onLaterPages=page_numbers)
    return out.getvalue()


def _pdf_table(sheet: Sheet, styles: dict[str, ParagraphStyle], width: float) -> Table:
    total_width = sum(c.width for c in sheet.columns)
    widths = [width * c.width / total_width for c in sheet.columns]
    data: list[list[Any]] = [[Paragraph(_escape(c.label), styles["cell"]) for c in sheet.columns]]
    commands: list[tuple[Any, ...]] = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), styles["cell"].fontName),  # the spanned empty cells
    ]
    rows = list(sheet.rows) + ([sheet.total] if sheet.total is not None else [])
    for row in rows:
        if isinstance(row, Section):
            index = len(data)
            data.append([Paragraph(_escape(row.text), styles["cell"])] + [""] * (len(widths) - 1))
            commands.append(("SPAN", (0, index), (-1, index)))
            commands.append(("BACKGROUND", (0, index), (-1, index), colors.HexColor("#f6f6f6")))
            continue
        data.append(
            [
                Paragraph(
                    _escape(cell_text(v, c.kind)),
                    styles["money" if c.kind in ("money", "int") else "cell"],
                )
                for v, c in zip(row, sheet.columns, strict=True)
            ]
        )
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle(commands))
    return table


def letter_pdf(
    title: str,
    paragraphs: list[str],
    *,
    number: str | None = None,
    signature: list[str] | None = None,
    rows: list[tuple[str, str]] | None = None,
) -> bytes:
    """A one-page certificate or receipt: title, number, key–value rows, paragraphs, signature."""
    texts = [title, number or "", *paragraphs, *(signature or [])]
    texts += [text for row in rows or [] for text in row]
    with embedded_font(texts) as font:
        return _letter_pdf(title, paragraphs, number, signature, rows, font)


def _letter_pdf(
    title: str,
    paragraphs: list[str],
    number: str | None,
    signature: list[str] | None,
    rows: list[tuple[str, str]] | None,
    font: str,
) -> bytes:
    styles = _styles(font)
    out = io.BytesIO()
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=30 * mm,
        title=title,
        initialFontName=font,
    )
    story: list[Any] = []
    if number:
        story.append(Paragraph(_escape(number), styles["right"]))
    story += [Spacer(1, 6 * mm), Paragraph(_escape(title), styles["title"]), Spacer(1, 10 * mm)]
    if rows:
        table = Table(
            [
                [Paragraph(_escape(k), styles["base"]), Paragraph(_escape(v), styles["base"])]
                for k, v in rows
            ],
            colWidths=[35 * mm, doc.width - 35 * mm],
        )
        table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)]))
        story += [table, Spacer(1, 8 * mm)]
    story += [Paragraph(_escape(p), styles["body"]) for p in paragraphs]
    if signature:
        story.append(Spacer(1, 16 * mm))
        story += [Paragraph(_escape(line), styles["right"]) for line in signature]
    doc.build(story)
    return out.getvalue()
