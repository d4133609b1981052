"""Signed verification links printed as QR codes on slips (and, later, on letters).

A link is ``{public_base_url}/v/<kind>/<number>.<sig>``: ``kind`` names the document type
("s" for a dues slip), ``number`` is the document's own printed number, and ``sig`` a truncated
HMAC of kind and number under the server's secret key. Anyone may open the link; it answers
有效 / 已作废 / 无效 with a masked name, a date and an amount — never full personal data. A link
whose signature does not match is answered 无效 and written to the audit log.

Other document types register a resolver with :func:`register` (kind, label, resolver); the
resolver maps a number to what the public may see, or ``None`` when there is no such document.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import AuditEntry, Member, Payment
from backend.models.base import utcnow
from backend.services import audit
from backend.services.actor import Actor
from backend.services.dues_year import to_local
from backend.services.masking import mask_name
from backend.services.money import format_yuan
from backend.settings import Settings

SIG_CHARS = 16  # 64 bits of HMAC-SHA256, hex
_NUMBER = re.compile(r"[0-9A-Za-z-]{1,40}")

STATUS_LABELS = {"valid": "有效", "void": "已作废", "invalid": "无效"}


@dataclass(frozen=True)
class Verification:
    kind: str
    kind_label: str
    status: str  # valid | void | invalid
    number: str | None = None
    fields: list[tuple[str, str]] = field(default_factory=list)  # what the public may see
    note: str = ""

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


Resolver = Callable[[Session, Settings, str], Verification | None]
_RESOLVERS: dict[str, tuple[str, Resolver]] = {}


def register(kind: str, label: str, resolver: Resolver) -> None:
    if not re.fullmatch(r"[a-z]{1,4}", kind):
        raise ValueError(f"verification kind must be 1-4 lowercase letters: {kind!r}")
    _RESOLVERS[kind] = (label, resolver)


def signature(secret: str, kind: str, number: str) -> str:
    digest = hmac.new(secret.encode(), f"{kind}/{number}".encode(), hashlib.sha256)
    return digest.hexdigest()[:SIG_CHARS]


def token_for(settings: Settings, kind: str, number: str) -> str:
    return f"{number}.{signature(settings.secret_key, kind, number)}"


def url_for(settings: Settings, kind: str, number: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/v/{kind}/{token_for(settings, kind, number)}"


def check_token(settings: Settings, kind: str, token: str) -> str | None:
    """The number a token carries if its signature is right, else ``None``."""
    number, dot, sig = (token or "").rpartition(".")
    if not dot or not _NUMBER.fullmatch(number):
        return None
    expected = signature(settings.secret_key, kind, number)
    return number if hmac.compare_digest(expected, sig.lower()) else None


log = logging.getLogger(__name__)

#: Rejected links written to the audit log per minute (all kinds together); the rest are logged.
REJECTIONS_AUDITED_PER_MINUTE = 30


def _recent_rejections(session: Session) -> int:
    since = utcnow() - timedelta(minutes=1)
    return (
        session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "verify.rejected", AuditEntry.at >= since)
        )
        or 0
    )


def verify(session: Session, settings: Settings, kind: str, token: str) -> Verification:
    """Answer a scanned link; a forged or altered one is logged (actor: system)."""
    label, resolver = _RESOLVERS.get(kind, ("文件", None))
    number = check_token(settings, kind, token) if resolver else None
    result = resolver(session, settings, number) if resolver and number else None
    if result is not None:
        return result
    claimed = (token or "").rpartition(".")[0] or token or ""
    if _recent_rejections(session) >= REJECTIONS_AUDITED_PER_MINUTE:
        # The page is public: someone scanning forged links in a loop must not be able to fill
        # the audit log. Past the limit the rejection is only counted in the server log.
        log.warning("verification rejected (kind %s); audit limit reached", kind[:10])
        return Verification(kind, label, "invalid", note="无法核验：链接有误或已被篡改")
    audit.record(
        session,
        Actor.system("verify"),
        "verify.rejected",
        "verification",
        kind[:10],
        after={
            "kind": kind[:10],
            "number": claimed[:40] if _NUMBER.fullmatch(claimed[:40]) else None,
            "reason": "bad_signature" if number is None else "unknown_number",
        },
    )
    session.flush()
    return Verification(kind, label, "invalid", note="无法核验：链接有误或已被篡改")


# --- dues slips ---------------------------------------------------------------------------

SLIP_KIND = "s"


def slip_url(settings: Settings, payment: Payment) -> str:
    return url_for(settings, SLIP_KIND, payment.slip_no)


def _resolve_slip(session: Session, settings: Settings, number: str) -> Verification | None:
    if not re.fullmatch(r"\d{10}", number):
        return None
    payment = session.scalar(
        select(Payment).where(
            Payment.slip_year == int(number[:4]), Payment.slip_seq == int(number[4:])
        )
    )
    if payment is None:
        return None
    member = session.get(Member, payment.member_id)
    assert member is not None
    paid_at = to_local(payment.created_at, settings.dues)
    fields = [
        ("凭条编号", payment.slip_no),
        ("缴费人", mask_name(member.name)),
        ("缴费日期", f"{paid_at:%Y-%m-%d}"),
        ("金额", f"￥{format_yuan(payment.amount_fen)}"),
    ]
    if payment.voided:
        voided_at = to_local(payment.voided_at or payment.created_at, settings.dues)
        fields.append(("作废日期", f"{voided_at:%Y-%m-%d}"))
        return Verification(SLIP_KIND, "党费缴费凭条", "void", number, fields, "该凭条已作废")
    return Verification(SLIP_KIND, "党费缴费凭条", "valid", number, fields, "该凭条真实有效")


register(SLIP_KIND, "党费缴费凭条", _resolve_slip)
