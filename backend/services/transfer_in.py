"""Transfers into the district, and the 党委's dues assessment that completes them.

From the incoming letter's data the member is created (every validation of a new member
applies), placed in a branch, given a card number and, when the card is at hand, a bound card.
Dues stay "pending assessment" (待核定): the ledger months from the arrival month on are opened
without an amount and the member's 党委 gets a 新转入党员党费核定通知单. When the 党委 sets the
amount, the pending months are priced and the notice is marked handled.

See docs/transfers-and-letters.md and docs/dues.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import Member, NoticeKind, Transfer, TransferKind, TransferNotice
from backend.services import cards, dues_year, members, policy, scope, transfers
from backend.services.actor import Actor
from backend.services.assessment import Assessment, assess
from backend.services.policy import Action
from backend.services.transfer_register import member_line, notify
from backend.settings import Settings

REASON = "区外转入"


@dataclass(frozen=True)
class InRequest:
    data: members.MemberData
    org_id: int  # the receiving branch
    from_name: str  # the sending organization (outside the district)
    letter_no: str | None = None  # the incoming 介绍信's number
    on: date | None = None
    card_uid: str | None = None
    paid_to: tuple[int, int] | None = None  # 党费已交到, from the incoming letter


def _first_open_month(on: date, paid_to: tuple[int, int] | None) -> tuple[int, int] | None:
    """The first month this district collects: the arrival month, or the month after the
    letter's "党费已交到" when that is later. ``None`` when paid beyond the arrival year."""
    first = (on.year, on.month)
    if paid_to is not None and paid_to >= first:
        after = transfers.next_month_start(date(paid_to[0], paid_to[1], 1))
        first = (after.year, after.month)
    return first if first[0] == on.year else None


def _check_paid_to(paid_to: tuple[int, int], today: date, advance_limit: int) -> None:
    """党费已交到 from the incoming letter: a real month, no further ahead than a member may pay
    in advance here — a later month would open no ledger months and erase years of dues."""
    if not 1 <= paid_to[1] <= 12:
        raise Invalid("党费交至月份不正确", code="month_format")
    last = transfers.add_months(today.replace(day=1), advance_limit)
    if paid_to > (last.year, last.month):
        raise Invalid(
            f"党费交至{paid_to[0]}年{paid_to[1]}月超出预交期限：最多预交{advance_limit}个月"
            f"（至{last.year}年{last.month}月），请核对介绍信",
            code="paid_to_future",
        )


def transfer_in(
    session: Session,
    actor: Actor,
    settings: Settings,
    req: InRequest,
    *,
    today: date,
) -> Transfer:
    branch = scope.get_org(session, actor, req.org_id)
    on = req.on or today
    if on > today:
        raise Invalid("转入日期不能晚于今天", code="transfer_date")
    from_name = (req.from_name or "").strip()
    if not from_name or len(from_name) > 100:
        raise Invalid("请填写转出的党组织（不超过100个字）", code="from_name")
    if req.paid_to is not None:
        _check_paid_to(req.paid_to, today, settings.dues.advance_limit_months)
    data = replace(req.data, monthly_dues_fen=None)
    member = members.create_member(
        session,
        actor,
        data,
        branch,
        card_no_digits=settings.card_no_digits,
        since=on,
        reason=REASON,
        today=today,
    )
    if req.card_uid:
        cards.issue_card(session, actor, member, req.card_uid, settings.card_uid_key)
    first = _first_open_month(on, req.paid_to)
    if first is not None:
        dues_year.open_member_year(session, actor, member, first[0], from_month=first[1])
    batch = transfers.new_batch()
    line = member_line(member, branch, on)
    parent = transfers.receiving_parent(branch)
    committee = transfers.committee_of(session, branch)
    common = {
        "branch": branch.name,
        "center_name": settings.center_name,
        "date": on,
        "issued_on": today,
    }
    notice = notify(
        session,
        actor,
        NoticeKind.RECEIVE,
        parent,
        batch,
        {**common, "addressee": parent.name, "members": [line]},
    )
    assessment_notice = notify(
        session,
        actor,
        NoticeKind.ASSESSMENT,
        committee,
        batch,
        {
            **common,
            "addressee": committee.name,
            "members": [line],
            "from_name": from_name,
            "dues_category": member.dues_category.label,
            "dues_base_fen": member.dues_base_fen,
            "paid_to": list(req.paid_to) if req.paid_to else None,
        },
    )
    to_name = transfers.full_name(session, branch)
    return transfers.record(
        session,
        actor,
        kind=TransferKind.IN,
        member=member,
        batch=batch,
        from_org=None,
        to_org=branch,
        from_name=from_name,
        to_name=to_name,
        on=on,
        old_no=None,
        new_no=member.member_no,
        details={
            "center_name": settings.center_name,
            "report_days": settings.report_days,
            "to_branch": branch.name,
            "to_full_name": to_name,
            "secretary": branch.secretary or "",
            "secretary_phone": branch.phone or "",
            "notice_org": parent.name,
            "member_phone": member.phone or "",
            "status_label": member.status.label,
            "issued_on": today,
        },
        dues_paid_year=req.paid_to[0] if req.paid_to else None,
        dues_paid_month=req.paid_to[1] if req.paid_to else None,
        incoming_letter_no=(req.letter_no or "").strip() or None,
        notice_id=notice.id,
        assessment_notice_id=assessment_notice.id,
    )


def assess_new_member(
    session: Session,
    actor: Actor,
    settings: Settings,
    notice: TransferNotice,
    *,
    category: str,
    base_fen: int | None,
) -> tuple[Member, Assessment]:
    """The 党委 sets the dues of a member named on its assessment notice (党费核定).

    The caller found the notice through the scoped register, so the actor's subtree holds that
    党委; the policy requires staff of a 党委 or the district (``Action.DUES_ASSESS_NEW``).
    Pending months from the arrival month on get the amount; ``change_monthly_amount`` marks
    the notice handled.
    """
    policy.authorize(actor, Action.DUES_ASSESS_NEW)
    if notice.kind is not NoticeKind.ASSESSMENT:
        raise Invalid("这不是党费核定通知单", code="notice_kind")
    if notice.handled_at is not None:
        raise Conflict("该党员的党费已经核定过", code="notice_handled")
    member = session.get(Member, notice.payload["members"][0]["member_id"])
    if member is None or member.archived:
        raise Conflict("该党员已不在册", code="member_archived")
    result = assess(category, base_fen, settings.dues)
    arrived = date.fromisoformat(notice.payload["date"])
    dues_year.change_monthly_amount(
        session,
        actor,
        member,
        result.monthly_fen,
        arrived.year,
        arrived.month,
        "新转入党员党费核定",
        base_fen=base_fen,
        category=result.category,
        uncapped_fen=result.uncapped_fen,
    )
    return member, result
