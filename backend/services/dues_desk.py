"""The dues desk's lists: payments with their slips, unpaid reminders, and the quarterly and
yearly publication of dues collected and used (党费收缴使用情况公示) with the approved uses it
reports (the uses themselves: ``dues_use``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from backend.models import (
    DisclosureDocument,
    DuesUse,
    Member,
    Organization,
    Payment,
    RemittanceBatch,
    RemittanceState,
)
from backend.services import disclosure, disclosure_categories, dues_use, policy, reminder_list
from backend.services.actor import Actor
from backend.services.exports import Column, Sheet
from backend.services.ledger import Warning, warning_for
from backend.services.money import amount_in_capitals, format_yuan
from backend.services.policy import Action
from backend.services.remittance_ledger import cutoff_utc, period_end
from backend.services.reports import Period, subtree_total
from backend.services.scope import get_org
from backend.settings import DuesSettings, RemittanceSettings


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
    consecutive: int  # the run of unpaid months ending last month (the Constitution's figure)
    arrears_fen: int
    warning: Warning
    owed: int = 0  # months owed, all years: what the reminder and the warning follow


def reminders(
    session: Session, actor: Actor, settings: DuesSettings, org_id: int, today: date
) -> list[Reminder]:
    """Members owing ``reminder_months`` months or more (in a row or not), flagged before the
    sixth month (docs/dues.md), most months owed first: the console's paged list
    (``reminder_list``) read whole, for the API."""
    org = get_org(session, actor, org_id)
    stmt, sorts = reminder_list.reminders_query(org, settings, today)
    stmt = stmt.order_by(
        sorts["months"][0].desc(), sorts["run"][0].desc(), Organization.name, Member.card_no
    )
    return [
        Reminder(
            member.id, member.name, member.card_no, member.phone, org_name, int(run),
            int(arrears), warning_for(int(months), settings), int(months),
        )
        for member, org_name, months, run, arrears in session.execute(stmt)
    ]  # fmt: skip


# --- the quarterly and yearly publication (收缴使用公示) --------------------------------------


@dataclass(frozen=True)
class Publication:
    org: Organization
    period: Period
    collected_fen: int  # paid in the subtree for months of the period
    remitted_fen: int  # passed upward by the organization's confirmed batches of the period
    kept_fen: int  # what the organization itself keeps of the collected dues (dues_use.kept_fen)
    uses: list[DuesUse]  # approved by the committee, used in the period: what counts
    pending: list[DuesUse]  # used in the period, waiting for the committee's decision

    @property
    def year(self) -> int:
        return self.period.year

    @property
    def used_fen(self) -> int:
        return sum(u.amount_fen for u in self.uses)

    @property
    def title(self) -> str:
        return f"{self.org.name}{self.period.label}党费收缴使用情况公示"


def publication(
    session: Session,
    actor: Actor,
    org_id: int,
    year: int,
    *,
    quarter: int | None = None,
    remittance: RemittanceSettings | None = None,
) -> Publication:
    """The figures of a year's or a quarter's publication; only uses with the committee's
    decision recorded count (docs/dues.md, Using the dues kept)."""
    org = get_org(session, actor, org_id)
    period = Period.parse(year, quarter)
    collected = subtree_total(session, org, period).paid_fen
    remitted = session.scalar(
        select(func.coalesce(func.sum(RemittanceBatch.upward_fen), 0)).where(
            RemittanceBatch.org_id == org.id,
            RemittanceBatch.year == year,
            RemittanceBatch.end_month.between(period.start_month, period.end_month),
            RemittanceBatch.state == RemittanceState.CONFIRMED,
        )
    )
    last_day = period_end(year, period.end_month)
    uses = session.scalars(
        select(DuesUse)
        .where(
            DuesUse.org_id == org.id,
            DuesUse.voided.is_(False),
            DuesUse.used_on >= date(year, period.start_month, 1),
            DuesUse.used_on <= last_day,
        )
        .order_by(DuesUse.used_on, DuesUse.id)
    ).all()
    kept = dues_use.kept_fen(session, org, remittance or RemittanceSettings(), period)
    return Publication(
        org,
        period,
        collected,
        int(remitted or 0),
        kept,
        [u for u in uses if u.approved],
        [u for u in uses if not u.approved],
    )


def decision_text(use: DuesUse) -> str:
    return f"{use.approval_date:%Y-%m-%d} {use.approval_meeting}：{use.approval_decision}"


def publication_sheet(pub: Publication, *, printed_on: date) -> Sheet:
    return Sheet(
        title=pub.title,
        columns=[
            Column("日期", width=12),
            Column("用途", width=30),
            Column("金额（元）", "money", 12),
            Column("支委会决定", width=40),
        ],
        rows=[
            [f"{u.used_on:%Y-%m-%d}", u.purpose, u.amount_fen, decision_text(u)] for u in pub.uses
        ],
        header_lines=[
            f"{pub.period.label}本组织及所属党组织共收缴党费{format_yuan(pub.collected_fen)}元"
            f"（{amount_in_capitals(pub.collected_fen)}），按规定上缴{format_yuan(pub.remitted_fen)}元，"
            f"本组织留存{format_yuan(pub.kept_fen)}元，"
            f"经支委会决定使用{format_yuan(pub.used_fen)}元，明细如下：",
        ],
        total=["", "合计", pub.used_fen, ""],
        footer_lines=[f"{pub.org.name}", f"{printed_on:%Y年%m月%d日}"],
    )


def publication_draft(
    session: Session, actor: Actor, pub: Publication, *, today: date
) -> DisclosureDocument:
    """The publication as a draft in the 党费收缴使用 category of 党务公开: it still goes through
    review and approval before any board shows it."""
    policy.authorize(actor, Action.DUES_USE)
    sheet = publication_sheet(pub, printed_on=today)
    lines = [
        sheet.header_lines[0],
        "",
        "| 日期 | 用途 | 金额（元） | 支委会决定 |",
        "| --- | --- | ---: | --- |",
    ]
    lines += [
        f"| {u.used_on:%Y-%m-%d} | {u.purpose} | {format_yuan(u.amount_fen)} | {decision_text(u)} |"
        for u in pub.uses
    ]
    lines += [f"| | 合计 | {format_yuan(pub.used_fen)} | |", "", *sheet.footer_lines]
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
