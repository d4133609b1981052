"""What every kind of transfer shares: membership periods, ledger attribution, the transfer
record, notices to receiving organizations, and the scoped queries over all of them.

The three moves live in ``transfer_within``, ``transfer_out`` and ``transfer_in``; each is one
function that only flushes, so the caller's single commit makes the whole move happen or none
of it (a crash, a lost connection or a failed print before the commit leaves no trace).

See docs/transfers-and-letters.md.
"""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import (
    DuesMonth,
    Member,
    Membership,
    Organization,
    OrgType,
    Transfer,
    TransferKind,
)
from backend.services import audit, closed_periods, orgs
from backend.services.actor import Actor
from backend.services.dues_year import from_month_on
from backend.services.probation import probation_period


def cn_date(day: date) -> str:
    """2026-11-23 → "2026年11月23日"."""
    return f"{day.year}年{day.month}月{day.day}日"


def new_batch() -> str:
    return uuid.uuid4().hex


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    following = date(year + (month == 12), month % 12 + 1, 1)
    return day.replace(year=year, month=month, day=min(day.day, (following - timedelta(1)).day))


def committee_of(session: Session, org: Organization) -> Organization:
    """The 党委 above a branch (the district itself for a branch without one)."""
    committee = orgs.ancestor_of_type(session, org, OrgType.COMMITTEE)
    if committee is None:
        committee = orgs.ancestor_of_type(session, org, OrgType.DISTRICT)
    return committee or org


def full_name(session: Session, org: Organization) -> str:
    """ "第一街道党工委幸福社区第一党支部": the 党委's name before the branch's, for letters."""
    committee = committee_of(session, org)
    if committee.id == org.id or org.name.startswith(committee.name):
        return org.name
    return committee.name + org.name


def receiving_parent(org: Organization) -> Organization:
    """Who is told about a member arriving in a branch: its 总支, or its 党委."""
    return org.parent if org.parent is not None else org


def active_branch(session: Session, org_id: int) -> Organization:
    """A destination branch anywhere in the district (the sending side initiates a move)."""
    org = session.get(Organization, org_id)
    if org is None:
        raise NotFound("未找到接收的党支部", code="org_not_found")
    if org.type is not OrgType.BRANCH:
        raise Invalid("党员只能转入党支部", code="org_not_branch")
    if not org.active:
        raise Invalid(f"{org.name}已撤销，不能转入", code="org_dissolved")
    return org


def current_membership(session: Session, member: Member) -> Membership:
    period = session.scalar(
        select(Membership).where(Membership.member_id == member.id, Membership.end_date.is_(None))
    )
    if period is None:
        raise Conflict("该党员没有当前的组织关系记录", code="membership_missing")
    return period


def check_move_date(
    session: Session,
    member: Member,
    on: date,
    today: date,
    to_org: Organization | None = None,
) -> Membership:
    """A move takes effect today or on a past day inside the current membership period, and
    never inside a period already remitted by the member's branch or the receiving one."""
    period = current_membership(session, member)
    if on > today:
        raise Invalid("转接日期不能晚于今天", code="transfer_date")
    if on < period.start_date:
        raise Invalid(
            f"转接日期不能早于该党员编入现组织的日期（{cn_date(period.start_date)}）",
            code="transfer_date",
        )
    closed_periods.check_not_closed(
        session, [member.org] + ([to_org] if to_org is not None else []), on
    )
    return period


def check_probation(member: Member, on: date, end: date | None = None) -> tuple[date, date] | None:
    """A probationary member whose probation has ended is first decided on by the old branch."""
    period = probation_period(member, end)
    if period is not None and on >= period[1]:
        raise Conflict(
            f"该预备党员预备期已于{cn_date(period[1])}期满，应由原支部先讨论其转正问题，再办理转接",
            code="probation_ended",
        )
    return period


