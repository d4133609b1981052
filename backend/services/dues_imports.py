"""Bulk dues payments from a branch's spreadsheet (支部批量录入党费), one branch at a time.

Each row is one member-month: 身份证号 or 卡号, 年, 月, 金额, 缴费日期. Every row is checked
against the ledger before anything is written (the month exists, is due, not yet paid, and the
amount is exactly what is owed), and one bad row stops the whole file. A good file becomes real
payments: the rows of one member paid on one day form one ``Payment`` with its slip number from
the gap-free sequence of that year, its ``PaymentItem`` rows, the ledger months marked paid and
an audit row per payment. It is written set-based, so 100,000 rows take seconds, not minutes.

See docs/dues.md.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Forbidden, Invalid
from backend.models import DuesMonth, Member, Organization, OrgType, PaymentMethod
from backend.services import audit, hall_clock
from backend.services.actor import Actor
from backend.services.bulk import (
    BATCH,
    NewPayment,
    PaidMonth,
    take_slip_numbers,
    write_payments,
)
from backend.services.idnumber import parse_id_number
from backend.services.import_report import (
    ImportRejected,
    ImportReport,
    Progress,
    RowCells,
    RowError,
    missing_columns,
    row_number,
)
from backend.services.import_rows import (
    DUES_COLUMNS,
    parse_amount,
    parse_code,
    parse_date,
    parse_int,
)
from backend.services.money import format_yuan
from backend.services.scope import path_in_scope
from backend.settings import DuesSettings


@dataclass(frozen=True)
class DuesRow:
    row_number: int
    member_id: int
    ledger_id: int
    year: int
    month: int
    amount_fen: int
    paid_fen_before: int
    paid_on: date


@dataclass(frozen=True)
class DuesImportResult:
    payments: int
    months: int
    amount_fen: int
    slip_numbers: list[str]  # first and last of each slip year, e.g. ["2026000101", "2026000340"]


@dataclass
class _Ledger:
    """The branch's members and ledger months, loaded in two queries for the whole file."""

    by_id_number: dict[str, int]
    by_card_no: dict[int, int]
    months: dict[tuple[int, int, int], tuple[int, int | None, int, bool]]


def check_branch(actor: Actor, branch: Organization) -> None:
    if branch.type is not OrgType.BRANCH:
        raise Invalid("党费按党支部导入，请选择一个党支部", code="org_not_branch")
    if not path_in_scope(actor, branch.path):
        raise Forbidden("该党支部不在您的管理范围内", code="out_of_scope")


def _load(session: Session, branch: Organization, years: set[int], lock: bool) -> _Ledger:
    members = select(Member.id, Member.id_number, Member.card_no).where(
        Member.org_id == branch.id, Member.archived.is_(False)
    )
    if lock:
        # Every writer of a member's ledger locks the member row first (dues_year.lock_member).
        members = members.with_for_update()
    by_id_number, by_card_no = {}, {}
    for member_id, id_number, card_no in session.execute(members):
        by_id_number[id_number] = member_id
        if card_no and card_no.isdigit():
            by_card_no[int(card_no)] = member_id
    months = {}
    if years:
        for row in session.execute(
            select(
                DuesMonth.id,
                DuesMonth.member_id,
                DuesMonth.year,
                DuesMonth.month,
                DuesMonth.due_fen,
                DuesMonth.paid_fen,
                DuesMonth.waived,
            )
            .join(Member, DuesMonth.member_id == Member.id)
            .where(
                Member.org_id == branch.id,
                Member.archived.is_(False),
                DuesMonth.year.in_(sorted(years)),
            )
        ):
            months[(row.member_id, row.year, row.month)] = (
                row.id,
                row.due_fen,
                row.paid_fen,
                row.waived,
            )
    return _Ledger(by_id_number, by_card_no, months)


def _card_no(value: object) -> int | None:
    text = parse_code(value)
    if text is None:
        return None
    if not text.isdigit():
        raise Invalid(f"卡号应为数字：{text}", code="card_no_format")
    return int(text)


