"""Dues slips: their gap-free numbers, and the print documents for the 缴费凭条 (payment slip)
(the kiosk's 缴费明细 is ``kiosk_statement``).

Slip numbers come from ``slip_sequences``, one row per year, incremented inside the payment's
own transaction (``UPDATE … RETURNING`` holds the row lock until commit): a rolled-back payment
gives its number back, so a year's numbers have no gaps; a voided payment keeps its number.

Documents are device-neutral (``devices.printer.document``): the kiosk or counter hands them to
its printer. A slip is rebuilt from what the payment stored (organization at the time, months,
amounts, the overdue count when it was taken), so a reprint says what the original said, plus
补打. Names are masked: a slip may be left lying on the counter.

See docs/dues.md.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.models import Member, Organization, Payment, PaymentMethod, SlipSequence
from backend.services import audit, ledger, sequences, users
from backend.services.actor import Actor
from backend.services.dues_year import hall_now, to_local
from backend.services.masking import mask_name
from backend.services.money import amount_in_capitals, format_yuan
from backend.services.verify import slip_url
from backend.settings import Settings
from devices.printer.document import PrintDocument

SLIP_TITLE = "党费缴费凭条"


def next_slip_seq(session: Session, year: int) -> int:
    """Take the next slip number of ``year`` inside the current transaction (gap-free)."""
    return sequences.take(session, SlipSequence, year)


def record_reprint(session: Session, actor: Actor, payment: Payment) -> Payment:
    """Count a reprint (补打) of the payment's slip."""
    if payment.voided:
        raise Conflict(f"凭条{payment.slip_no}已作废，不能补打", code="payment_voided")
    session.execute(
        update(Payment)
        .where(Payment.id == payment.id)
        .values(reprints=Payment.reprints + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(payment, ["reprints"])
    audit.record(
        session,
        actor,
        "payment.reprint",
        "payment",
        payment.id,
        after={"slip_no": payment.slip_no, "reprints": payment.reprints},
    )
    return payment


def yuan(fen: int | None) -> str:
    return "—" if fen is None else f"￥{format_yuan(fen)}"


def _months_text(payment: Payment) -> str:
    """'2026年1月—3月', '2025年12月—2026年2月', or a list when the months are not contiguous."""
    keys = [(i.year, i.month) for i in payment.items]
    indices = [y * 12 + m - 1 for y, m in keys]
    contiguous = indices == list(range(indices[0], indices[0] + len(indices)))
    if len(keys) == 1:
        return f"{keys[0][0]}年{keys[0][1]}月"
    if contiguous:
        (y1, m1), (y2, m2) = keys[0], keys[-1]
        return f"{y1}年{m1}月—{m2}月" if y1 == y2 else f"{y1}年{m1}月—{y2}年{m2}月"
    return "、".join(f"{y}年{m}月" for y, m in keys)


def payment_slip(
    session: Session, settings: Settings, payment: Payment, *, reprint: bool = False
) -> PrintDocument:
    """The 缴费凭条 for a payment: center, number, masked payer, organization, months and
    amounts, total in figures and capitals, operator, time, the warning, and a QR code."""
    member = session.get(Member, payment.member_id)
    org = session.get(Organization, payment.org_id)
    assert member is not None and org is not None
    title = SLIP_TITLE + ("（补打）" if reprint else "")
    doc = PrintDocument(title)
    doc.text(settings.center_name, align="center", bold=True)
    doc.kv("凭条编号", payment.slip_no)
    if reprint:
        doc.kv("补打次数", f"第{max(payment.reprints, 1)}次")
    doc.rule()
    doc.kv("缴费人", mask_name(member.name))
    doc.kv("所在组织", org.name)
    doc.kv("缴费月份", _months_text(payment))
    doc.rule()
    doc.columns(["月份", "金额"], widths=[0.5, 0.5], aligns=["left", "right"], bold=True)
    for item in payment.items:
        doc.columns(
            [f"{item.year}年{item.month:02d}月", yuan(item.amount_fen)],
            widths=[0.5, 0.5],
            aligns=["left", "right"],
        )
    doc.rule()
    doc.kv("合计", yuan(payment.amount_fen), bold=True)
    doc.kv("大写", amount_in_capitals(payment.amount_fen))
    doc.kv("缴费方式", PaymentMethod(payment.method).label)
    if payment.tendered_fen is not None:
        doc.kv("实收", yuan(payment.tendered_fen))
        doc.kv("找零", yuan(payment.tendered_fen - payment.amount_fen))
    doc.kv("经办人", users.full_name_of(session, payment.operator))
    doc.kv("缴费时间", f"{to_local(payment.created_at, settings.dues):%Y-%m-%d %H:%M}")
    if reprint:
        doc.kv("补打时间", f"{hall_now(settings.dues):%Y-%m-%d %H:%M}")
    warning = ledger.warning_for(payment.overdue_months, settings.dues)
    if warning.level == "final":
        doc.rule()
        doc.text(warning.text, bold=True)
    doc.rule()
    doc.qr(slip_url(settings, payment))
    doc.text("扫码核验凭条真伪", align="center")
    doc.cut()
    return doc
