"""Member cards at the desk: issue, report lost, revoke, replace.

The desk's USB reader is a keyboard wedge: it types the card's UID and presses Enter into the
focused text box, which submits the form. Readers type either hex or a 10-digit decimal of a
4-byte UID; both are turned into the hex form the kiosks send.
"""

from __future__ import annotations

import re

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import console_bp
from backend.console.web import actor, db, login_required, rollback, settings
from backend.errors import DomainError, Invalid, NotFound
from backend.models import Card, CardState
from backend.services import cards
from backend.services.masking import mask_name
from backend.services.policy import Action
from backend.services.scope import get_member


def reader_uid(raw: str) -> str:
    """What a wedge reader typed → canonical hex UID. A 10-digit decimal is the common
    "card number" output of such readers for a 4-byte UID (big-endian)."""
    text = re.sub(r"\s", "", raw or "")
    if re.fullmatch(r"\d{10}", text) and int(text) < 2**32:
        return f"{int(text):08X}"
    if not text:
        raise Invalid("请在读卡器上刷卡，或输入卡片识别码", code="uid_missing")
    return cards.normalize_uid(text)


def _back(member_id: int) -> ResponseReturnValue:
    return redirect(url_for("console.member_detail", member_id=member_id) + "#cards")


def _member_card(member_id: int, card_id: int) -> Card:
    member = get_member(db(), actor(), member_id)
    card = db().scalar(select(Card).where(Card.id == card_id, Card.member_id == member.id))
    if card is None:
        raise NotFound("未找到该卡", code="card_not_found")
    return card


@console_bp.post("/members/<int:member_id>/cards/issue")
@login_required(Action.CARD_MANAGE)
def card_issue(member_id: int) -> ResponseReturnValue:
    """办卡, or 补卡 when ``replace`` names what happened to the card in use (lost/revoked)."""
    member = get_member(db(), actor(), member_id)
    replace = request.form.get("replace", "")
    try:
        uid = reader_uid(request.form.get("uid", ""))
        if replace in (CardState.LOST.value, CardState.REVOKED.value):
            old = cards.active_card(db(), member)
            if old is not None:
                cards.set_card_state(db(), actor(), old, CardState(replace))
        card = cards.issue_card(db(), actor(), member, uid, settings().card_uid_key)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        verb = "补发" if card.issue_seq > 1 else "发放"
        flash(f"已为{mask_name(member.name)}{verb}党员卡（卡号{card.card_no}）", "success")
    return _back(member_id)


@console_bp.post("/members/<int:member_id>/cards/<int:card_id>/<any(lost,revoked):state>")
@login_required(Action.CARD_MANAGE)
def card_state(member_id: int, card_id: int, state: str) -> ResponseReturnValue:
    card = _member_card(member_id, card_id)
    try:
        cards.set_card_state(db(), actor(), card, CardState(state))
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        done = "已挂失，查询机上立即失效" if state == "lost" else "已注销"
        flash(f"卡号{card.card_no}（第{card.issue_seq}张）{done}", "success")
    return _back(member_id)
