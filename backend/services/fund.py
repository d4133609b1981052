"""党建基金: donations with their fields (docs/founding-spec.md), numbered receipts,
certificates and totals.

A donation gets its receipt number from a per-year counter in its own transaction, so numbers
are gap-free; a voided donation keeps its number. Names and amounts reach the honor roll only
with the donor's consent (``services.honors.donor_summary`` reads ``consent_public``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, case, extract, func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import Donation, DonorKind, FundReceipt, FundReceiptSequence, Organization
from backend.services import audit, policy, sequences
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.scope import get_org, org_in_scope, path_in_scope

METHODS = {"cash": "现金", "bank": "银行转账", "other": "其他"}
_PHONE = re.compile(r"[0-9+\-() ]{5,30}")


@dataclass
class DonationData:
    donor_name: str
    amount_fen: int
    donated_on: date
    receiving_org_id: int
    donor_kind: DonorKind | str = DonorKind.PERSON
    unit: str | None = None
    address: str | None = None
    phone: str | None = None
    directed: bool = False
    purpose: str | None = None
    method: str = "cash"
    consent_public: bool = False


def _clean(value: str | None, what: str, limit: int) -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise Invalid(f"{what}不能超过{limit}个字", code="text_too_long")
    return value or None


def _validate(data: DonationData, today: date) -> DonationData:
    name = _clean(data.donor_name, "捐赠人（单位）", 100)
    if name is None:
        raise Invalid("请填写捐赠人或捐赠单位", code="donor_name")
    try:
        kind = DonorKind(data.donor_kind)
    except ValueError:
        raise Invalid("捐赠人类型应为个人或单位", code="donor_kind") from None
    if isinstance(data.amount_fen, bool) or data.amount_fen <= 0:
        raise Invalid("捐赠金额必须大于零", code="donation_amount")
    if data.donated_on > today:
        raise Invalid("捐赠日期不能晚于今天", code="donation_date")
    if data.method not in METHODS:
        raise Invalid("捐赠方式应为现金、银行转账或其他", code="donation_method")
    phone = _clean(data.phone, "联系电话", 30)
    if phone is not None and not _PHONE.fullmatch(phone):
        raise Invalid("联系电话格式不正确", code="phone_format")
    purpose = _clean(data.purpose, "定向用途", 50)
    if data.directed and purpose is None:
        raise Invalid("定向捐赠须填写用途（不超过50个字）", code="purpose_missing")
    return DonationData(
        donor_name=name,
        amount_fen=data.amount_fen,
        donated_on=data.donated_on,
        receiving_org_id=data.receiving_org_id,
        donor_kind=kind,
        unit=_clean(data.unit, "单位", 100),
        address=_clean(data.address, "地址", 200),
        phone=phone,
        directed=data.directed,
        purpose=purpose if data.directed else None,
        method=data.method,
        consent_public=data.consent_public,
    )


def next_receipt_seq(session: Session, year: int) -> int:
    """Take the year's next receipt number inside the current transaction (gap-free)."""
    return sequences.take(session, FundReceiptSequence, year)


def record_donation(
    session: Session, actor: Actor, data: DonationData, *, today: date
) -> tuple[Donation, FundReceipt]:
    """Take a donation and issue its numbered receipt."""
    policy.authorize(actor, Action.FUND_DONATE)
    data = _validate(data, today)
    org = get_org(session, actor, data.receiving_org_id)
    donation = Donation(
        donor_kind=data.donor_kind,
        donor_name=data.donor_name,
        unit=data.unit,
        address=data.address,
        phone=data.phone,
        directed=data.directed,
        purpose=data.purpose,
        method=data.method,
        amount_fen=data.amount_fen,
        donated_on=data.donated_on,
        consent_public=data.consent_public,
        receiving_org_id=org.id,
        created_by=actor.name,
    )
    session.add(donation)
    session.flush()
    receipt = FundReceipt(
        donation_id=donation.id,
        year=today.year,
        seq=next_receipt_seq(session, today.year),
        issued_by=actor.name,
    )
    session.add(receipt)
    session.flush()
    audit.record(
        session,
        actor,
        "donation.create",
        "donation",
        donation.id,
        after={**audit.snapshot(donation), "receipt_no": receipt.receipt_no},
    )
    return donation, receipt


def get_donation(session: Session, actor: Actor, donation_id: int) -> tuple[Donation, FundReceipt]:
    row = session.execute(
        select(Donation, FundReceipt)
        .join(FundReceipt, FundReceipt.donation_id == Donation.id)
        .where(Donation.id == donation_id)
    ).first()
    if row is None or not path_in_scope(actor, row[0].receiving_org.path):
        raise NotFound("未找到该捐赠记录，或不在您的管理范围内", code="donation_not_found")
    return row[0], row[1]


def void_donation(session: Session, actor: Actor, donation_id: int, reason: str) -> Donation:
    """作废 a donation entered by mistake; its receipt number stays used."""
    policy.authorize(actor, Action.FUND_VOID)
    donation, receipt = get_donation(session, actor, donation_id)
    reason = _clean(reason, "作废原因", 200) or ""
    if not reason:
        raise Invalid("作废须填写原因", code="reason_missing")
    if donation.voided:
        raise Conflict(f"收据{receipt.receipt_no}已经作废", code="already_voided")
    donation.voided = True
    receipt.void_reason = reason
    session.flush()
    audit.record(
        session,
        actor,
        "donation.void",
        "donation",
        donation.id,
        before={"voided": False},
        after={"voided": True, "reason": reason, "receipt_no": receipt.receipt_no},
    )
    return donation


def donations_query(actor: Actor, *, year: int | None = None) -> Select:
    """Donations in the actor's scope with their receipts, newest first; the console pages it."""
    stmt = (
        select(Donation, FundReceipt)
        .join(FundReceipt, FundReceipt.donation_id == Donation.id)
        .join(Organization, Organization.id == Donation.receiving_org_id)
        .where(org_in_scope(actor))
        .order_by(Donation.donated_on.desc(), Donation.id.desc())
    )
    if year is not None:
        stmt = stmt.where(extract("year", Donation.donated_on) == year)
    return stmt


def list_donations(
    session: Session, actor: Actor, *, year: int | None = None, limit: int = 500
) -> list[tuple[Donation, FundReceipt]]:
    return [(d, r) for d, r in session.execute(donations_query(actor, year=year).limit(limit))]


@dataclass(frozen=True)
class FundTotal:
    org_id: int
    org_code: str
    org_name: str
    year: int
    count: int
    amount_fen: int
    directed_fen: int


def totals(session: Session, actor: Actor, *, year: int | None = None) -> list[FundTotal]:
    """Valid donations per receiving organization and year, in the actor's subtree."""
    year_col = extract("year", Donation.donated_on)
    directed = func.sum(case((Donation.directed.is_(True), Donation.amount_fen), else_=0))
    stmt = (
        select(
            Organization.id,
            Organization.code,
            Organization.name,
            year_col.label("year"),
            func.count(Donation.id),
            func.sum(Donation.amount_fen),
            directed,
        )
        .join(Organization, Organization.id == Donation.receiving_org_id)
        .where(Donation.voided.is_(False), org_in_scope(actor))
        .group_by(Organization.id, Organization.code, Organization.name, year_col)
        .order_by(year_col.desc(), Organization.code)
    )
    if year is not None:
        stmt = stmt.where(year_col == year)
    return [
        FundTotal(i, c, n, int(y), int(k), int(a or 0), int(d or 0))
        for i, c, n, y, k, a, d in session.execute(stmt)
    ]
