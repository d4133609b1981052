"""Dues payments: whole months, oldest unpaid first (or the months staff choose), with an
idempotency key, a gap-free slip number per year, voids and reprints.

Concurrency, in one paragraph: a payment first locks the member row (``lock_member``), so two
counters paying the same member queue up and the second sees the first one's months as paid.
The slip number is taken last, from ``slip_sequences`` in the payment's own transaction (an
``UPDATE … RETURNING`` that holds the year's row lock until commit), so a rolled-back payment
gives its number back and numbers stay gap-free. SQLite serializes whole transactions with
``BEGIN IMMEDIATE``, which gives the same guarantees.

See docs/dues.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import (
    DuesMonth,
    Member,
    Payment,
    PaymentItem,
    PaymentMethod,
)
from backend.models.base import utcnow
from backend.services import audit, day_close, ledger, scope
from backend.services.actor import Actor
from backend.services.dues_year import (
    from_index,
    lock_member,
    month_index,
    month_key,
    month_label,
    open_member_year,
    parse_month,
)
from backend.services.money import format_yuan
from backend.services.slips import next_slip_seq
from backend.settings import DuesSettings

_KEY = re.compile(r"[A-Za-z0-9._:-]{8,80}")
MAX_MONTHS_PER_PAYMENT = 120


@dataclass(frozen=True)
class PaymentOutcome:
    payment: Payment
    created: bool  # False: the idempotency key had been used, this is the original payment


def check_key(key: str | None) -> str:
    key = (key or "").strip()
    if not _KEY.fullmatch(key):
        raise Invalid(
            "缺少或无效的幂等键（Idempotency-Key，8至80位字母、数字或 ._:-）",
            code="idempotency_key",
        )
    return key


def payment_by_key(session: Session, key: str) -> Payment | None:
    return session.scalar(select(Payment).where(Payment.idempotency_key == key))


def _replay(payment: Payment, member_id: int) -> PaymentOutcome:
    if payment.member_id != member_id:
        raise Conflict(
            "该幂等键已用于另一名党员的缴费，请刷新后重试", code="idempotency_key_reused"
        )
    return PaymentOutcome(payment, False)


def _rows_upto(session: Session, member_id: int, last_index: int) -> dict[int, DuesMonth]:
    last_year, _ = from_index(last_index)
    rows = session.scalars(
        select(DuesMonth).where(DuesMonth.member_id == member_id, DuesMonth.year <= last_year)
    ).all()
    return {
        month_index(r.year, r.month): r for r in rows if month_index(r.year, r.month) <= last_index
    }


def _open_window(session: Session, actor: Actor, member: Member, first: int, last: int) -> None:
    """Create the member's missing ledger months from ``first`` (the current month or later)
    to ``last``: the rest of the first year from that month, later years whole — as the year
    opening would have — so a year is never half-opened for a member."""
    first_year, first_month = from_index(first)
    last_year, _ = from_index(last)
    for year in range(first_year, last_year + 1):
        from_month = first_month if year == first_year else 1
        open_member_year(session, actor, member, year, from_month=from_month)


def _owing(row: DuesMonth) -> bool:
    return not row.waived and row.due_fen is not None and row.paid_fen < row.due_fen


def _window(
    session: Session,
    actor: Actor,
    settings: DuesSettings,
    member: Member,
    today: date,
    wanted: set[int],
    count: int | None,
) -> dict[int, DuesMonth]:
    """The member's ledger rows up to the advance limit, opening current and advance months
    that have no row yet — but only when the request needs them."""
    current = month_index(today.year, today.month)
    last = current + settings.advance_limit_months
    rows = _rows_upto(session, member.id, last)
    missing = [i for i in range(current, last + 1) if i not in rows and i in wanted]
    enough = count is not None and count <= sum(1 for r in rows.values() if _owing(r))
    if missing and not enough:
        _open_window(session, actor, member, min(missing), max(missing))
        rows = _rows_upto(session, member.id, last)
    return rows


def _by_count(
    rows: dict[int, DuesMonth], member: Member, count: int, limit_text: str
) -> list[DuesMonth]:
    """Oldest owed months first (arrears of any year, the current month), then advance months."""
    if not 1 <= count <= MAX_MONTHS_PER_PAYMENT:
        raise Invalid("缴费月数不正确", code="count_invalid")
    owing = [rows[i] for i in sorted(rows) if _owing(rows[i])]
    if not owing:
        if member.monthly_dues_fen is None:
            raise Conflict("该党员的党费金额待核定，暂不能缴费", code="amount_pending")
        raise Conflict(f"该党员没有可缴的月份（最多可预交至{limit_text}）", code="nothing_to_pay")
    if count > len(owing):
        raise Conflict(
            f"最多可缴{len(owing)}个月（欠交月份及预交至{limit_text}）", code="too_many_months"
        )
    return owing[:count]


def _by_months(
    rows: dict[int, DuesMonth], wanted: list[tuple[int, int]], last: int, settings: DuesSettings
) -> list[DuesMonth]:
    """The months staff chose, each checked: in the ledger, within the advance limit, owed."""
    chosen: dict[int, DuesMonth] = {}
    for year, month in wanted:
        index, label = month_index(year, month), month_label(year, month)
        if index in chosen:
            raise Invalid(f"{label}重复", code="month_duplicate")
        if index > last:
            raise Invalid(
                f"{label}超出预交期限：最多预交{settings.advance_limit_months}个月"
                f"（至{month_label(*from_index(last))}）",
                code="advance_limit",
            )
        row = rows.get(index)
        if row is None:
            raise Conflict(f"{label}没有该党员的党费账目", code="month_not_in_ledger")
        if row.waived:
            raise Conflict(f"{label}的党费已减免，无需缴纳", code="month_waived")
        if row.due_fen is None:
            raise Conflict(f"{label}的党费金额待核定，暂不能缴费", code="amount_pending")
        if row.paid_fen >= row.due_fen:
            raise Conflict(f"{label}的党费已经缴纳，请勿重复缴费", code="month_already_paid")
        chosen[index] = row
    if not chosen:
        raise Invalid("请选择要缴纳的月份", code="months_missing")
    return [chosen[i] for i in sorted(chosen)]


def _choose_months(
    session: Session,
    actor: Actor,
    settings: DuesSettings,
    member: Member,
    today: date,
    months: list[str] | None,
    count: int | None,
) -> list[DuesMonth]:
    current = month_index(today.year, today.month)
    last = current + settings.advance_limit_months
    if count is not None:
        rows = _window(
            session, actor, settings, member, today, set(range(current, last + 1)), count
        )
        return _by_count(rows, member, count, month_label(*from_index(last)))
    wanted = [parse_month(text) for text in months or []]
    rows = _window(session, actor, settings, member, today, {month_index(*w) for w in wanted}, None)
    return _by_months(rows, wanted, last, settings)


def pay(
    session: Session,
    actor: Actor,
    settings: DuesSettings,
    member: Member,
    *,
    idempotency_key: str,
    months: list[str] | None = None,
    count: int | None = None,
    method: PaymentMethod | str = PaymentMethod.CASH,
    expected_total_fen: int | None = None,
    tendered_fen: int | None = None,
    today: date,
) -> PaymentOutcome:
    """Take a dues payment for whole months. Repeating the idempotency key returns the
    original payment and charges nothing. The caller has checked the member is in scope."""
    key = check_key(idempotency_key)
    if (months is None) == (count is None):
        raise Invalid("请指定缴纳的月份（months）或月数（count），二者选一", code="months_or_count")
    try:
        method = PaymentMethod(method)
    except ValueError:
        raise Invalid("缴费方式应为现金（cash）或银行转账（bank）", code="method") from None
    existing = payment_by_key(session, key)
    if existing is not None:
        return _replay(existing, member.id)
    member = lock_member(session, member.id)
    existing = payment_by_key(session, key)  # a twin request may have committed meanwhile
    if existing is not None:
        return _replay(existing, member.id)
    if member.archived:
        raise Conflict("该党员已不在册，不能缴费", code="member_archived")
    day_close.check_open(session, actor, today)
    try:
        with session.begin_nested():
            payment = _take(
                session,
                actor,
                settings,
                member,
                key,
                months,
                count,
                method,
                today,
                expected_total_fen,
                tendered_fen,
            )
    except IntegrityError:
        # Only a concurrent request with the same key gets here (different member rows, so the
        # member lock did not order them): its payment is the one that counts.
        existing = payment_by_key(session, key)
        if existing is None:
            raise
        return _replay(existing, member.id)
    return PaymentOutcome(payment, True)


def _check_tendered(method: PaymentMethod, total: int, tendered_fen: int | None) -> None:
    """实收 is what a cash payer handed over; it must cover the total (找零 is the rest)."""
    if tendered_fen is None:
        return
    if method is not PaymentMethod.CASH:
        raise Invalid("银行转账不填实收金额", code="tendered_not_cash")
    if tendered_fen < total:
        raise Invalid(
            f"实收金额不足：应收￥{format_yuan(total)}，实收￥{format_yuan(tendered_fen)}",
            code="tendered_short",
        )
    if tendered_fen > total + 10_000_00:
        raise Invalid("实收金额过大，请核对", code="tendered_too_much")


def _take(
    session: Session,
    actor: Actor,
    settings: DuesSettings,
    member: Member,
    key: str,
    months: list[str] | None,
    count: int | None,
    method: PaymentMethod,
    today: date,
    expected_total_fen: int | None,
    tendered_fen: int | None,
) -> Payment:
    overdue = ledger.months_owed(session, member.id, today)  # the slip's warning follows it
    rows = _choose_months(session, actor, settings, member, today, months, count)
    amounts = [(r, (r.due_fen or 0) - r.paid_fen) for r in rows]
    total = sum(a for _, a in amounts)
    if expected_total_fen is not None and expected_total_fen != total:
        raise Conflict(
            f"应缴金额已变为￥{format_yuan(total)}（页面显示￥{format_yuan(expected_total_fen)}），"
            "请核对后重新提交",
            code="total_changed",
            details={"total": format_yuan(total)},
        )
    _check_tendered(method, total, tendered_fen)
    seq = next_slip_seq(session, today.year)
    now = utcnow()
    payment = Payment(
        slip_year=today.year,
        slip_seq=seq,
        member_id=member.id,
        org_id=member.org_id,
        amount_fen=total,
        method=method.value,
        idempotency_key=key,
        operator=actor.name,  # the user name: day closes and voids match on it
        created_at=now,
        overdue_months=overdue,
        tendered_fen=tendered_fen,
    )
    session.add(payment)
    session.flush()
    for row, amount in amounts:
        session.add(PaymentItem(payment=payment, year=row.year, month=row.month, amount_fen=amount))
        row.paid_fen += amount
        row.paid_at = now
        row.payment_id = payment.id
    session.flush()
    audit.record(
        session,
        actor,
        "payment.create",
        "payment",
        payment.id,
        after={
            "slip_no": payment.slip_no,
            "member_id": member.id,
            "amount_fen": total,
            "method": method.value,
            "tendered_fen": tendered_fen,
            "months": [month_key(r.year, r.month) for r in rows],
        },
    )
    return payment


def get_payment(session: Session, actor: Actor, payment_id: int) -> Payment:
    """The payment, if its member is in the actor's scope; otherwise it looks not found."""
    payment = session.get(Payment, payment_id)
    if payment is not None:
        try:
            scope.get_member(session, actor, payment.member_id)
        except NotFound:
            payment = None
    if payment is None:
        raise NotFound("未找到该笔缴费，或不在您的管理范围内", code="payment_not_found")
    return payment


