"""The console's global search (the box in the header): members in the user's subtree by name,
card number, member number or ID number, on a results page.

Hits are ``member_search`` hits — masked ID numbers. Staff who keep member records
(``Action.MEMBER_EDIT``) see the full ID number in the list, since they may open and edit the
record anyway; the counter and auditors see it masked (docs/members-and-privacy.md).
"""

from __future__ import annotations

from flask import render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import console_bp
from backend.console.web import actor, db, login_required, settings
from backend.errors import DomainError
from backend.models import Member
from backend.services import member_search, policy
from backend.services.policy import Action

LIMIT = member_search.MAX_RESULTS


@console_bp.get("/search")
@login_required(Action.READ)
def search() -> ResponseReturnValue:
    q = request.args.get("q", "").strip()
    hits: list[member_search.MemberHit] = []
    message = None
    if q:
        try:
            hits = member_search.search_members(
                db(),
                actor(),
                q,
                limit=LIMIT,
                include_archived=True,
                card_no_digits=settings().card_no_digits,
            )
        except DomainError as exc:
            message = exc.message
    full_ids: dict[int, str] = {}
    if hits and policy.allows(actor(), Action.MEMBER_EDIT):
        full_ids = dict(
            db()
            .execute(select(Member.id, Member.id_number).where(Member.id.in_([h.id for h in hits])))
            .all()
        )
    return render_template(
        "console/search.html", q=q, hits=hits, full_ids=full_ids, message=message, limit=LIMIT
    )
