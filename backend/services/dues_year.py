"""Writing the dues ledger: opening a year, opening a member's remaining months, and changing a
member's monthly amount from a given month on.

Opening a year is one ``INSERT … SELECT`` over all members (it must stay fast at 100,000
members) and is idempotent: a member who already has any month of that year is skipped. The
same rule holds for a single member (``open_member_year``), so opening a year for one member
ahead of time (an advance payment into next year) and the district-wide opening never overlap.

See docs/dues.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import (
    ColumnElement,
    Date,
    Insert,
    Integer,
    Subquery,
    and_,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    union_all,
    update,
)
from sqlalchemy.orm import Session, aliased

from backend.db import affected_rows
from backend.errors import Conflict, Invalid
from backend.models import (
    DuesAssessment,
    DuesCategory,
    DuesMonth,
    DuesMonthBackup,
    Member,
    Transfer,
    TransferKind,
)
from backend.models.base import utcnow
from backend.services import audit, dues_pending, hall_clock
from backend.services.actor import Actor
from backend.settings import DuesSettings

LEDGER_COLUMNS = ["member_id", "org_id", "year", "month", "due_fen", "paid_fen", "waived"]
BACKUP_COLUMNS = [
    "backup_label",
    "member_id",
    "org_id",
    "year",
    "month",
    "due_fen",
    "paid_fen",
    "payment_id",
    "taken_at",
]


# --- the hall's calendar -------------------------------------------------------------------


def hall_now(settings: DuesSettings) -> datetime:
    """The hall's wall clock (naive local time), whatever zone the server runs in."""
    return hall_clock.now_local(settings.timezone)


def hall_today(settings: DuesSettings) -> date:
    return hall_now(settings).date()


def to_local(at: datetime, settings: DuesSettings) -> datetime:
    """A stored naive-UTC timestamp as the hall's local (naive) time."""
    return hall_clock.to_local(at, settings.timezone)


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def from_index(index: int) -> tuple[int, int]:
    return index // 12, index % 12 + 1


def parse_month(text: str) -> tuple[int, int]:
    """'2026-03' → (2026, 3)."""
    parts = (text or "").strip().split("-")
    if len(parts) != 2 or not all(p.isascii() and p.isdigit() for p in parts) or len(parts[0]) != 4:
        raise Invalid(f"月份格式应为“年-月”，如 2026-03：{text}", code="month_format")
    year, month = int(parts[0]), int(parts[1])
    if not 1 <= month <= 12:
        raise Invalid(f"月份不存在：{text}", code="month_format")
    _check_year(year)
    return year, month


