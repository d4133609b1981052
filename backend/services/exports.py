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
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
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
    """Every cell passes ``spreadsheet_cell`` (docs/security.md): no formula injection, and old
    text holding control characters does not break the file."""
    book = Workbook()
    ws = book.active
    ws.title = _SHEET_NAME_FORBIDDEN.sub(" ", strip_bad_characters(sheet.title))[:31] or "Sheet"
    width = len(sheet.columns)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([spreadsheet_cell(sheet.title)])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = Alignment(horizontal="center")
    for line in sheet.header_lines:
        ws.append([spreadsheet_cell(line)])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width)
    ws.append([spreadsheet_cell(c.label) for c in sheet.columns])
    header_row = ws.max_row
    for i in range(1, width + 1):
        ws.cell(header_row, i).font = Font(bold=True)
        ws.cell(header_row, i).alignment = Alignment(horizontal="center")
        ws.cell(header_row, i).border = border
    # By name, not ``ws.cell(…)``: that call would create the row and leave it blank.
    ws.freeze_panes = f"A{header_row + 1}"
    for row in sheet.rows:
        if isinstance(row, Section):
            ws.append([spreadsheet_cell(row.text)])
            ws.merge_cells(
                start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=width
            )
            ws.cell(ws.max_row, 1).font = Font(bold=True)
            continue
        _append_values(ws, sheet.columns, row, border)
    if sheet.total is not None:
        _append_values(ws, sheet.columns, sheet.total, border)
        for i in range(1, width + 1):
            ws.cell(ws.max_row, i).font = Font(bold=True)
    for line in sheet.footer_lines:
        ws.append([spreadsheet_cell(line)])
    for i, column in enumerate(sheet.columns, 1):
        ws.column_dimensions[get_column_letter(i)].width = column.width + 2
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _append_values(ws: Any, columns: list[Column], values: Sequence[Any], border: Border) -> None:
    typed = [xlsx_cell(v, c.kind) for v, c in zip(values, columns, strict=True)]
    ws.append([value for value, _format in typed])
    for i, (_value, number_format) in enumerate(typed, 1):
        cell = ws.cell(ws.max_row, i)
        cell.border = border
        if number_format is not None:
            cell.number_format = number_format
            cell.alignment = Alignment(horizontal="right")


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
