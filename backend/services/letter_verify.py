"""Public verification of letters: what the QR code on a 介绍信, 证明信 or 活动证 opens.

Registers the letter kind ("l") with the shared verification page (``services.verify``): a
masked name, from, to, validity and the status — 有效, 已接收, 已过期 or 已作废. A code whose
signature does not match, or that names no letter, is answered 无效 and logged by ``verify``.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from backend.models import LetterKind
from backend.services import verify
from backend.services.dues_year import hall_today
from backend.services.letter_register import LetterStatus, find_by_number, status_of
from backend.services.masking import mask_name
from backend.services.transfers import cn_date
from backend.settings import Settings

LETTER_KIND = "l"
_LETTER_NUMBER = re.compile(r"\d{8}-\d{4}-[JZL]\d{4,}")


class LetterVerification(verify.Verification):
    """A letter has two public states a slip does not: 已接收 and 已过期. A revoked letter
    uses the shared "void" state (已作废)."""

    @property
    def status_label(self) -> str:
        extra = {"received": LetterStatus.RECEIVED.label, "expired": LetterStatus.EXPIRED.label}
        return extra.get(self.status) or verify.STATUS_LABELS[self.status]


_PUBLIC_STATUS = {
    LetterStatus.VALID: "valid",
    LetterStatus.RECEIVED: "received",
    LetterStatus.EXPIRED: "expired",
    LetterStatus.REVOKED: "void",
}


def _resolve_letter(
    session: Session, settings: Settings, number: str
) -> verify.Verification | None:
    if not _LETTER_NUMBER.fullmatch(number):
        return None
    letter = find_by_number(session, number)
    if letter is None:
        return None
    status = status_of(letter, hall_today(settings.dues))
    moving = letter.kind is LetterKind.INTRODUCTION
    fields = [
        ("编号", letter.number),
        ("种类", letter.kind.label),
        ("姓名", mask_name(letter.payload["name"])),
        ("转出" if moving else "所在党组织", letter.from_name),
        ("转往" if moving else "前往", letter.to_name),
        ("开具日期", cn_date(letter.issued_on)),
        ("有效期至", cn_date(letter.valid_until)),
        ("状态", status.label),
    ]
    notes = {
        LetterStatus.VALID: f"该{letter.kind.label}真实有效",
        LetterStatus.RECEIVED: "该介绍信真实，组织关系已由接收方办理",
        LetterStatus.EXPIRED: f"该{letter.kind.label}真实，但已超过有效期",
        LetterStatus.REVOKED: f"该{letter.kind.label}已作废",
    }
    return LetterVerification(
        LETTER_KIND, letter.kind.label, _PUBLIC_STATUS[status], letter.number, fields, notes[status]
    )


verify.register(LETTER_KIND, "组织关系信函", _resolve_letter)
