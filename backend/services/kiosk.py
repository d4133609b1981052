"""Kiosk card sessions: a tap opens a short-lived session bound to one member.

The session token is the only thing the kiosk holds; it is bound to the device that opened it,
expires by itself, and each device has at most one open session (the member in front of it).
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session, joinedload

from backend.errors import Forbidden, NotFound, Unauthorized
from backend.models import Card, CardState, KioskSession, Member
from backend.models.base import utcnow
from backend.services import cards, kiosk_lookup_limits
from backend.services.actor import Actor
from backend.services.kiosk_summary import MemberSummary, member_summary
from backend.services.users import token_digest
from backend.settings import Settings

_LOST_MESSAGE = "这张卡已挂失，不能查询。如已找回或需补卡，请到服务窗口办理"

__all__ = ["MemberSummary", "member_summary", "open_session", "session_member", "end_session"]


def find_card_for_uid(session: Session, settings: Settings, device: Actor, uid: str) -> Card:
    card = session.scalar(
        select(Card)
        .options(joinedload(Card.member).joinedload(Member.org))  # one round trip, not three
        .where(Card.uid_hash == cards.uid_hash(uid, settings.card_uid_key))
    )
    if card is None:
        raise NotFound("未能识别这张卡，请确认是党员卡，或到服务窗口咨询", code="card_unknown")
    if card.state is CardState.LOST:
        raise Forbidden(_LOST_MESSAGE, code="card_lost")
    if card.state is CardState.REVOKED or card.member.archived:
        raise Forbidden("这张卡已注销，请到服务窗口咨询", code="card_revoked")
    return card


def find_member_by_number(
    session: Session, settings: Settings, device: Actor, card_no: str, id_last6: str
) -> Member:
    member = session.scalar(
        select(Member).where(Member.card_no == card_no, Member.archived.is_(False))
    )
    # Which of the two was wrong is said, so the kiosk clears only that field; the per-card-
    # number and per-device limits keep this from being used to list card numbers quickly.
    if member is None:
        raise NotFound(
            "没有这个卡号，请核对卡号后重试", code="manual_mismatch", details={"field": "card_no"}
        )
    if not hmac.compare_digest(member.id_number[-6:].upper(), id_last6.strip().upper()):
        raise NotFound(
            "身份证号后六位与卡号不符，请核对后重试",
            code="manual_mismatch",
            details={"field": "id_last6"},
        )
    if card_reported_lost(session, member.id):
        raise Forbidden(_LOST_MESSAGE, code="card_lost")
    return member


def card_reported_lost(session: Session, member_id: int) -> bool:
    """Whether the member's newest card is reported lost (no replacement issued yet): typing
    the card number at the kiosk is then refused exactly like a tap of that card."""
    newest = session.scalar(
        select(Card.state)
        .where(Card.member_id == member_id)
        .order_by(Card.issue_seq.desc(), Card.id.desc())
        .limit(1)
    )
    return newest is CardState.LOST


def open_session(
    session: Session,
    settings: Settings,
    device: Actor,
    *,
    uid: str | None = None,
    card_no: str | None = None,
    id_last6: str | None = None,
) -> tuple[str, Member]:
    """A card session for the member whose card (or card number and ID tail) this is.

    Unknown, lost and revoked cards and wrong manual entries are counted against that card and
    this device (``kiosk_lookup_limits``); a card or device backing off is refused first."""
    assert device.id is not None
    subject = kiosk_lookup_limits.subject_digest(settings, uid=uid, card_no=card_no)
    kiosk_lookup_limits.check(session, settings, device.id, subject)
    card: Card | None = None
    try:
        if uid:
            card = find_card_for_uid(session, settings, device, uid)
            member = card.member
        else:
            member = find_member_by_number(session, settings, device, card_no or "", id_last6 or "")
    except (NotFound, Forbidden):
        kiosk_lookup_limits.record_failure(session, device.id, subject)
        raise
    now = utcnow()
    session.execute(
        update(KioskSession)
        .where(KioskSession.device_id == device.id, KioskSession.ended_at.is_(None))
        .values(ended_at=now)
    )
    token = secrets.token_urlsafe(24)
    session.add(
        KioskSession(
            token_hash=token_digest(token),
            device_id=device.id,
            member_id=member.id,
            card_id=card.id if card else None,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.kiosk_session_seconds),
            ends_at=now + timedelta(seconds=settings.kiosk_session_max_seconds),
        )
    )
    session.flush()
    return token, member


def session_member(
    session: Session, device: Actor, token: str | None, *, extend_seconds: int | None = None
) -> Member:
    """The member of an open session on this device. With ``extend_seconds`` the session's
    lifetime slides: a member still using the kiosk is not cut off mid-read, while the kiosk's
    own idle timeout (shorter) still ends an abandoned session. Sliding stops at the session's
    absolute end (``kiosk_session_max_seconds`` after the tap): a card left on an unattended
    kiosk does not keep the member's data on screen for ever."""
    row = None
    if token:
        row = session.scalar(
            select(KioskSession).where(KioskSession.token_hash == token_digest(token))
        )
    now = utcnow()
    if (
        row is None
        or row.device_id != device.id
        or row.ended_at
        or row.expires_at <= now
        or (row.ends_at is not None and row.ends_at <= now)
    ):
        raise Unauthorized("查询已结束，请重新刷卡", code="session_expired")
    member = session.get(Member, row.member_id)
    card = session.get(Card, row.card_id) if row.card_id else None
    if member is None or member.archived or (card and card.state is not CardState.ACTIVE):
        raise Unauthorized("查询已结束，请重新刷卡", code="session_expired")
    if card is None and card_reported_lost(session, member.id):  # a manual session
        raise Unauthorized("查询已结束，请重新刷卡", code="session_expired")
    if extend_seconds:
        slid = max(row.expires_at, now + timedelta(seconds=extend_seconds))
        row.expires_at = min(slid, row.ends_at) if row.ends_at is not None else slid
    return member


def end_session(session: Session, device: Actor, token: str | None) -> None:
    if not token:
        return
    session.execute(
        update(KioskSession)
        .where(
            KioskSession.token_hash == token_digest(token),
            KioskSession.device_id == device.id,
            KioskSession.ended_at.is_(None),
        )
        .values(ended_at=utcnow())
    )
