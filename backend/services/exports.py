"""PDF (reportlab) renderings of tables and certificates, and the one import point for a
report's table and its xlsx: ``Sheet`` and its parts live in ``sheets``, the xlsx writer in
``xlsx_writer``; both are re-exported here so a service needs one import.

A PDF is set in one font, embedded: the hall's CJK font cut down to the characters of that
document (``pdf_fonts.embedded_font``), so rare characters in names print.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from backend.services.pdf_fonts import embedded_font
from backend.services.sheets import Column, Section, Sheet, cell_text
from backend.services.xlsx_writer import MONEY_FORMAT, XLSX_MIME, to_xlsx, xlsx_cell

PDF_MIME = "application/pdf"
__all__ = [
    "MONEY_FORMAT",
    "PDF_MIME",
    "XLSX_MIME",
    "Column",
    "Section",
    "Sheet",
    "cell_text",
    "letter_pdf",
    "to_pdf",
    "to_xlsx",
    "xlsx_cell",
]


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