class _IdNumbers:
    """ID numbers repeat on every month of a member: check each distinct one once."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.cache: dict[str, str | Invalid] = {}

    def __call__(self, value: object) -> str | None:
        text = parse_code(value)
        if text is None:
            return None
        found = self.cache.get(text)
        if found is None:
            try:
                found = parse_id_number(text, today=self.today).number
            except Invalid as exc:
                found = exc
            self.cache[text] = found
        if isinstance(found, Invalid):
            raise found
        return found


def _dues_row(
    row: Mapping[str, Any], number: int, ledger: _Ledger, ids: _IdNumbers, today: date
) -> tuple[DuesRow | None, list[RowError]]:
    cells = RowCells(row, number)
    id_number = cells.get("身份证号", ids)
    card_no = cells.get("卡号", _card_no)
    year = cells.get("年", parse_int, 2000, today.year + 1, "年", required=True)
    month = cells.get("月", parse_int, 1, 12, "月", required=True)
    amount = cells.get("金额", parse_amount, required=True)
    paid_on = cells.get("缴费日期", parse_date, required=True)
    if paid_on is not None and paid_on > today:
        cells.fail("缴费日期", "缴费日期不能晚于今天")
    member_id = None
    if id_number is not None:
        member_id = ledger.by_id_number.get(id_number)
        if member_id is None:
            cells.fail("身份证号", "本支部在册党员中没有该身份证号")
    if card_no is not None:
        by_card = ledger.by_card_no.get(card_no)
        if by_card is None:
            cells.fail("卡号", "本支部在册党员中没有该卡号")
        elif member_id is not None and by_card != member_id:
            cells.fail("卡号", "卡号与身份证号不是同一名党员")
        member_id = member_id or by_card
    elif not cells.errors and id_number is None:
        cells.fail("身份证号", "身份证号和卡号至少填一项")
    if cells.errors:
        return None, cells.errors
    assert member_id is not None and year and month and amount is not None and paid_on
    found = ledger.months.get((member_id, year, month))
    if found is None:
        cells.fail(
            "月", f"该党员没有{year}年{month}月的党费台账（年度台账尚未建立或当时不在本支部）"
        )
        return None, cells.errors
    ledger_id, due, paid, waived = found
    if waived:
        cells.fail("月", f"{year}年{month}月党费已减免，无需缴纳")
    elif due is None:
        cells.fail("月", f"{year}年{month}月党费尚待核定，暂不能缴纳")
    elif paid >= due:
        cells.fail("月", f"{year}年{month}月党费已缴纳")
    elif amount != due - paid:
        cells.fail("金额", f"金额{format_yuan(amount)}元与该月应缴{format_yuan(due - paid)}元不符")
    if cells.errors:
        return None, cells.errors
    return DuesRow(number, member_id, ledger_id, year, month, amount, paid, paid_on), []


def preview_dues(
    session: Session,
    actor: Actor,
    branch: Organization,
    rows: Iterable[Mapping[str, Any]],
    *,
    today: date | None = None,
    progress: Progress | None = None,
    lock: bool = False,
) -> ImportReport[DuesRow]:
    """Check every row of a branch's dues file against that branch's members and ledger."""
    check_branch(actor, branch)
    rows = list(rows)
    today = today or hall_clock.today()
    report: ImportReport[DuesRow] = ImportReport(len(rows))
    report.errors.extend(missing_columns(rows, DUES_COLUMNS))
    if rows and not any(c in rows[0] for c in ("身份证号", "卡号")):
        report.errors.append(RowError(1, "身份证号", "缺少“身份证号”或“卡号”列"))
    if report.errors:
        return report
    years = set()
    for row in rows:
        try:
            years.add(parse_int(row.get("年"), 2000, today.year + 1, "年"))
        except Invalid:
            pass
    ledger = _load(session, branch, {y for y in years if y}, lock)
    ids = _IdNumbers(today)
    first_seen: dict[tuple[int, int, int], int] = {}
    for index, row in enumerate(rows):
        number = row_number(row, index)
        parsed, errors = _dues_row(row, number, ledger, ids, today)
        if parsed is not None:
            key = (parsed.member_id, parsed.year, parsed.month)
            earlier = first_seen.setdefault(key, number)
            if earlier != number:
                errors = [RowError(number, "月", f"与第{earlier}行重复：同一党员同一月份")]
                parsed = None
        report.errors.extend(errors)
        if parsed is not None:
            report.ok_rows.append(parsed)
        if progress and (index + 1) % (BATCH * 10) == 0:
            progress("校验", index + 1, len(rows))
    if progress:
        progress("校验", len(rows), len(rows))
    return report


def _paid_at(day: date, dues: DuesSettings) -> datetime:
    """Noon of the payment day in the hall's time zone, stored as naive UTC like every stamp."""
    return hall_clock.local_moment_utc(day, time(12), dues.timezone)


def import_dues(
    session: Session,
    actor: Actor,
    branch: Organization,
    rows: Iterable[Mapping[str, Any]],
    *,
    dues: DuesSettings | None = None,
    method: PaymentMethod | str = PaymentMethod.CASH,
    today: date | None = None,
    progress: Progress | None = None,
) -> DuesImportResult:
    """All-or-nothing: record every row of the file as paid, grouped into payments with slips."""
    dues = dues or DuesSettings()
    method = PaymentMethod(method)
    report = preview_dues(session, actor, branch, rows, today=today, progress=progress, lock=True)
    if not report.ok:
        raise ImportRejected(report)
    groups: dict[tuple[int, date], list[DuesRow]] = {}
    for dues_row in report.ok_rows:
        groups.setdefault((dues_row.member_id, dues_row.paid_on), []).append(dues_row)
    ordered = sorted(groups.items(), key=lambda kv: (kv[0][1], kv[1][0].row_number))
    batch = uuid.uuid4().hex[:12]
    next_seq: dict[int, int] = {}
    for year in sorted({paid_on.year for (_m, paid_on), _r in ordered}):
        count = sum(1 for (_m, paid_on), _r in ordered if paid_on.year == year)
        next_seq[year] = take_slip_numbers(session, year, count)
    payments = []
    for index, ((member_id, paid_on), items) in enumerate(ordered):
        seq = next_seq[paid_on.year]
        next_seq[paid_on.year] += 1
        months = [
            PaidMonth(i.ledger_id, i.year, i.month, i.amount_fen, i.paid_fen_before + i.amount_fen)
            for i in sorted(items, key=lambda r: (r.year, r.month))
        ]
        payments.append(
            NewPayment(
                member_id,
                branch.id,
                paid_on.year,
                seq,
                method.value,
                f"import-{batch}-{index}",
                actor.name,
                _paid_at(paid_on, dues),
                months,
            )
        )
    write_payments(session, actor, "payment.import", payments, progress)
    slips: dict[int, list[str]] = {}
    for p in payments:
        slips.setdefault(p.slip_year, []).append(f"{p.slip_year}{p.slip_seq:06d}")
    total = sum(m.amount_fen for p in payments for m in p.months)
    audit.record(
        session,
        actor,
        "import.dues",
        "organization",
        branch.id,
        after={"rows": report.total_rows, "payments": len(payments), "amount_fen": total},
    )
    session.flush()
    ranges = [n for numbers in slips.values() for n in (numbers[0], numbers[-1])]
    return DuesImportResult(len(payments), len(report.ok_rows), total, ranges)
