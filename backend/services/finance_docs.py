"""Printable documents of the finance desk: the remittance detail list and the live ledger
print (as ``exports.Sheet``: the console shows the sheet, ``exports`` turns the same sheet into
xlsx or PDF), and the fund's receipt (a print document) and certificate (PDF).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date
from zoneinfo import ZoneInfo

from sqlalchemy import and_, case, func, select
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
from backend.services.exports import Column, Section, Sheet, letter_pdf
from backend.services.fund import METHODS
from backend.services.ledger import MonthState, month_state, owed_condition
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
    # One set-based query: the database turns a year's months (1,200,000 rows for a district of
    # 100,000 members) into one row per member and branch, twelve months side by side; no ORM
    # objects (docs/transactions.md, "Exports"). A second one sums every year's arrears.
    per_month = []
    for month in range(1, 13):
        here = DuesMonth.month == month
        per_month += [
            func.count(case((here, 1))),
            func.max(case((here, DuesMonth.due_fen))),
            func.max(case((here, DuesMonth.paid_fen))),
            func.max(case((and_(here, DuesMonth.waived), 1), else_=0)),
        ]
    keys = (
        Organization.id,
        Organization.name,
        Organization.code,
        Member.id,
        Member.card_no,
        Member.member_no,
        Member.name,
        Member.sex,
        Member.monthly_dues_fen,
    )
    first_month = len(keys)
    rows = session.execute(
        select(*keys, *per_month)
        .select_from(DuesMonth)
        .join(Member, Member.id == DuesMonth.member_id)
        .join(Organization, Organization.id == DuesMonth.org_id)
        .where(DuesMonth.year == year, Organization.path.startswith(org.path, autoescape=True))
        .group_by(*keys)
        .order_by(Organization.code, Member.card_no, Member.id)
        .execution_options(yield_per=5000)
    )
    owed_total = _arrears_by_line(session, org, today)
    grouped: dict[int, list[_LedgerLine]] = defaultdict(list)
    orgs: dict[int, str] = {}
    for r in rows:
        org_id, member_id = r[0], r[3]
        if org_id not in orgs:
            orgs[org_id] = f"{r[1]}（{r[2]}）"
        line = _LedgerLine(r[4], r[5], r[6], _SEX.get(r[7] or "", ""), r[8])
        line.total_arrears_fen = owed_total.get((org_id, member_id), 0)
        grouped[org_id].append(line)
        for month in range(1, 13):
            at = first_month + 4 * (month - 1)
            present, due, paid, waived = r[at : at + 4]
            if present:
                _ledger_month(line, month, due, paid or 0, bool(waived), year, today)
    body: list[Sequence[object] | Section] = []
    all_lines: list[_LedgerLine] = []
    for branch_id, lines in grouped.items():
        body.append(Section(orgs[branch_id]))
        body.extend(line.values() for line in lines)
        all_lines.extend(lines)
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


def _ledger_month(
    line: _LedgerLine, month: int, due: int | None, paid: int, waived: bool, year: int, today: date
) -> None:
    state = month_state(waived, due, paid, year, month, today)
    overdue = state is MonthState.UNPAID and (year, month) < (today.year, today.month)
    if not waived:
        line.due_fen += due or 0
    line.paid_fen += paid
    if state is MonthState.PAID:
        line.cells[month - 1] = format_yuan(paid)
    else:
        line.cells[month - 1] = "欠" if overdue else _CELL[state]
    if overdue:
        line.arrears_fen += (due or 0) - paid


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
