"""党费汇缴库: the remittance ledger (collections not yet remitted) and the shares per level.

Every valid payment item is a collection waiting in the remittance ledger until a confirmed batch
clears it. A batch is made by an organization for a period (months of one year) and covers the
collections of its subtree **taken** in that period (the receipt's day, hall time) and not yet
remitted — whatever months they pay for. Every receipt has one day, so it belongs to exactly one
period: nothing is dropped (what is left in a period after its batch, or entered late, goes into
another batch for that period or shows as outstanding from earlier periods) and nothing is
counted twice (a partial unique index lets a payment item be cleared by one batch only). A payment
voided after it was remitted becomes a correction (a negative item) in the next batch, whatever
its period. A confirmed batch is undone only by
``reverse_batch``: audited, with a reason, and never while a later batch corrects one of its items.

Shares: an organization passes ``RemittanceSettings.<level>_bp`` of what it receives to its
parent, so what reaches a batch's organization from a source branch and goes on upward is the
product of the shares on the way (``share_for``), applied per source organization and rounded
half-up to the fen once.

See docs/dues.md.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from sqlalchemy import Exists, exists, select
from sqlalchemy.orm import Session, aliased

from backend.models import (
    Organization,
    OrgType,
    Payment,
    PaymentItem,
    RemittanceItem,
    RemittanceItemKind,
    RemittanceLine,
)
from backend.services import hall_clock
from backend.settings import RemittanceSettings


@dataclass(frozen=True)
class Pending:
    """One item of the remittance ledger: a collection, or a correction of a remitted one."""

    item_id: int
    payment_id: int
    source_org_id: int
    kind: RemittanceItemKind
    amount_fen: int


def level_bp(org_type: OrgType, settings: RemittanceSettings) -> int:
    return {
        OrgType.BRANCH: settings.branch_bp,
        OrgType.GENERAL_BRANCH: settings.general_branch_bp,
        OrgType.COMMITTEE: settings.committee_bp,
    }.get(org_type, 10_000)


def share_for(chain: list[Organization], settings: RemittanceSettings) -> Fraction:
    """The part of a source's collections its ``chain`` (source … batch org) passes upward."""
    share = Fraction(1)
    for org in chain:
        share *= Fraction(level_bp(org.type, settings), 10_000)
    return share


