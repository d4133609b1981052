"""Dues awaiting the 党委's assessment (待核定) of a member newly transferred in.

A member who came in from outside the district has ledger months without an amount and an open
新转入党员党费核定通知单 addressed to their 党委. Only that 党委 (or the district) sets the amount
(``Action.DUES_ASSESS_NEW``, docs/roles.md), whichever page or endpoint it uses; setting it prices
every pending month, so they become payable, and closes the notice.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import NoticeKind, TransferNotice
from backend.services import policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.transfer_register import mark_handled


def open_assessment_notices(session: Session, member_id: int) -> list[TransferNotice]:
    """The unhandled assessment notices naming this member (there are few open ones at a
    time, so the member list inside each notice is read here rather than queried)."""
    notices = session.scalars(
        select(TransferNotice).where(
            TransferNotice.kind == NoticeKind.ASSESSMENT, TransferNotice.handled_at.is_(None)
        )
    )
    return [
        n
        for n in notices
        if any(m.get("member_id") == member_id for m in n.payload.get("members", []))
    ]


def authorize_amount_change(session: Session, actor: Actor, member_id: int) -> list[TransferNotice]:
    """Refuse an actor who may not set this member's amount; return the notices it answers."""
    notices = open_assessment_notices(session, member_id)
    policy.authorize(actor, Action.DUES_ASSESS_NEW if notices else Action.DUES_SET)
    return notices


def close_notices(session: Session, actor: Actor, notices: list[TransferNotice]) -> None:
    for notice in notices:
        mark_handled(session, actor, notice)
