"""Card slips for members picked on the roll (the console's bulk action "打印党员卡").

Each slip is the counter's own card slip (``card_desk.card_slip``, the same PrintDocument the
receipt printer gets when a card is issued), laid out on A4 for the office printer, eight to a
page, cut lines between them. Only members with a card in use get a slip; the rest are named
so staff can issue their cards first. The holder's name stays masked as on the counter's slip.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import Member
from backend.services import cards, scope
from backend.services.actor import Actor
from backend.services.card_desk import card_slip
from backend.services.pdf_fonts import embedded_font
from backend.settings import Settings
from devices.printer.blocks import KVBlock, TextBlock
from devices.printer.document import PrintDocument

PER_ROW = 2
MAX_SELECTED = 200


@dataclass(frozen=True)
class CardPrint:
    pdf: bytes | None
    printed: list[str]  # card numbers on the sheet
    without_card: list[Member]


def card_prints(
    session: Session,
    actor: Actor,
    settings: Settings,
    member_ids: list[int],
    *,
    at: datetime,
) -> CardPrint:
    """The card slips of the selected members in scope, as one PDF (None when none has a
    card in use)."""
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        raise Invalid("请先勾选要打印党员卡的党员", code="nothing_selected")
    if len(ids) > MAX_SELECTED:
        raise Invalid(f"一次最多打印{MAX_SELECTED}张党员卡", code="too_many_selected")
    docs: list[PrintDocument] = []
    printed: list[str] = []
    without: list[Member] = []
    for member_id in ids:
        member = scope.get_member(session, actor, member_id)
        card = cards.active_card(session, member)
        if card is None or member.archived:
            without.append(member)
            continue
        docs.append(card_slip(settings, member, card, operator=actor.display_name, at=at))
        printed.append(card.card_no)
    return CardPrint(_pdf(docs) if docs else None, printed, without)


def _lines(doc: PrintDocument) -> list[tuple[str, bool, bool]]:
    """(text, bold, centred) for each text line of a slip; rules and cuts are the cell's box."""
    out = []
    for block in doc.blocks:
        if isinstance(block, TextBlock):
            out.append((block.text, block.bold, block.align == "center"))
        elif isinstance(block, KVBlock):
            out.append((f"{block.key}：{block.value}", block.bold, False))
    return out


def _pdf(docs: list[PrintDocument]) -> bytes:
    slips = [_lines(d) for d in docs]
    with embedded_font(text for slip in slips for text, _b, _c in slip) as font:
        plain = ParagraphStyle("slip", fontName=font, fontSize=9.5, leading=14, wordWrap="CJK")
        styles = {
            (False, False): plain,
            (True, False): ParagraphStyle("slip-b", parent=plain, fontSize=12, leading=17),
            (False, True): ParagraphStyle("slip-c", parent=plain, alignment=TA_CENTER),
            (True, True): ParagraphStyle(
                "slip-bc", parent=plain, fontSize=12, leading=17, alignment=TA_CENTER
            ),
        }
        # no <b>: the embedded CJK font has no bold face; a larger size marks what is bold
        cells = [
            [Paragraph(_escape(text), styles[(bold, centre)]) for text, bold, centre in slip]
            for slip in slips
        ]
        rows = [cells[i : i + PER_ROW] for i in range(0, len(cells), PER_ROW)]
        if len(rows[-1]) < PER_ROW:
            rows[-1] += [[]] * (PER_ROW - len(rows[-1]))
        width = (A4[0] - 24 * mm) / PER_ROW
        table = Table(rows, colWidths=[width] * PER_ROW, rowHeights=66 * mm)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, "#999999", None, (3, 3)),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 8 * mm),
                    ("TOPPADDING", (0, 0), (-1, -1), 6 * mm),
                ]
            )
        )
        out = io.BytesIO()
        doc = SimpleDocTemplate(
            out,
            pagesize=A4,
            leftMargin=12 * mm,
            rightMargin=12 * mm,
            topMargin=12 * mm,
            bottomMargin=12 * mm,
            title="党员卡凭条",
            initialFontName=font,
        )
        doc.build([table])
    return out.getvalue()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
