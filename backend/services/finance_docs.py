"""Printable documents of the finance desk: the remittance detail list and the live ledger
print (as ``exports.Sheet``: the console shows the sheet, ``exports`` turns the same sheet into
xlsx or PDF; the ledger print lives in ``ledger_print``), and the fund's receipt (a print
document) and certificate (PDF).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.models import (
    Donation,
    DonorKind,
    FundReceipt,
    Member,
    Payment,
    PaymentItem,
    RemittanceBatch,
    RemittanceItem,
    RemittanceItemKind,
)
from backend.services.exports import Column, Section, Sheet, letter_pdf
from backend.services.fund import METHODS
from backend.services.ledger_print import ledger_sheet as ledger_sheet  # its old home
from backend.services.money import amount_in_capitals, format_yuan
from backend.settings import DuesSettings
from devices.printer.document import PrintDocument


def _percent(bp: int) -> str:
    return f"{bp / 100:g}%"


def batch_sheet(
    session: Session,
    batch: RemittanceBatch,
    settings: DuesSettings,
    *,
    printed_on: date,
    printed_by: str,
) -> Sheet:
    """汇缴明细表: every payment item of the batch, grouped by the organization that collected."""
    # One query of plain columns, no ORM objects (a year's batch has 20,000 lines or more).
    rows = session.execute(
        select(
            RemittanceItem.source_org_id,
            RemittanceItem.kind,
            RemittanceItem.amount_fen,
            Payment.slip_year,
            Payment.slip_seq,
            Payment.created_at,
            Member.name,
            PaymentItem.year,
            PaymentItem.month,
        )
        .join(Payment, Payment.id == RemittanceItem.payment_id)
        .join(Member, Member.id == Payment.member_id)
        .join(PaymentItem, PaymentItem.id == RemittanceItem.payment_item_id)
        .where(RemittanceItem.batch_id == batch.id)
        .order_by(Payment.slip_year, Payment.slip_seq, PaymentItem.year, PaymentItem.month)
        .execution_options(yield_per=5000)
    )
    by_source: dict[int, list[Sequence[object]]] = defaultdict(list)
    zone = ZoneInfo(settings.timezone)  # to_local's conversion, with the zone looked up once
    for source_id, kind, amount, slip_year, slip_seq, created_at, name, year, month in rows:
        received = created_at.replace(tzinfo=UTC).astimezone(zone)
        by_source[source_id].append(
            [
                f"{slip_year}{slip_seq:06d}",  # Payment.slip_no
                name,
                f"{year}年{month}月",
                received.date().isoformat(),
                amount,
                "收缴" if kind is RemittanceItemKind.COLLECTION else "作废更正",
            ]
        )
    body: list[Sequence[object] | Section] = []
    for line in batch.lines:
        org = line.source_org
        body.append(
            Section(
                f"{org.name}（{org.code}）：收缴{format_yuan(line.collected_fen)}元，"
                f"更正{format_yuan(line.correction_fen)}元，上缴比例{_percent(line.share_bp)}，"
                f"上缴{format_yuan(line.upward_fen)}元，留存{format_yuan(line.retained_fen)}元"
            )
        )
        body.extend(by_source[line.source_org_id])
    net = batch.collected_fen + batch.correction_fen
    return Sheet(
        title=f"{batch.org.name}党费汇缴明细表",
        columns=[
            Column("凭条号", width=14),
            Column("党员", width=10),
            Column("所属月份", width=11),
            Column("收款日期", width=11),
            Column("金额（元）", "money", 11),
            Column("类别", width=9),
        ],
        rows=body,
        header_lines=[
            f"批次号：{batch.batch_no}　期间：{batch.year}年{batch.start_month}月至"
            f"{batch.end_month}月　状态：{batch.state.label}",
            f"含截至{batch.cutoff:%Y年%m月%d日}收取、尚未汇缴的党费，及已汇缴后又作废的更正。",
        ],
        total=["", "合计", "", "", net, ""],
        footer_lines=[
            f"本批上缴：{format_yuan(batch.upward_fen)}元（大写：{amount_in_capitals(batch.upward_fen)}）"
            f"　留存：{format_yuan(batch.retained_fen)}元",
            f"经办人：{batch.created_by}　复核人：________　制表日期：{printed_on:%Y年%m月%d日}"
            f"　打印：{printed_by}",
        ],
    )


# --- the fund's receipt and certificate -----------------------------------------------------


def donation_rows(donation: Donation, receipt: FundReceipt) -> list[tuple[str, str]]:
    rows = [
        ("收据编号", receipt.receipt_no),
        ("捐赠人" if donation.donor_kind is DonorKind.PERSON else "捐赠单位", donation.donor_name),
    ]
    if donation.unit:
        rows.append(("工作单位", donation.unit))
    rows += [
        ("捐赠金额", f"￥{format_yuan(donation.amount_fen)}"),
        ("金额大写", amount_in_capitals(donation.amount_fen)),
        ("捐赠类型", "定向捐赠" if donation.directed else "非定向捐赠"),
    ]
    if donation.directed and donation.purpose:
        rows.append(("定向用途", donation.purpose))
    rows += [
        ("接收组织", donation.receiving_org.name),
        ("捐赠方式", METHODS.get(donation.method, donation.method)),
        ("捐赠日期", f"{donation.donated_on:%Y年%m月%d日}"),
        ("经办人", receipt.issued_by),
    ]
    return rows


def donation_receipt(donation: Donation, receipt: FundReceipt, center_name: str) -> PrintDocument:
    """党建基金捐赠收据 for the counter's receipt printer."""
    doc = PrintDocument("党建基金捐赠收据")
    doc.text(center_name, align="center")
    doc.rule()
    for key, value in donation_rows(donation, receipt):
        doc.kv(key, value)
    if donation.voided:
        doc.rule().text(f"本收据已作废：{receipt.void_reason or ''}", bold=True)
    doc.rule().text("感谢您对党建工作的支持！", align="center").cut()
    return doc


def donation_certificate_pdf(
    donation: Donation, receipt: FundReceipt, center_name: str, *, issued_on: date
) -> bytes:
    """捐赠证书 (PDF): thanks in the donor's name, with the amount in capitals."""
    if donation.voided:
        raise Conflict(f"收据{receipt.receipt_no}已作废，不能出具捐赠证书", code="donation_voided")
    honorific = "同志" if donation.donor_kind is DonorKind.PERSON else ""
    use = f"，定向用于{donation.purpose}" if donation.directed and donation.purpose else ""
    body = (
        f"您于{donation.donated_on:%Y年%m月%d日}向{donation.receiving_org.name}党建基金捐赠人民币"
        f"{amount_in_capitals(donation.amount_fen)}（￥{format_yuan(donation.amount_fen)}）{use}。"
        "您的善举为基层党组织建设和服务党员群众贡献了力量。"
    )
    return letter_pdf(
        "捐赠证书",
        [f"{donation.donor_name}{honorific}：", body, "特发此证，谨致谢忱！"],
        number=f"No. {receipt.receipt_no}",
        signature=[center_name, f"{issued_on:%Y年%m月%d日}"],
    )
