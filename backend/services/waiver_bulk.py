"""Approving several 减免 requests at once (the console's "批量同意").

Each request goes through ``waivers.decide`` — scope, the level it waits at, separation of
duties, one audit row per decision, the ledger changed only by the last approval — and all are
decided in this one transaction or none is: the first refusal names the member and stops.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from backend.errors import DomainError, Invalid
from backend.models import WaiverRequest
from backend.services import policy, waivers
from backend.services.actor import Actor
from backend.services.policy import Action

MAX_SELECTED = 200


def approve_selected(
    session: Session,
    actor: Actor,
    request_ids: list[int],
    *,
    decided_on: date,
    comment: str = "",
) -> list[WaiverRequest]:
    policy.authorize(actor, Action.WAIVER_APPROVE)
    ids = list(dict.fromkeys(request_ids))
    if not ids:
        raise Invalid("请先勾选要审批的减免申请", code="nothing_selected")
    if len(ids) > MAX_SELECTED:
        raise Invalid(f"一次最多审批{MAX_SELECTED}份申请", code="too_many_selected")
    done = []
    for request_id in ids:
        try:
            done.append(
                waivers.decide(
                    session, actor, request_id, approve=True, decided_on=decided_on, comment=comment
                )
            )
        except DomainError as exc:
            request = session.get(WaiverRequest, request_id)
            who = request.member.name if request is not None and exc.status != 404 else ""
            exc.message = (
                f"{who}：{exc.message}（全部未审批）" if who else f"{exc.message}（全部未审批）"
            )
            raise
    return done
