"""The live ledger print (当年党费收缴台账) of a 党委, 总支 or branch as an ``exports.Sheet``: the
console shows it, ``exports`` turns the same sheet into xlsx or PDF.

At district scale (100,000 members, 1,200,000 month rows a year) this is the biggest export,
so it is written for speed (docs/transactions.md, "Exports"): ONE set-based query in which the
database groups the month rows by member and branch — by their two ids, the names joined after
— with the year's twelve months side by side and every year's arrears in the same pass; then
one plain loop per line, the month rule of ``ledger.month_state`` spelled out inline.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from backend.models import DuesMonth, Member, Organization
from backend.services.ledger import MonthState, owed_condition
from backend.services.money import format_yuan
from backend.services.sheets import Column, Section, Sheet

_CELL = {
    MonthState.UNPAID: "未交",
    MonthState.NOT_DUE: "",
    MonthState.PENDING: "待定",
    MonthState.WAIVED: "免",
    MonthState.NONE: "—",
}
_OVERDUE = "欠"
_SEX = {"M": "男", "F": "女"}


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


def _ledger_rows(session: Session, org: Organization, year: int, today: date) -> Any:
    """One row per (branch, member) with a month row in ``year``: the branch's id, name and
    code, the member's id, card no., member no., name, sex and monthly dues, then per month
    (kept, due, paid) — kept is NULL without a month row, 2 for a waived month, else 1 —
    then everything owed for past months, all years, under that branch (each month counts
    under the organization in its ledger row, so the column adds up). Three aggregates a
    month, not four: the database evaluates each for every one of the 1,200,000 month rows."""
    this_year = DuesMonth.year == year
    per_month = []
    for month in range(1, 13):
        here = and_(this_year, DuesMonth.month == month)
        per_month += [
            func.max(case((here, case((DuesMonth.waived, 2), else_=1)))).label(f"kept{month}"),
            func.max(case((here, DuesMonth.due_fen))).label(f"due{month}"),
            func.max(case((here, DuesMonth.paid_fen))).label(f"paid{month}"),
        ]
    owed = case((owed_condition(today), DuesMonth.due_fen - DuesMonth.paid_fen), else_=0)
    months = (
        select(
            DuesMonth.org_id.label("org_id"),
            DuesMonth.member_id.label("member_id"),
            *per_month,
            func.sum(owed).label("owed"),
        )
        .join(Organization, Organization.id == DuesMonth.org_id)
        .where(Organization.path.startswith(org.path, autoescape=True))
        .group_by(DuesMonth.org_id, DuesMonth.member_id)
        .having(func.count(case((this_year, 1))) > 0)
        .subquery()
    )
    month_columns = [c for c in months.c if c.name not in ("org_id", "member_id")]
    return session.execute(
        select(
            Organization.id,
            Organization.name,
            Organization.code,
            Member.id,
            Member.card_no,
            Member.member_no,
            Member.name,
            Member.sex,
            Member.monthly_dues_fen,
            *month_columns,
        )
        .select_from(months)
        .join(Member, Member.id == months.c.member_id)
        .join(Organization, Organization.id == months.c.org_id)
        .order_by(Organization.code, Member.card_no, Member.id)
        .execution_options(yield_per=5000)
    )


def ledger_sheet(
    session: Session, org: Organization, year: int, today: date, *, printed_by: str
) -> Sheet:
    """当年党费收缴台账 of a 党委, 总支 or branch: one line per member and branch, as of now,
    with the ledger's columns (卡号, 党员编号, 姓名, 性别, 月交 …) and 累计欠交 across years."""
    # ``month_state`` inline: months up to ``current`` are due, those before it are past.
    if year < today.year:
        current, last_past = 12, 12
    elif year == today.year:
        current, last_past = today.month, today.month - 1
    else:
        current, last_past = 0, 0
    waived_text, pending_text = _CELL[MonthState.WAIVED], _CELL[MonthState.PENDING]
    unpaid_text, not_due_text = _CELL[MonthState.UNPAID], _CELL[MonthState.NOT_DUE]
    yuan: dict[int, str] = {}  # few distinct amounts: each formatted once
    grouped: dict[int, list[_LedgerLine]] = defaultdict(list)
    orgs: dict[int, str] = {}
    for r in _ledger_rows(session, org, year, today):
        org_id = r[0]
        if org_id not in orgs:
            orgs[org_id] = f"{r[1]}（{r[2]}）"
        line = _LedgerLine(r[4], r[5], r[6], _SEX.get(r[7] or "", ""), r[8])
        line.total_arrears_fen = int(r[-1] or 0)
        cells = line.cells
        due_total = paid_total = arrears = 0
        for month in range(1, 13):
            at = 6 + 3 * month  # the first month's three columns follow the nine keys
            kept = r[at]
            if kept is None:
                continue
            due, paid = r[at + 1], r[at + 2] or 0
            paid_total += paid
            if kept == 2:  # waived
                cells[month - 1] = waived_text
                continue
            if due is None:
                cells[month - 1] = pending_text
                continue
            due_total += due
            if paid >= due:
                text = yuan.get(paid)
                if text is None:
                    text = yuan[paid] = format_yuan(paid)
                cells[month - 1] = text
            elif month > current:
                cells[month - 1] = not_due_text
            elif month <= last_past:
                cells[month - 1] = _OVERDUE
                arrears += due - paid
            else:
                cells[month - 1] = unpaid_text
        line.due_fen, line.paid_fen, line.arrears_fen = due_total, paid_total, arrears
        grouped[org_id].append(line)
    return _sheet(org, year, today, printed_by, orgs, grouped)


def _sheet(
    org: Organization,
    year: int,
    today: date,
    printed_by: str,
    orgs: dict[int, str],
    grouped: dict[int, list[_LedgerLine]],
) -> Sheet:
    body: list[Sequence[object] | Section] = []
    total = _LedgerLine(None, None, "合计", "", None, cells=[""] * 12)
    for branch_id, lines in grouped.items():
        body.append(Section(orgs[branch_id]))
        for line in lines:
            body.append(line.values())
            total.due_fen += line.due_fen
            total.paid_fen += line.paid_fen
            total.arrears_fen += line.arrears_fen
            total.total_arrears_fen += line.total_arrears_fen
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