def move_membership(
    session: Session, member: Member, to_org: Organization, on: date, reason: str
) -> tuple[str | None, str | None]:
    """Close the current period, open one in ``to_org``; returns (old, new) member numbers.
    The card number stays; the member number is the new branch's code + the card number."""
    period = current_membership(session, member)
    old_no = member.member_no
    new_no = None if member.card_no is None else to_org.code + member.card_no
    period.end_date = on
    member.org = to_org
    member.member_no = new_no
    session.add(
        Membership(
            member_id=member.id, org_id=to_org.id, member_no=new_no, start_date=on, reason=reason
        )
    )
    session.flush()
    return old_no, new_no


def reattribute_ledger(
    session: Session, member: Member, to_org: Organization, on: date
) -> list[str]:
    """Ledger months from the move month on belong to the new branch; earlier ones stay."""
    rows = session.scalars(
        select(DuesMonth).where(DuesMonth.member_id == member.id, from_month_on(on.year, on.month))
    ).all()
    for row in rows:
        row.org_id = to_org.id
    session.flush()
    return sorted(f"{r.year}-{r.month:02d}" for r in rows)


def owing(row: DuesMonth) -> bool:
    return not row.waived and row.due_fen is not None and row.paid_fen < row.due_fen


def dues_paid_to(session: Session, member_id: int) -> tuple[int, int] | None:
    """党费已交到: the last month of the unbroken run of settled months from the start of the
    ledger (a month awaiting assessment breaks the run). ``None`` when nothing is settled."""
    rows = session.scalars(
        select(DuesMonth)
        .where(DuesMonth.member_id == member_id)
        .order_by(DuesMonth.year, DuesMonth.month)
    ).all()
    last: tuple[int, int] | None = None
    for row in rows:
        if owing(row) or (row.due_fen is None and not row.waived):
            break
        last = (row.year, row.month)
    return last


def shortfall(session: Session, member_id: int, through: date) -> tuple[int, list[str]]:
    """What is owed up to and including the month of ``through``: (fen, ["2026-03", …])."""
    after = next_month_start(through)
    rows = session.scalars(
        select(DuesMonth)
        .where(DuesMonth.member_id == member_id, ~from_month_on(after.year, after.month))
        .order_by(DuesMonth.year, DuesMonth.month)
    ).all()
    owed = [r for r in rows if owing(r)]
    return sum((r.due_fen or 0) - r.paid_fen for r in owed), [
        f"{r.year}-{r.month:02d}" for r in owed
    ]


def months_span(keys: list[str]) -> str:
    """["2026-03", …, "2026-11"] → "2026年3月至2026年11月，共9个月"."""
    if not keys:
        return ""
    first = keys[0].split("-")
    last = keys[-1].split("-")
    head = f"{first[0]}年{int(first[1])}月"
    if len(keys) == 1:
        return head
    return f"{head}至{last[0]}年{int(last[1])}月，共{len(keys)}个月"


def next_month_start(day: date) -> date:
    return add_months(day.replace(day=1), 1)


def record(
    session: Session,
    actor: Actor,
    *,
    kind: TransferKind,
    member: Member,
    batch: str,
    from_org: Organization | None,
    to_org: Organization | None,
    from_name: str,
    to_name: str,
    on: date,
    old_no: str | None,
    new_no: str | None,
    details: dict[str, Any],
    **extra: Any,
) -> Transfer:
    """The 组织关系接转库 row: both sides' fields, from, to and inside/outside."""
    transfer = Transfer(
        kind=kind,
        member_id=member.id,
        batch=batch,
        from_org_id=from_org.id if from_org else None,
        to_org_id=to_org.id if to_org else None,
        from_name=from_name,
        to_name=to_name,
        name=member.name,
        sex=member.sex,
        birth_date=member.birth_date,
        education=member.education,
        status=member.status.value,
        card_no=member.card_no,
        old_member_no=old_no,
        new_member_no=new_no,
        transfer_date=on,
        details=audit._jsonable(details) or {},
        created_by=actor.name,
        prints=1,  # the papers handed out with the transfer: the register counts the first print
        **extra,
    )
    session.add(transfer)
    session.flush()
    audit.record(
        session,
        actor,
        f"transfer.{kind.value}",
        "transfer",
        transfer.id,
        after=audit.snapshot(transfer),
    )
    return transfer
