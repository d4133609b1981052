"""Printable documents of the finance desk: the remittance detail list and the live ledger
print (as ``exports.Sheet``: the console shows the sheet, ``exports`` turns the same sheet into
xlsx or PDF), and the fund's receipt (a print document) and certificate (PDF).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.models import (
    Donation,
    DonorKind,
    DuesMonth,
    FundReceipt,
    Member,
    Organization,
    Payment,
    PaymentItem,
    RemittanceBatch,
    RemittanceItem,
    RemittanceItemKind,
)
from backend.services.dues_year import to_local
from backend.services.exports import Column, Section, Sheet, letter_pdf
from backend.services.fund import METHODS
from backend.services.ledger import MonthState, classify, owed_condition
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
    rows = session.execute(
        select(RemittanceItem, Payment, Member.name, PaymentItem.year, PaymentItem.month)
        .join(Payment, Payment.id == RemittanceItem.payment_id)
        .join(Member, Member.id == Payment.member_id)
        .join(PaymentItem, PaymentItem.id == RemittanceItem.payment_item_id)
        .where(RemittanceItem.batch_id == batch.id)
        .order_by(Payment.slip_year, Payment.slip_seq, PaymentItem.year, PaymentItem.month)
    ).all()
    by_source: dict[int, list[Sequence[object]]] = defaultdict(list)
    for item, payment, name, year, month in rows:
        kind = "收缴" if item.kind is RemittanceItemKind.COLLECTION else "作废更正"
        received = to_local(payment.created_at, settings)
        by_source[item.source_org_id].append(
            [
                payment.slip_no,
                name,
                f"{year}年{month}月",
                f"{received:%Y-%m-%d}",
                item.amount_fen,
                kind,
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


_CELL = {
    MonthState.UNPAID: "未交",
    MonthState.NOT_DUE: "",
    MonthState.PENDING: "待定",
    MonthState.WAIVED: "免",
    MonthState.NONE: "—",
}


@dataclass
class _LedgerLine:
    card_no: str | None
    member_no: str | None
    name: str
    sex: str
    monthly_fen: int | None
    due_fen: int = 0
    paid_fen: int = 0
    arrears_fen: int = 0  # this year's past months still owed
    total_arrears_fen: int = 0  # every year's, for the months kept by this organization
    cells: list[str] = field(default_factory=lambda: ["—"] * 12)

    def values(self) -> list[object]:
        return [
            self.card_no,
            self.member_no,
            self.name,
            self.sex,
            self.monthly_fen,
            self.due_fen,
            self.paid_fen,
            *self.cells,
            self.arrears_fen,
            self.total_arrears_fen,
        ]


_SEX = {"M": "男", "F": "女"}


def _arrears_by_line(
    session: Session, org: Organization, today: date
) -> dict[tuple[int, int], int]:
    """(branch id, member id) → everything owed for past months, all years, under that branch:
    each month counts under the organization in its ledger row, so the column adds up."""
    rows = session.execute(
        select(
            DuesMonth.org_id, DuesMonth.member_id, func.sum(DuesMonth.due_fen - DuesMonth.paid_fen)
        )
        .join(Organization, Organization.id == DuesMonth.org_id)
        .where(Organization.path.startswith(org.path, autoescape=True), owed_condition(today))
        .group_by(DuesMonth.org_id, DuesMonth.member_id)
    )
    return {(int(o), int(m)): int(total or 0) for o, m, total in rows}


def ledger_sheet(
    session: Session, org: Organization, year: int, today: date, *, printed_by: str
) -> Sheet:
    """当年党费收缴台账 of a 党委, 总支 or branch: one line per member and branch, as of now,
    with the ledger's columns (卡号, 党员编号, 姓名, 性别, 月交 …) and 累计欠交 across years."""
    rows = session.execute(
        select(DuesMonth, Member, Organization)
        .join(Member, Member.id == DuesMonth.member_id)
        .join(Organization, Organization.id == DuesMonth.org_id)
        .where(DuesMonth.year == year, Organization.path.startswith(org.path, autoescape=True))
        .order_by(Organization.code, Member.card_no, Member.id, DuesMonth.month)
    ).all()
    grouped: dict[int, dict[int, _LedgerLine]] = defaultdict(dict)
    orgs: dict[int, Organization] = {}
    for month_row, member, branch in rows:
        orgs[branch.id] = branch
        line = grouped[branch.id].setdefault(
            month_row.member_id,
            _LedgerLine(
                member.card_no,
                member.member_no,
                member.name,
                _SEX.get(member.sex or "", ""),
                member.monthly_dues_fen,
            ),
        )
        state = classify(month_row, today)
        past = (year, month_row.month) < (today.year, today.month)
        if not month_row.waived:
            line.due_fen += month_row.due_fen or 0
        line.paid_fen += month_row.paid_fen
        if state is MonthState.PAID:
            line.cells[month_row.month - 1] = format_yuan(month_row.paid_fen)
        else:
            line.cells[month_row.month - 1] = (
                "欠" if state is MonthState.UNPAID and past else (_CELL[state])
            )
        if state is MonthState.UNPAID and past:
            line.arrears_fen += (month_row.due_fen or 0) - month_row.paid_fen
    owed_total = _arrears_by_line(session, org, today)
    for branch_id, members in grouped.items():
        for member_id, line in members.items():
            line.total_arrears_fen = owed_total.get((branch_id, member_id), 0)
    body: list[Sequence[object] | Section] = []
    all_lines: list[_LedgerLine] = []
    for branch_id, members in grouped.items():
        body.append(Section(f"{orgs[branch_id].name}（{orgs[branch_id].code}）"))
        body.extend(line.values() for line in members.values())
        all_lines.extend(members.values())
    total = _LedgerLine(None, None, "合计", "", None, cells=[""] * 12)
    total.due_fen = sum(line.due_fen for line in all_lines)
    total.paid_fen = sum(line.paid_fen for line in all_lines)
    total.arrears_fen = sum(line.arrears_fen for line in all_lines)
    total.total_arrears_fen = sum(line.total_arrears_fen for line in all_lines)
    return Sheet(
        title=f"{org.name}{year}年党费收缴台账",
        columns=[
            Column("卡号", width=7),
            Column("党员编号", width=17),
            Column("姓名", width=10),
            Column("性别", width=7),
            Column("月交", "money", 7),
            Column("全年应交", "money", 9),
            Column("已交", "money", 9),
            *[Column(f"{m}月", width=6) for m in range(1, 13)],
            Column("本年欠交", "money", 9),
            Column("累计欠交", "money", 9),
        ],
        rows=body,
        header_lines=[
            f"截至{today:%Y年%m月%d日}的实时台账。月份栏：金额为已交，“欠”为逾期未交，"
            "“未交”为本月未交，“免”为减免，“待定”为待核定，空白为未到期，“—”为不在本组织。",
            "本年欠交：本年度截至上月未交；累计欠交：历年截至上月未交（含往年），"
            "均按各月所在组织计入。",
        ],
        total=total.values(),
        footer_lines=[f"打印：{printed_by}　打印日期：{today:%Y年%m月%d日}"],
        landscape=True,
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