def _round(value: Fraction) -> int:
    return int((value * 2 + 1) // 2) if value >= 0 else -int((-value * 2 + 1) // 2)


def cutoff_utc(cutoff: date, timezone: str) -> datetime:
    """The first instant after ``cutoff`` (hall time) as a naive UTC timestamp."""
    return hall_clock.utc_end_of(cutoff, timezone)


def _cleared(kind: RemittanceItemKind) -> Exists:
    done = aliased(RemittanceItem)
    return exists().where(
        done.payment_item_id == PaymentItem.id, done.kind == kind, done.cleared.is_(True)
    )


def pending_items(
    session: Session,
    org: Organization,
    before_utc: datetime | None,
    since_utc: datetime | None = None,
) -> list[Pending]:
    """The remittance ledger of ``org``'s subtree: unremitted collections received in
    [``since_utc``, ``before_utc``) (unbounded where None), then every remitted item whose payment
    was voided since."""
    in_subtree = Organization.path.startswith(org.path, autoescape=True)
    base = (
        select(PaymentItem.id, Payment.id, Payment.org_id, PaymentItem.amount_fen)
        .join(Payment, Payment.id == PaymentItem.payment_id)
        .join(Organization, Organization.id == Payment.org_id)
        .where(in_subtree)
        .order_by(Payment.org_id, Payment.id, PaymentItem.id)
    )
    collections = base.where(Payment.voided.is_(False), ~_cleared(RemittanceItemKind.COLLECTION))
    if before_utc is not None:
        collections = collections.where(Payment.created_at < before_utc)
    if since_utc is not None:
        collections = collections.where(Payment.created_at >= since_utc)
    corrections = base.where(
        Payment.voided.is_(True),
        _cleared(RemittanceItemKind.COLLECTION),
        ~_cleared(RemittanceItemKind.CORRECTION),
    )
    out = [
        Pending(i, p, o, RemittanceItemKind.COLLECTION, a)
        for i, p, o, a in session.execute(collections)
    ]
    out += [
        Pending(i, p, o, RemittanceItemKind.CORRECTION, -a)
        for i, p, o, a in session.execute(corrections)
    ]
    return out


def _chain(session: Session, source_id: int, top: Organization) -> list[Organization]:
    ids = [
        int(part) for part in session.get_one(Organization, source_id).path.strip("/").split("/")
    ]
    below = ids[ids.index(top.id) :]
    orgs = {
        o.id: o for o in session.scalars(select(Organization).where(Organization.id.in_(below)))
    }
    return [orgs[i] for i in reversed(below)]


def build_lines(
    session: Session, org: Organization, items: list[Pending], settings: RemittanceSettings
) -> list[RemittanceLine]:
    by_source: dict[int, list[Pending]] = defaultdict(list)
    for item in items:
        by_source[item.source_org_id].append(item)
    lines = []
    for source_id in sorted(by_source, key=lambda i: session.get_one(Organization, i).code):
        group = by_source[source_id]
        collected = sum(p.amount_fen for p in group if p.kind is RemittanceItemKind.COLLECTION)
        correction = sum(p.amount_fen for p in group if p.kind is RemittanceItemKind.CORRECTION)
        share = share_for(_chain(session, source_id, org), settings)
        upward = _round((collected + correction) * share)
        lines.append(
            RemittanceLine(
                source_org_id=source_id,
                item_count=len(group),
                collected_fen=collected,
                correction_fen=correction,
                share_bp=_round(share * 10_000),
                upward_fen=upward,
                retained_fen=collected + correction - upward,
            )
        )
    return lines


@dataclass(frozen=True)
class Period:
    """A batch's period: months ``start_month``..``end_month`` of ``year`` (hall time)."""

    year: int
    start_month: int
    end_month: int

    @property
    def first_day(self) -> date:
        return date(self.year, self.start_month, 1)

    @property
    def last_day(self) -> date:
        return period_end(self.year, self.end_month)

    def utc_bounds(self, timezone: str) -> tuple[datetime, datetime]:
        """[first instant, first instant after) of the period as naive UTC timestamps."""
        return (
            cutoff_utc(self.first_day - timedelta(days=1), timezone),
            cutoff_utc(self.last_day, timezone),
        )


def period_items(
    session: Session, org: Organization, period: Period, timezone: str
) -> list[Pending]:
    """What a batch of ``org`` for ``period`` takes: the collections taken in the period, plus
    every outstanding correction."""
    since, before = period.utc_bounds(timezone)
    return pending_items(session, org, before, since)


def earlier_outstanding(
    session: Session, org: Organization, period: Period, timezone: str
) -> tuple[int, int]:
    """(count, fen) of unremitted collections taken before the period: left for their own
    period's batch, shown so they are not forgotten."""
    since, _before = period.utc_bounds(timezone)
    items = [
        p for p in pending_items(session, org, since) if p.kind is RemittanceItemKind.COLLECTION
    ]
    return len(items), sum(p.amount_fen for p in items)


def period_end(year: int, end_month: int) -> date:
    return (
        date(year + 1, 1, 1) - timedelta(days=1)
        if end_month == 12
        else (date(year, end_month + 1, 1) - timedelta(days=1))
    )


def outstanding(
    session: Session,
    org: Organization,
    period: Period,
    timezone: str,
    settings: RemittanceSettings,
) -> list[RemittanceLine]:
    """The period's part of the remittance ledger summed per source organization, as a batch
    for ``period`` would take it now."""
    return build_lines(session, org, period_items(session, org, period, timezone), settings)