def member_payments(session: Session, member_id: int, *, limit: int = 100) -> list[Payment]:
    return list(
        session.scalars(
            select(Payment)
            .where(Payment.member_id == member_id)
            .order_by(Payment.created_at.desc(), Payment.id.desc())
            .limit(limit)
        )
    )


def void_payment(
    session: Session,
    actor: Actor,
    payment: Payment,
    reason: str,
    *,
    approved_by: str | None = None,
) -> Payment:
    """作废: reverse exactly the months this payment paid. The slip number stays used.

    This is the reversal itself; staff go through ``voids.void``, which adds the age limit and
    the second person's approval once the day is closed or the payment remitted. A remitted
    payment is refused here too unless ``approved_by`` names the approver."""
    if approved_by is None and day_close.remitted(session, payment):
        raise Conflict(
            f"凭条{payment.slip_no}已汇缴，作废须经党委或区级工作人员审批",
            code="void_needs_approval",
        )
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("作废缴费须填写原因", code="reason_missing")
    if len(reason) > 200:
        raise Invalid("原因不能超过200个字", code="reason_too_long")
    lock_member(session, payment.member_id)
    locked = session.scalar(
        select(Payment)
        .where(Payment.id == payment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert locked is not None
    payment = locked
    if payment.voided:
        raise Conflict(f"凭条{payment.slip_no}已经作废", code="already_voided")
    before = audit.snapshot(payment)
    for item in payment.items:
        row = session.scalar(
            select(DuesMonth).where(
                DuesMonth.member_id == payment.member_id,
                DuesMonth.year == item.year,
                DuesMonth.month == item.month,
                DuesMonth.payment_id == payment.id,
            )
        )
        if row is None or row.paid_fen < item.amount_fen:
            raise Conflict(
                f"{month_label(item.year, item.month)}的账目与该笔缴费不符，不能自动作废，"
                "请联系管理员",
                code="ledger_mismatch",
            )
        row.paid_fen -= item.amount_fen
        if row.paid_fen == 0:
            row.paid_at = None
            row.payment_id = None
    payment.voided = True
    payment.void_reason = reason
    payment.voided_at = utcnow()
    payment.voided_by = actor.name
    session.flush()
    audit.record(
        session,
        actor,
        "payment.void",
        "payment",
        payment.id,
        before=before,
        after={
            **audit.snapshot(payment),
            "months": [month_key(i.year, i.month) for i in payment.items],
            "approved_by": approved_by,
        },
    )
    return payment
