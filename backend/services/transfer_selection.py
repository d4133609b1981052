"""区内转接 of members picked on the roll (the console's bulk action "转入支部").

Each member goes through ``transfer_within.move_member`` — the same rules as a single transfer
(scope, move date, probation, not archived, not already there), one transfer record and one
audit row per member — and the receiving organization gets one notice listing them all. All
move in this one transaction or none does: the first refusal names the member and stops.

See docs/transfers-and-letters.md.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from backend.errors import DomainError, Invalid
from backend.models import Transfer
from backend.services import policy, scope, transfers
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.transfer_within import move_member, notify_receiving
from backend.settings import Settings

MAX_SELECTED = 200


def transfer_selected(
    session: Session,
    actor: Actor,
    settings: Settings,
    member_ids: list[int],
    to_org_id: int,
    *,
    on: date,
    today: date,
) -> list[Transfer]:
    """Move the selected members to one branch, all or none."""
    policy.authorize(actor, Action.TRANSFER_MEMBER)
    ids = list(dict.fromkeys(member_ids))
    if not ids:
        raise Invalid("请先勾选要转接的党员", code="nothing_selected")
    if len(ids) > MAX_SELECTED:
        raise Invalid(f"一次最多转接{MAX_SELECTED}名党员", code="too_many_selected")
    to_branch = transfers.active_branch(session, to_org_id)
    batch = transfers.new_batch()
    moved: list[Transfer] = []
    members = []
    for member_id in ids:
        member = scope.get_member(session, actor, member_id)
        members.append(member)
        try:
            moved.append(
                move_member(
                    session, actor, settings, member, to_branch, on=on, today=today, batch=batch
                )
            )
        except DomainError as exc:
            exc.message = f"{member.name}：{exc.message}（全部未转接）"
            raise
    return notify_receiving(session, actor, settings, to_branch, members, moved, on, today, batch)
