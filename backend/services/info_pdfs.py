"""The information tables (docs/info-tables.md) as printable PDFs: 党组织基本情况信息表 and
党员信息表.

Set like every PDF of the hall (``exports``): one embedded font cut down to the document's
characters (``pdf_fonts.embedded_font``), so rare name characters print. Photos are drawn from
the stored image bytes; a photo reportlab cannot read leaves its box with a note instead of
failing the whole table. See docs/info-tables.md.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from backend.services.pdf_fonts import embedded_font

log = logging.getLogger(__name__)

Pairs = Sequence[tuple[str, str]]
PHOTO_MISSING = "照片无法显示"


@dataclass(frozen=True)
class OrgTable:
    """What the 党组织基本情况信息表 shows, already in words."""

    title: str  # e.g. "幸福社区第一党支部基本情况信息表"
    details: Pairs  # (label, value) in reading order, two pairs a line
    committee_header: tuple[str, ...]
    committee: Sequence[tuple[str, ...]]
    counts: Pairs  # (group title, "正式党员12名；预备党员2名")
    photos: Sequence[bytes]
    printed_on: date


@dataclass(frozen=True)
class MemberTable:
    """What the 党员信息表 shows, already in words."""

    title: str
    details: Pairs  # (label, value), two pairs a line; the photo sits to the right of the first
    photo: bytes | None
    printed_on: date


def _styles(font: str) -> dict[str, ParagraphStyle]:
    cell = ParagraphStyle("cell", fontName=font, fontSize=9.5, leading=13, wordWrap="CJK")
    return {
        "cell": cell,
        "head": ParagraphStyle("head", parent=cell, alignment=TA_CENTER),
        "title": ParagraphStyle("title", parent=cell, fontSize=17, leading=24, alignment=TA_CENTER),
        "section": ParagraphStyle("section", parent=cell, fontSize=11.5, leading=18),
        "foot": ParagraphStyle("foot", parent=cell, fontSize=8.5, leading=12),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(_escape(text), style)


def _photo(data: bytes | None, width: float, height: float, style: ParagraphStyle) -> Any:
    if not data:
        return _p("（未上传照片）", style)
    try:
        return Image(io.BytesIO(data), width=width, height=height, kind="proportional")
    except Exception:  # a stored image reportlab cannot decode must not stop the print
        log.warning("a photo could not be drawn in an information table", exc_info=True)
        return _p(PHOTO_MISSING, style)


def _grid(commands: list[tuple[Any, ...]] | None = None) -> TableStyle:
    return TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            *(commands or []),
        ]
    )


def _pair_rows(pairs: Pairs, style: ParagraphStyle, shade: ParagraphStyle) -> list[list[Any]]:
    """(label, value) pairs laid two to a line: label | value | label | value."""
    rows: list[list[Any]] = []
    for start in range(0, len(pairs), 2):
        line: list[Any] = []
        for label, value in pairs[start : start + 2]:
            line += [_p(label, shade), _p(value, style)]
        rows.append(line + [""] * (4 - len(line)))
    return rows


def _doc(out: io.BytesIO, title: str, font: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title,
        initialFontName=font,
    )


def _texts(*groups: Iterable[str]) -> list[str]:
    return [text for group in groups for text in group]


def org_table_pdf(table: OrgTable) -> bytes:
    texts = _texts(
        [table.title, "班子成员", "党员情况", "活动场所照片", PHOTO_MISSING, "（无）"],
        [t for pair in [*table.details, *table.counts] for t in pair],
        table.committee_header,
        [t for row in table.committee for t in row],
        [f"打印日期：{table.printed_on:%Y年%m月%d日}"],
    )
    with embedded_font(texts) as font:
        styles = _styles(font)
        out = io.BytesIO()
        doc = _doc(out, table.title, font)
        w = doc.width
        story: list[Any] = [_p(table.title, styles["title"]), Spacer(1, 5 * mm)]
        details = Table(
            _pair_rows(table.details, styles["cell"], styles["head"]),
            colWidths=[w * 0.17, w * 0.33, w * 0.17, w * 0.33],
        )
        details.setStyle(_grid([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2"))]))
        story += [details, Spacer(1, 5 * mm), _p("班子成员", styles["section"])]
        rows = [[_p(h, styles["head"]) for h in table.committee_header]]
        rows += [[_p(c, styles["cell"]) for c in row] for row in table.committee]
        if not table.committee:
            rows.append([_p("（无）", styles["cell"])] + [""] * (len(table.committee_header) - 1))
        members = Table(
            rows,
            colWidths=[w / len(table.committee_header)] * len(table.committee_header),
            repeatRows=1,
        )
        members.setStyle(_grid([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))]))
        story += [members, Spacer(1, 5 * mm), _p("党员情况", styles["section"])]
        counts = Table(
            [[_p(k, styles["head"]), _p(v, styles["cell"])] for k, v in table.counts],
            colWidths=[w * 0.2, w * 0.8],
        )
        counts.setStyle(_grid([("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2"))]))
        story.append(counts)
        if table.photos:
            story += [Spacer(1, 5 * mm), _p("活动场所照片", styles["section"])]
            cells = [_photo(d, w / 3 - 4 * mm, 45 * mm, styles["cell"]) for d in table.photos]
            for start in range(0, len(cells), 3):
                line = cells[start : start + 3]
                story.append(Table([line + [""] * (3 - len(line))], colWidths=[w / 3] * 3))
        story += [
            Spacer(1, 4 * mm),
            _p(f"打印日期：{table.printed_on:%Y年%m月%d日}", styles["foot"]),
        ]
        doc.build(story)
        return out.getvalue()


def member_table_pdf(table: MemberTable) -> bytes:
    texts = _texts(
        [table.title, "照片", "（未上传照片）", PHOTO_MISSING],
        [t for pair in table.details for t in pair],
        [f"打印日期：{table.printed_on:%Y年%m月%d日}"],
    )
    with embedded_font(texts) as font:
        styles = _styles(font)
        out = io.BytesIO()
        doc = _doc(out, table.title, font)
        w = doc.width
        rows = _pair_rows(table.details, styles["cell"], styles["head"])
        photo_rows = 4
        for index, row in enumerate(rows):
            row.append(_photo(table.photo, 32 * mm, 42 * mm, styles["head"]) if index == 0 else "")
        grid = Table(rows, colWidths=[w * 0.14, w * 0.25, w * 0.14, w * 0.25, w * 0.22])
        grid.setStyle(
            _grid(
                [
                    ("SPAN", (4, 0), (4, min(photo_rows, len(rows)) - 1)),
                    ("ALIGN", (4, 0), (4, 0), "CENTER"),
                    ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#f2f2f2")),
                    ("BACKGROUND", (2, 0), (2, -1), colors.HexColor("#f2f2f2")),
                    # below the photo a line's last value runs on into the photo's column
                    *[("SPAN", (3, i), (4, i)) for i in range(photo_rows, len(rows))],
                ]
            )
        )
        story: list[Any] = [_p(table.title, styles["title"]), Spacer(1, 5 * mm), grid]
        story += [
            Spacer(1, 4 * mm),
            _p(f"打印日期：{table.printed_on:%Y年%m月%d日}", styles["foot"]),
        ]
        doc.build(story)
        return out.getvalue()
