"""Staff sign-in with a staff card and a PIN (工作证 + PIN) at the counter.

A signed-in user binds a card to their own account (re-entering the password) and chooses a
PIN. The card's UID is stored only as a keyed hash, in a domain of its own ("staff:"), so a
member card's hash never equals a staff card's. Wrong PINs count towards the same lock-out as
wrong passwords. No scrypt check or hash runs inside a transaction (docs/transactions.md).
"""

from __future__ import annotations

import hashlib
import hmac
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, Unauthorized
from backend.models import CardState, User
from backend.services import audit, cards
from backend.services.actor import Actor
from backend.services.sign_in import check_secret, failed, reserve_address
from backend.services.users import DUMMY_HASH, checking_turn, new_secret_hash, password_matches
from backend.settings import Settings

PIN_PATTERN = re.compile(r"\d{4,8}")


def staff_card_hash(uid: str, key: str) -> str:
    return hmac.new(
        key.encode(), ("staff:" + cards.normalize_uid(uid)).encode(), hashlib.sha256
    ).hexdigest()


def bind_staff_card(
    session: Session, settings: Settings, user: User, *, uid: str, pin: str, password: str
) -> User:
    """Bind the tapped card and a new PIN to ``user`` (who proves it with the password).

    The password check and the PIN's hash (scrypt, ~0.1 s each) run with the request's
    transaction ended, as at sign-in (docs/transactions.md); the account is read again
    afterwards, in the write transaction that binds the card."""
    user_id, stored = user.id, user.password_hash
    session.commit()
    if not password_matches(stored, password or ""):
        raise Invalid("登录密码不正确", code="current_password")
    if not PIN_PATTERN.fullmatch(pin or ""):
        raise Invalid("PIN应为4至8位数字", code="pin_format")
    pin_hash = new_secret_hash(pin)
    current = session.get(User, user_id, populate_existing=True)
    if current is None or not current.active or current.password_hash != stored:
        raise Conflict("账户刚被修改，请重新输入登录密码", code="account_changed")
    member_card = cards.find_card(session, uid, settings.card_uid_key)
    if member_card is not None and member_card.state is CardState.ACTIVE:
        raise Conflict("这是一张在用的党员卡，不能作为工作证", code="member_card")
    digest = staff_card_hash(uid, settings.card_uid_key)
    holder = session.scalar(select(User).where(User.staff_card_hash == digest))
    if holder is not None and holder.id != current.id:
        raise Conflict("这张卡已绑定给其他工作人员", code="staff_card_taken")
    current.staff_card_hash = digest
    current.pin_hash = pin_hash
    session.flush()
    audit.record(session, Actor.for_user(current), "user.staff_card", "user", current.id)
    return current


def verify_card_login(
    session: Session, settings: Settings, uid: str, pin: str, *, address: str
) -> User:
    """The user whose staff card was tapped, if the PIN is right (with lock-out and the
    per-address limit, as for passwords: docs/security.md)."""
    reserve_address(session, settings, address)
    user = session.scalar(
        select(User).where(User.staff_card_hash == staff_card_hash(uid, settings.card_uid_key))
    )
    if user is None or not user.active or not user.pin_hash:
        session.commit()
        with checking_turn(settings.sign_in_check_turns):
            password_matches(DUMMY_HASH, pin or "")
        raise failed(
            session,
            None,
            address,
            Unauthorized("这张卡不是已登记的工作证", code="staff_card_unknown"),
            method="card",
        )
    return check_secret(
        session,
        settings,
        user,
        pin or "",
        user.pin_hash,
        address=address,
        wrong=Unauthorized("PIN不正确", code="bad_pin"),
        method="card",
    )