def month_key(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


def month_label(year: int, month: int) -> str:
    return f"{year}年{month}月"


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise Invalid(f"年度不正确：{year}", code="year")


def from_month_on(year: int, month: int) -> ColumnElement[bool]:
    """SQL condition on ledger rows: (year, month) ≥ the given month."""
    return or_(DuesMonth.year > year, and_(DuesMonth.year == year, DuesMonth.month >= month))


# --- opening ---------------------------------------------------------------------------------


def _months_table(year: int, from_month: int) -> Subquery:
    """The months of a year as a derived table: (month, first day of the following month)."""
    rows = []
    for month in range(from_month, 13):
        following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
        rows.append(
            select(
                literal(month, Integer).label("month"),
                literal(following, Date).label("next_start"),
            )
        )
    return union_all(*rows).subquery("months")


def _not_opened(year: int) -> ColumnElement[bool]:
    """Members without any month of ``year``. ``NOT IN`` rather than ``NOT EXISTS`` on
    purpose: PostgreSQL runs it as one hashed subplan over the statement's snapshot, where a
    correlated anti-join may re-scan the very table the INSERT is filling, once per member."""
    opened = aliased(DuesMonth)
    return Member.id.not_in(select(opened.member_id).where(opened.year == year))


def _covered_by_letter(year: int, month: ColumnElement[int]) -> ColumnElement[bool]:
    """The month is covered by the "党费已交到" of the member's incoming 介绍信 (transfer in):
    paid elsewhere, so this district never charges it, in whichever year it falls."""
    covered = aliased(Transfer)
    return (
        select(covered.id)
        .where(
            covered.member_id == Member.id,
            covered.kind == TransferKind.IN,
            covered.dues_paid_year.is_not(None),
            covered.dues_paid_year * 12 + covered.dues_paid_month >= year * 12 + month,
        )
        .exists()
    )


def _ledger_insert(year: int, members: ColumnElement[bool], from_month: int = 1) -> Insert:
    """INSERT … SELECT of ledger months for the chosen members that have no month of this year
    yet. Months before the member joined the Party (probationary members pay from admission)
    and months an incoming letter says were paid elsewhere are left out; each row carries the
    member's current organization."""
    months = _months_table(year, from_month)
    source = select(
        Member.id,
        Member.org_id,
        literal(year, Integer),
        months.c.month,
        Member.monthly_dues_fen,
        literal(0, Integer),
        false(),
    ).where(
        members,
        Member.archived.is_(False),
        Member.joined_date < months.c.next_start,
        ~_covered_by_letter(year, months.c.month),
        _not_opened(year),
    )
    return insert(DuesMonth).from_select(LEDGER_COLUMNS, source)


@dataclass(frozen=True)
class OpenYearResult:
    year: int
    members_opened: int
    members_skipped: int  # already had months of this year
    members_pending: int  # opened with the amount still awaiting assessment (待核定)
    rows_created: int
    backup_label: str | None
    backup_rows: int


def _rowcount(session: Session, statement: Insert) -> int:
    """Rows an INSERT … SELECT wrote (SQLAlchemy keeps INSERT row counts only when asked)."""
    return affected_rows(session.execute(statement.execution_options(preserve_rowcount=True)))


def _count(session: Session, *conditions: ColumnElement[bool]) -> int:
    stmt = select(func.count()).select_from(Member).where(Member.archived.is_(False), *conditions)
    return int(session.scalar(stmt) or 0)


def open_year(session: Session, actor: Actor, year: int, *, backup: bool = True) -> OpenYearResult:
    """Create every member's twelve months of ``year`` (建立当年党费收缴库) and back them up.

    Re-running creates nothing for members already opened. The backup copies the whole year's
    ledger under one label, taken whenever this run created rows.
    """
    _check_year(year)
    joined_in_time = Member.joined_date < date(year + 1, 1, 1)
    to_open = _count(session, joined_in_time, _not_opened(year))
    pending = _count(session, joined_in_time, _not_opened(year), Member.monthly_dues_fen.is_(None))
    skipped = _count(session, ~_not_opened(year))
    created = _rowcount(session, _ledger_insert(year, true()))
    label, backup_rows = None, 0
    if backup and created:
        label, backup_rows = backup_year(session, year)
    result = OpenYearResult(year, to_open, skipped, pending, created, label, backup_rows)
    if created:
        audit.record(session, actor, "dues.open_year", "dues_year", year, after=asdict(result))
    session.flush()
    return result


def backup_year(session: Session, year: int, *, label: str | None = None) -> tuple[str, int]:
    """Copy the year's ledger into ``dues_months_backup`` (the 备份 of docs/founding-spec.md);
    returns the label and the number of rows copied."""
    now = utcnow()
    label = label or f"{year}-open-{now:%Y%m%d%H%M%S%f}"
    source = select(
        literal(label),
        DuesMonth.member_id,
        DuesMonth.org_id,
        DuesMonth.year,
        DuesMonth.month,
        DuesMonth.due_fen,
        DuesMonth.paid_fen,
        DuesMonth.payment_id,
        literal(now),
    ).where(DuesMonth.year == year)
    copied = _rowcount(session, insert(DuesMonthBackup).from_select(BACKUP_COLUMNS, source))
    return label, copied


def open_member_year(
    session: Session, actor: Actor, member: Member, year: int, *, from_month: int = 1
) -> int:
    """Open one member's months of ``year`` from ``from_month`` on, unless that member already
    has months of that year. Used for advance payments into a year not yet opened and for
    members who join after the year was opened (pass the current month)."""
    _check_year(year)
    created = _rowcount(session, _ledger_insert(year, Member.id == member.id, from_month))
    if created:
        audit.record(
            session,
            actor,
            "dues.open_member_year",
            "member",
            member.id,
            after={"year": year, "from_month": from_month, "months": created},
        )
    session.flush()
    return created


# --- changing the monthly amount -----------------------------------------------------------


def lock_member(session: Session, member_id: int) -> Member:
    """The member row, locked for this transaction (PostgreSQL ``FOR UPDATE``; on SQLite the
    whole transaction is already serialized by ``BEGIN IMMEDIATE``). Everything that writes a
    member's ledger takes this lock first, so two writers never interleave."""
    member = session.scalar(
        select(Member)
        .where(Member.id == member_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if member is None:
        raise Conflict("该党员记录不存在", code="member_missing")
    return member


@dataclass(frozen=True)
class AmountChange:
    assessment: DuesAssessment
    months_updated: int


def change_monthly_amount(
    session: Session,
    actor: Actor,
    member: Member,
    monthly_fen: int,
    from_year: int,
    from_month: int,
    reason: str,
    base_fen: int | None = None,
    category: DuesCategory | str | None = None,
    *,
    uncapped_fen: int | None = None,
) -> AmountChange:
    """Set a member's monthly dues from a month on (党费核定/调整).

    Records the assessment (history is kept), updates the member, and re-prices every unpaid
    ledger month from that month on. Paid months keep what was paid. Months still awaiting
    assessment (待核定) get the amount whatever their month, and a newly transferred-in member's
    open assessment notice is closed: that case is the 党委's (``dues_pending``).
    """

    reason = (reason or "").strip()
    if not reason:
        raise Invalid("调整党费金额须填写原因", code="reason_missing")
    if len(reason) > 200:
        raise Invalid("原因不能超过200个字", code="reason_too_long")
    if isinstance(monthly_fen, bool) or not isinstance(monthly_fen, int) or monthly_fen <= 0:
        raise Invalid("每月党费金额必须大于0", code="amount_invalid")
    if not 1 <= from_month <= 12:
        raise Invalid("起始月份不正确", code="month_format")
    _check_year(from_year)
    try:
        new_category = DuesCategory(category) if category is not None else None
    except ValueError:
        raise Invalid(f"未知的党费类别：{category}", code="dues_category") from None
    member = lock_member(session, member.id)
    if member.archived:
        raise Conflict("该党员已不在册，不能调整党费", code="member_archived")
    notices = dues_pending.authorize_amount_change(session, actor, member.id)
    before = {
        "monthly_dues_fen": member.monthly_dues_fen,
        "dues_base_fen": member.dues_base_fen,
        "dues_category": member.dues_category,
    }
    assessment = DuesAssessment(
        member_id=member.id,
        category=(new_category or member.dues_category).value,
        base_fen=base_fen if base_fen is not None else member.dues_base_fen,
        monthly_fen=monthly_fen,
        uncapped_fen=uncapped_fen if uncapped_fen is not None else monthly_fen,
        effective_year=from_year,
        effective_month=from_month,
        reason=reason,
        assessed_by=actor.name,
    )
    session.add(assessment)
    member.monthly_dues_fen = monthly_fen
    if base_fen is not None:
        member.dues_base_fen = base_fen
    if new_category is not None:
        member.dues_category = new_category
    stmt = (
        update(DuesMonth)
        .where(
            DuesMonth.member_id == member.id,
            or_(from_month_on(from_year, from_month), DuesMonth.due_fen.is_(None)),
            DuesMonth.payment_id.is_(None),
            DuesMonth.paid_fen == 0,
        )
        .values(due_fen=monthly_fen)
    )
    updated = affected_rows(session.execute(stmt))
    session.flush()
    dues_pending.close_notices(session, actor, notices)
    audit.record(
        session,
        actor,
        "dues.amount_change",
        "member",
        member.id,
        before=before,
        after={
            "monthly_dues_fen": monthly_fen,
            "dues_base_fen": member.dues_base_fen,
            "dues_category": member.dues_category,
            "from": month_key(from_year, from_month),
            "months_updated": updated,
            "reason": reason,
            "assessment_id": assessment.id,
        },
    )
    return AmountChange(assessment, int(updated or 0))
