"""The dues desk's lists: payments with their slips, unpaid reminders, and the yearly publication
of dues collected and used (党费收缴使用情况公示) with the uses it reports."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from backend.errors import Conflict, Invalid, NotFound
from backend.models import (
    DisclosureDocument,
    DuesUse,
    Member,
    Organization,
    Payment,
    RemittanceBatch,
    RemittanceState,
)
from backend.services import audit, disclosure, disclosure_categories, policy, reminder_list
from backend.services.actor import Actor
from backend.services.exports import Column, Sheet
from backend.services.ledger import Warning, warning_for
from backend.services.money import amount_in_capitals, format_yuan
from backend.services.policy import Action
from backend.services.remittance_ledger import cutoff_utc
from backend.services.reports import Period, subtree_total
from backend.services.scope import get_org, path_in_scope
from backend.settings import DuesSettings


def payments_query(
    session: Session, actor: Actor, org_id: int, start: date, end: date, timezone: str
) -> Select:
    """Payments taken from ``start`` to ``end`` (hall days) in the subtree, voided ones too:
    (payment, member name, organization name), newest first; the console pages it."""
    org = get_org(session, actor, org_id)
    return (
        select(Payment, Member.name, Organization.name)
        .join(Member, Member.id == Payment.member_id)
        .join(Organization, Organization.id == Payment.org_id)
        .where(
            Organization.path.startswith(org.path, autoescape=True),
            Payment.created_at >= cutoff_utc(start - timedelta(days=1), timezone),
            Payment.created_at < cutoff_utc(end, timezone),
        )
        .options(selectinload(Payment.items))
        .order_by(Payment.created_at.desc(), Payment.id.desc())
    )


def payments_valid_fen(session: Session, stmt: Select) -> int:
    """The sum of the payments of ``stmt`` that are not voided."""
    sub = stmt.order_by(None).with_only_columns(Payment.amount_fen, Payment.voided).subquery()
    total = session.scalar(select(func.sum(sub.c.amount_fen)).where(sub.c.voided.is_(False)))
    return int(total or 0)


@dataclass(frozen=True)
class Reminder:
    member_id: int
    name: str
    card_no: str | None
    phone: str | None
    org_name: str
    consecutive: int
    arrears_fen: int
    warning: Warning


def reminders(
    session: Session, actor: Actor, settings: DuesSettings, org_id: int, today: date
) -> list[Reminder]:
    """Members who have not paid for ``reminder_months`` months in a row or more, flagged
    before the sixth month (DOMAIN §1), longest run first: the console's paged list
    (``reminder_list``) read whole, for the API."""
    org = get_org(session, actor, org_id)
    stmt, sorts = reminder_list.reminders_query(org, settings, today)
    stmt = stmt.order_by(sorts["months"][0].desc(), Organization.name, Member.card_no, Member.id)
    return [
        Reminder(
            member.id, member.name, member.card_no, member.phone, org_name, int(months),
            int(arrears), warning_for(int(months), settings),
        )
        for member, org_name, months, arrears in session.execute(stmt)
    ]  # fmt: skip


def record_use(
    session: Session, actor: Actor, org_id: int, *, used_on: date, purpose: str, amount_fen: int
) -> DuesUse:
    """Record a use of the dues an organization kept (for the yearly publication)."""
    policy.authorize(actor, Action.DUES_USE)
    org = get_org(session, actor, org_id)
    purpose = (purpose or "").strip()
    if not purpose or len(purpose) > 100:
        raise Invalid("请填写用途（不超过100个字）", code="purpose_missing")
    if amount_fen <= 0:
        raise Invalid("金额必须大于零", code="amount_invalid")
    use = DuesUse(
        org_id=org.id,
        used_on=used_on,
        purpose=purpose,
        amount_fen=amount_fen,
        created_by=actor.name,
    )
    session.add(use)
    session.flush()
    audit.record(session, actor, "dues_use.create", "dues_use", use.id, after=audit.snapshot(use))
    return use


def void_use(session: Session, actor: Actor, use_id: int) -> DuesUse:
    policy.authorize(actor, Action.DUES_USE)
    use = session.get(DuesUse, use_id)
    if use is None or not path_in_scope(actor, session.get_one(Organization, use.org_id).path):
        raise NotFound("未找到该使用记录，或不在您的管理范围内", code="dues_use_not_found")
    if use.voided:
        raise Conflict("该使用记录已作废", code="already_voided")
    use.voided = True
    session.flush()
    audit.record(session, actor, "dues_use.void", "dues_use", use.id, after={"voided": True})
    return use


@dataclass(frozen=True)
class Publication:
    org: Organization
    year: int
    collected_fen: int
    remitted_fen: int
    uses: list[DuesUse]

    @property
    def used_fen(self) -> int:
        return sum(u.amount_fen for u in self.uses)

    @property
    def title(self) -> str:
        return f"{self.org.name}{self.year}年度党费收缴使用情况公示"


def publication(session: Session, actor: Actor, org_id: int, year: int) -> Publication:
    org = get_org(session, actor, org_id)
    collected = subtree_total(session, org, Period(year)).paid_fen
    remitted = session.scalar(
        select(func.coalesce(func.sum(RemittanceBatch.upward_fen), 0)).where(
            RemittanceBatch.org_id == org.id,
            RemittanceBatch.year == year,
            RemittanceBatch.state == RemittanceState.CONFIRMED,
        )
    )
    uses = session.scalars(
        select(DuesUse)
        .where(
            DuesUse.org_id == org.id,
            DuesUse.voided.is_(False),
            DuesUse.used_on >= date(year, 1, 1),
            DuesUse.used_on <= date(year, 12, 31),
        )
        .order_by(DuesUse.used_on, DuesUse.id)
    ).all()
    return Publication(org, year, collected, int(remitted or 0), list(uses))


def publication_sheet(pub: Publication, *, printed_on: date) -> Sheet:
    return Sheet(
        title=pub.title,
        columns=[
            Column("日期", width=12),
            Column("用途", width=40),
            Column("金额（元）", "money", 14),
        ],
        rows=[[f"{u.used_on:%Y-%m-%d}", u.purpose, u.amount_fen] for u in pub.uses],
        header_lines=[
            f"{pub.year}年度本组织及所属党组织共收缴党费{format_yuan(pub.collected_fen)}元"
            f"（{amount_in_capitals(pub.collected_fen)}），按规定上缴{format_yuan(pub.remitted_fen)}元，"
            f"使用{format_yuan(pub.used_fen)}元，明细如下：",
        ],
        total=["", "合计", pub.used_fen],
        footer_lines=[f"{pub.org.name}", f"{printed_on:%Y年%m月%d日}"],
    )


def publication_draft(
    session: Session, actor: Actor, pub: Publication, *, today: date
) -> DisclosureDocument:
    """The publication as a draft in the 党费收缴使用 category of 党务公开: it still goes through
    review and approval before any board shows it."""
    policy.authorize(actor, Action.DUES_USE)
    sheet = publication_sheet(pub, printed_on=today)
    lines = [sheet.header_lines[0], "", "| 日期 | 用途 | 金额（元） |", "| --- | --- | ---: |"]
    lines += [
        f"| {u.used_on:%Y-%m-%d} | {u.purpose} | {format_yuan(u.amount_fen)} |" for u in pub.uses
    ]
    lines += [f"| | 合计 | {format_yuan(pub.used_fen)} |", "", *sheet.footer_lines]
    category = disclosure_categories.find_category(session, "党费收缴使用")
    return disclosure.create_document(
        session,
        actor,
        org=pub.org,
        category=category,
        title=pub.title,
        body_md="\n".join(lines),
        tier="party",
        publish_on=today,
    )
