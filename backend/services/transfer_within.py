"""Transfers inside the district: one member (branch → branch) or a whole branch at once.

The member keeps the internal id and the card (same card number); the member number becomes
the new branch's code + card number. The membership period is closed and a new one opened on
the move date, and ledger months from the move month on are attributed to the new branch, so
no member is ever listed by both branches for the same month.

See docs/transfers-and-letters.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import Member, NoticeKind, Organization, OrgType, Transfer, TransferKind
from backend.services import audit, policy, scope, transfers
from backend.services.actor import Actor
from backend.services.dues_year import lock_member
from backend.services.policy import Action
from backend.services.transfer_register import member_line, notify
from backend.settings import Settings

REASON = "区内转接"


def _details(
    session: Session, settings: Settings, member: Member, to_branch: Organization, today: date
) -> dict[str, Any]:
    """What the 接转证明单 and the notice print, frozen now (secretaries and phones change)."""
    parent = transfers.receiving_parent(to_branch)
    return {
        "center_name": settings.center_name,
        "report_days": settings.report_days,
        "to_branch": to_branch.name,
        "to_full_name": transfers.full_name(session, to_branch),
        "secretary": to_branch.secretary or "",
        "secretary_phone": to_branch.phone or "",
        "notice_org": parent.name,
        "member_phone": member.phone or "",
        "status_label": member.status.label,
        "issued_on": today,
    }


def move_member(
    session: Session,
    actor: Actor,
    settings: Settings,
    member: Member,
    to_branch: Organization,
    *,
    on: date,
    today: date,
    batch: str,
    reason: str = REASON,
    probation_end: date | None = None,
    bulk: bool = False,
) -> Transfer:
    """Move one member; the caller has already checked the member is in the actor's scope.

    A bulk move (re-organization) does not stop at a probation that has run out: the member's
    relationship does not change in substance, only the branch's name and number do."""
    member = lock_member(session, member.id)
    if member.archived:
        raise Conflict("该党员已不在册，不能转接", code="member_archived")
    from_branch = member.org
    if from_branch.id == to_branch.id:
        raise Conflict(f"该党员已在{to_branch.name}，无需转接", code="same_branch")
    transfers.check_move_date(session, member, on, today, to_branch)
    probation = (
        transfers.probation_period(member)
        if bulk
        else transfers.check_probation(member, on, probation_end)
    )
    before = audit.snapshot(member)
    from_name = transfers.full_name(session, from_branch)
    old_no, new_no = transfers.move_membership(session, member, to_branch, on, reason)
    months = transfers.reattribute_ledger(session, member, to_branch, on)
    audit.record(
        session,
        actor,
        "member.transfer",
        "member",
        member.id,
        before=before,
        after={**audit.snapshot(member), "ledger_months_moved": months},
    )
    details = _details(session, settings, member, to_branch, today)
    if probation is not None:
        details["probation"] = {"start": probation[0], "end": probation[1]}
    paid = transfers.dues_paid_to(session, member.id)
    return transfers.record(
        session,
        actor,
        kind=TransferKind.WITHIN,
        member=member,
        batch=batch,
        from_org=from_branch,
        to_org=to_branch,
        from_name=from_name,
        to_name=details["to_full_name"],
        on=on,
        old_no=old_no,
        new_no=new_no,
        details=details,
        dues_paid_year=paid[0] if paid else None,
        dues_paid_month=paid[1] if paid else None,
    )


def transfer_within(
    session: Session,
    actor: Actor,
    settings: Settings,
    member_id: int,
    to_org_id: int,
    *,
    on: date,
    today: date,
    probation_end: date | None = None,
) -> Transfer:
    """区内转接 of one member, with its notice to the receiving 总支/党委."""
    member = scope.get_member(session, actor, member_id)
    to_branch = transfers.active_branch(session, to_org_id)
    batch = transfers.new_batch()
    transfer = move_member(
        session,
        actor,
        settings,
        member,
        to_branch,
        on=on,
        today=today,
        batch=batch,
        probation_end=probation_end,
    )
    notice = notify(
        session,
        actor,
        NoticeKind.RECEIVE,
        transfers.receiving_parent(to_branch),
        batch,
        notice_payload(settings, to_branch, [member_line(member, to_branch, on)], on, today),
    )
    transfer.notice_id = notice.id
    session.flush()
    return transfer


def notice_payload(
    settings: Settings,
    to_branch: Organization,
    lines: list[dict[str, Any]],
    on: date,
    today: date,
) -> dict[str, Any]:
    parent = transfers.receiving_parent(to_branch)
    return {
        "addressee": parent.name,
        "branch": to_branch.name,
        "members": lines,
        "center_name": settings.center_name,
        "date": on,
        "issued_on": today,
    }


def transfer_branch(
    session: Session,
    actor: Actor,
    settings: Settings,
    from_org_id: int,
    to_org_id: int,
    *,
    on: date,
    today: date,
    reason: str = "整建制转接",
) -> list[Transfer]:
    """Move every current member of a branch to another (merges, re-organizations).

    Each member gets a transfer record and keeps the history; the receiving organization gets
    one notice listing them all. All members move in this one transaction or none does.
    """
    policy.authorize(actor, Action.ORG_MOVE)
    source = scope.get_org(session, actor, from_org_id)
    if source.type is not OrgType.BRANCH:
        raise Invalid("只能整建制转接党支部的党员", code="org_not_branch")
    to_branch = transfers.active_branch(session, to_org_id)
    if source.id == to_branch.id:
        raise Conflict("转出和转入的党支部相同", code="same_branch")
    members = session.scalars(
        select(Member)
        .where(Member.org_id == source.id, Member.archived.is_(False))
        .order_by(Member.id)
    ).all()
    if not members:
        raise Conflict(f"{source.name}没有在册党员，无需转接", code="branch_empty")
    batch = transfers.new_batch()
    moved = [
        move_member(
            session,
            actor,
            settings,
            m,
            to_branch,
            on=on,
            today=today,
            batch=batch,
            reason=reason,
            bulk=True,
        )
        for m in members
    ]
    return notify_receiving(session, actor, settings, to_branch, members, moved, on, today, batch)


def notify_receiving(
    session: Session,
    actor: Actor,
    settings: Settings,
    to_branch: Organization,
    members: Sequence[Member],
    moved: list[Transfer],
    on: date,
    today: date,
    batch: str,
) -> list[Transfer]:
    """One 转入通知 to the receiving branch's parent for members moved together, linked from
    each of their transfers."""
    lines = [member_line(m, to_branch, on) for m in members]
    notice = notify(
        session,
        actor,
        NoticeKind.RECEIVE,
        transfers.receiving_parent(to_branch),
        batch,
        notice_payload(settings, to_branch, lines, on, today),
    )
    for transfer in moved:
        transfer.notice_id = notice.id
    session.flush()
    return moved
