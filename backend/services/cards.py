"""IC cards: bind a UID at issue (stored as an HMAC), report lost, replace.

See docs/members-and-privacy.md.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import Card, CardState, Member
from backend.models.base import utcnow
from backend.services import audit
from backend.services.actor import Actor
from backend.services.masking import mask_name


def normalize_uid(uid: str) -> str:
    """Canonical UID: uppercase hex without separators (what the kiosk sends)."""
    text = re.sub(r"[\s:-]", "", uid or "").upper()
    if not re.fullmatch(r"[0-9A-F]{8,32}", text) or len(text) % 2:
        raise Invalid("卡片识别码格式不正确", code="uid_format")
    return text


def uid_hash(uid: str, key: str) -> str:
    return hmac.new(key.encode(), normalize_uid(uid).encode(), hashlib.sha256).hexdigest()


def find_card(session: Session, uid: str, key: str) -> Card | None:
    return session.scalar(select(Card).where(Card.uid_hash == uid_hash(uid, key)))


def active_card(session: Session, member: Member) -> Card | None:
    return session.scalar(
        select(Card).where(Card.member_id == member.id, Card.state == CardState.ACTIVE)
    )


def issue_card(session: Session, actor: Actor, member: Member, uid: str, key: str) -> Card:
    """Bind a physical card to the member's card number (办卡 / 补卡)."""
    if member.archived:
        raise Conflict("该党员已不在册，不能办卡", code="member_archived")
    digest = uid_hash(uid, key)
    existing = session.scalar(select(Card).where(Card.uid_hash == digest))
    if existing is not None:
        if existing.member_id == member.id and existing.state is CardState.ACTIVE:
            raise Conflict("这张卡已经是该党员的在用卡", code="card_already_bound")
        owner = mask_name(existing.member.name)
        raise Conflict(
            f"这张卡已登记给{owner}（{existing.state.label}），不能再发给他人",
            code="card_bound_elsewhere",
        )
    if active_card(session, member) is not None:
        raise Conflict("该党员已有在用的卡，请先挂失或注销旧卡", code="card_active_exists")
    issued_before = session.scalar(
        select(func.count()).select_from(Card).where(Card.member_id == member.id)
    )
    card = Card(
        member_id=member.id,
        card_no=member.card_no or "",
        uid_hash=digest,
        state=CardState.ACTIVE,
        issue_seq=(issued_before or 0) + 1,
    )
    session.add(card)
    session.flush()
    audit.record(
        session,
        actor,
        "card.issue",
        "card",
        card.id,
        after={"member_id": member.id, "card_no": card.card_no, "issue_seq": card.issue_seq},
    )
    return card


def set_card_state(session: Session, actor: Actor, card: Card, state: CardState) -> Card:
    """Report lost or revoke: effective at once on every kiosk (sessions check the state)."""
    if card.state is not CardState.ACTIVE:
        raise Conflict(f"该卡当前状态为{card.state.label}，不能再变更", code="card_not_active")
    before = {"state": card.state.value}
    card.state = state
    card.state_changed_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        f"card.{state.value}",
        "card",
        card.id,
        before=before,
        after={"state": state.value},
    )
    return card
