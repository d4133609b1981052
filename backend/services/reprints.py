"""补打: how a reprinted paper says it is one, and which papers may be reprinted.

A reprint is the same paper as the first print (documents are rebuilt from frozen register rows),
plus a mark nobody can miss: the title ends in （补打）, and the paper — every part of a
multi-part letter, since the parts are torn apart and travel separately — carries the reprint's
count and time. The register's print counter counts the first print too, so "第N次补打" is
``prints − 1``. Which letters may be reprinted is ``letter_register.check_reprintable``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from backend.models import Letter, Transfer, TransferNotice
from backend.services import letter_register, letters, transfer_register
from backend.services.actor import Actor
from backend.services.dues_year import hall_now
from backend.settings import Settings
from devices.printer.document import Block, KVBlock, PartBreakBlock, PrintDocument

MARK = "（补打）"


def reprint_count(prints: int) -> int:
    """Which reprint this is, from a counter that includes the first print."""
    return max(prints - 1, 1)


def mark(doc: PrintDocument, count: int, at: datetime) -> PrintDocument:
    """The document marked as the ``count``-th reprint, printed at ``at`` (hall time)."""
    marks: list[Block] = [
        KVBlock("补打次数", f"第{count}次"),
        KVBlock("补打时间", f"{at:%Y-%m-%d %H:%M}"),
    ]
    blocks: list[Block] = []
    has_parts = any(isinstance(b, PartBreakBlock) for b in doc.blocks)
    if not has_parts:
        blocks.extend(marks)
    for block in doc.blocks:
        blocks.append(block)
        if isinstance(block, PartBreakBlock):
            blocks.extend(marks)
    title = (doc.title or "") + MARK
    return replace(doc, title=title, blocks=blocks)


def reprint_letter(
    session: Session, actor: Actor, settings: Settings, letter: Letter
) -> PrintDocument:
    """Count the reprint in the register and return the letter marked 补打."""
    letter_register.count_print(session, actor, letter)
    document = letters.letter_document(settings, letter)
    return mark(document, reprint_count(letter.prints), hall_now(settings.dues))


def reprint_transfer(
    session: Session, actor: Actor, settings: Settings, transfer: Transfer
) -> list[letters.Printable]:
    """Every paper of a transfer again — 证明单, notices, the letter — each counted in its own
    register and marked 补打. Refused as a whole when the transfer's letter no longer stands."""
    letter = session.get(Letter, transfer.letter_id) if transfer.letter_id else None
    if letter is not None:
        letter_register.check_reprintable(letter)
    transfer_register.count_print(session, actor, transfer)
    at = hall_now(settings.dues)
    out = []
    for paper in letters.transfer_documents(session, settings, transfer):
        if paper.kind == "letter" and letter is not None:
            prints = letter_register.count_print(session, actor, letter)
        elif paper.kind in ("notice", "assessment_notice"):
            notice = session.get_one(TransferNotice, paper.source_id)
            prints = transfer_register.count_print(session, actor, notice)
        else:
            prints = transfer.prints
        out.append(replace(paper, document=mark(paper.document, reprint_count(prints), at)))
    return out
