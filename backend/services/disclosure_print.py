"""A board item printed at the kiosk: a page-sized summary with a QR code to the full text.

The paper carries the title, the publishing organization, the date, the category, the first
lines of the text and a QR code. The code is a link signed with the server's key
(``{public_base_url}/d/<id>.<sig>``, the signature as in ``services.verify``), so only items
actually printed can be reached by it and ids cannot be walked. The page behind it shows the
full text of an item published "to society" while it stays published; for an item published
only to Party members (党内 / 本组织 / 特定党员) it shows nothing beyond what the paper already
says and sends the reader to the board (docs/kiosk.md, Printing a board item).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import DisclosureDocument, DisclosureStatus, DisclosureTier
from backend.services import verify
from backend.services.disclosure_board import DocumentView, Viewer, get_visible
from backend.settings import Settings
from devices.printer.document import PrintDocument

PRINT_TITLE = "党务公开"
LINK_KIND = "dt"  # the signature's domain: a link of this kind is never a slip's
#: How much of the text the paper carries (characters, whole paragraphs while they fit).
FIRST_CHARS = 300
MEMBERS_ONLY = "本内容仅向党员公开，请到党员服务中心刷卡后在党务公开栏阅读全文"
GONE = "该内容已撤下或已过期"


def full_text_url(settings: Settings, document_id: int) -> str:
    token = verify.token_for(settings, LINK_KIND, str(document_id))
    return f"{settings.public_base_url.rstrip('/')}/d/{token}"


def first_lines(view: DocumentView, limit: int = FIRST_CHARS) -> list[str]:
    """The item's opening headings and paragraphs, up to ``limit`` characters; a paragraph that
    does not fit is cut with "……"."""
    found: list[str] = []
    used = 0
    for block in view.blocks:
        text = block.text.strip()
        if block.type == "image" or not text:
            continue
        if used + len(text) > limit:
            found.append(text[: max(limit - used, 20)] + "……")
            break
        found.append(text)
        used += len(text)
    return found


def summary_page(settings: Settings, view: DocumentView, printed_at: datetime) -> PrintDocument:
    doc = view.document
    paper = PrintDocument(PRINT_TITLE)
    paper.text(settings.center_name, align="center")
    paper.text(doc.title, align="center", bold=True, size="tall")
    paper.kv("发布单位", doc.org.name)
    paper.kv("发布日期", f"{doc.publish_on:%Y-%m-%d}")
    paper.kv("栏目", doc.category.name)
    if doc.tier is not DisclosureTier.PUBLIC:
        paper.kv("公开范围", doc.tier.label)
    paper.rule()
    for line in first_lines(view):
        paper.text(line)
    paper.rule()
    paper.qr(full_text_url(settings, doc.id))
    if doc.tier is DisclosureTier.PUBLIC:
        paper.text("扫码阅读全文", align="center")
    else:
        paper.text(MEMBERS_ONLY, align="center")
    paper.kv("打印时间", f"{printed_at:%Y-%m-%d %H:%M}")
    paper.cut()
    return paper


def print_summary(
    session: Session,
    settings: Settings,
    viewer: Viewer,
    document_id: int,
    today: date,
    printed_at: datetime,
) -> PrintDocument:
    """The paper for an item this viewer sees on the board (``NotFound`` otherwise)."""
    return summary_page(settings, get_visible(session, viewer, document_id, today), printed_at)


@dataclass(frozen=True)
class PublicText:
    """What the QR code's page shows."""

    title: str = ""
    org_name: str = ""
    publish_on: date | None = None
    paragraphs: list[tuple[str, str]] = field(default_factory=list)  # (heading|paragraph, text)
    note: str = ""


def public_text(session: Session, settings: Settings, token: str, today: date) -> PublicText | None:
    """The page for a printed link; ``None`` when the link is not one we signed."""
    number = verify.check_token(settings, LINK_KIND, token)
    if number is None or not number.isdigit():
        return None
    document = session.scalar(
        select(DisclosureDocument).where(DisclosureDocument.id == int(number))
    )
    if document is None:
        return None
    live = (
        document.status is DisclosureStatus.PUBLISHED
        and document.publish_on <= today
        and (document.expires_on is None or document.expires_on >= today)
    )
    if not live:
        return PublicText(note=GONE)
    head = PublicText(document.title, document.org.name, document.publish_on)
    if document.tier is not DisclosureTier.PUBLIC:
        return PublicText(head.title, head.org_name, head.publish_on, note=MEMBERS_ONLY)
    view = get_visible(session, Viewer.public(), document.id, today)
    paragraphs = [(b.type, b.text) for b in view.blocks if b.type != "image" and b.text.strip()]
    return PublicText(head.title, head.org_name, head.publish_on, paragraphs)
