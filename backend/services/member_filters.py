"""Member list filters (党员筛选): age bands, education, hardship, pre-1949, status, months owed.

Everything is one SQL statement, scoped by ``scope.members_in_scope``. The list's "欠交党费"
filter and column are the months owed (``ledger.months_owed_subquery``: past months not fully
paid, in a row or not — what the kiosk, the slip and the warnings page warn by). The run of
consecutive unpaid months ending last month (``months_behind_subquery``, the same rule as
``ledger.consecutive_unpaid``) is computed for all members at once over ``dues_months`` with a
window function, never by looping over members in Python.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Integer, Select, and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.selectable import Subquery

from backend.models import CommitteeSeat, DuesMonth, Member, MemberStatus, Organization
from backend.models.info import PARTY_POSTS
from backend.models.member import PRE_PRC_DATE
from backend.services.actor import Actor
from backend.services.ledger import months_owed_subquery
from backend.services.members import COLLEGE_EDUCATION, EDUCATION_LEVELS
from backend.services.org_info import post_rank
from backend.services.org_stats import born_after_for_max_age, years_before
from backend.services.scope import members_in_scope

# Bands of the party's statistical bulletins, plus "35 and under" (docs/founding-spec.md).
AGE_BANDS: dict[str, tuple[str, int | None, int | None]] = {
    "le35": ("35岁及以下", None, 35),
    "le30": ("30岁及以下", None, 30),
    "31-35": ("31至35岁", 31, 35),
    "36-40": ("36至40岁", 36, 40),
    "41-45": ("41至45岁", 41, 45),
    "46-50": ("46至50岁", 46, 50),
    "51-55": ("51至55岁", 51, 55),
    "56-60": ("56至60岁", 56, 60),
    "ge61": ("61岁及以上", 61, None),
}

BEHIND_BANDS: dict[str, tuple[str, int, int | None]] = {
    "0": ("不欠费", 0, 0),
    "1-2": ("欠1至2个月", 1, 2),
    "3-4": ("欠3至4个月", 3, 4),
    "5": ("欠5个月", 5, 5),
    "ge6": ("欠6个月及以上", 6, None),
    "ge1": ("有欠费", 1, None),
}

EDUCATION_CHOICES: dict[str, str] = {
    "college": "大专及以上",
    **{level: level for level in EDUCATION_LEVELS},
}

HORIZON_MONTHS = 36


@dataclass(frozen=True)
class MemberFilters:
    """What the filter bar holds; empty values mean "any"."""

    q: str = ""  # name (part), card number, member number or full ID number
    org_id: int | None = None  # a subtree root inside the actor's scope
    age_band: str = ""
    education: str = ""
    hardship: bool = False
    pre_1949: bool = False
    status: str = ""  # full | probationary
    sex: str = ""  # M | F
    behind: str = ""
    pending_assessment: bool = False
    archived: bool = False  # the deleted-member archive instead of the roll
    ids: tuple[int, ...] = ()  # members picked on the roll (a bulk action); empty: any


def month_index(year: int, month: int) -> int:
    return year * 12 + month - 1


def months_behind_subquery(
    today: date, horizon: int = HORIZON_MONTHS, member_ids: Sequence[int] | None = None
) -> Subquery:
    """(member_id, months) for members with at least one unpaid month ending last month.

    Past owing rows are numbered newest first per member; a row belongs to the run ending last
    month exactly when its month index equals ``last - (row_number - 1)``. Once a month is
    paid, waived, pending or missing, every older row falls below that line. ``member_ids``
    limits the work to those members (one page of a list).
    """
    last = month_index(today.year, today.month) - 1
    idx = DuesMonth.year * 12 + DuesMonth.month - 1
    conditions = [
        DuesMonth.year >= (last - horizon) // 12,
        idx <= last,
        idx > last - horizon,
        DuesMonth.waived.is_(False),
        DuesMonth.due_fen.is_not(None),
        DuesMonth.paid_fen < DuesMonth.due_fen,
    ]
    if member_ids is not None:
        conditions.append(DuesMonth.member_id.in_(member_ids))
    owing = (
        select(
            DuesMonth.member_id.label("member_id"),
            idx.label("idx"),
            func.row_number()
            .over(
                partition_by=DuesMonth.member_id,
                order_by=(DuesMonth.year.desc(), DuesMonth.month.desc()),
            )
            .label("rn"),
        )
        .where(*conditions)
        .subquery("owing")
    )
    return (
        select(owing.c.member_id, func.count().cast(Integer).label("months"))
        .where(owing.c.idx + owing.c.rn == last + 1)
        .group_by(owing.c.member_id)
        .subquery("behind")
    )


def arrears_subquery(today: date, member_ids: Sequence[int] | None = None) -> Subquery:
    """(member_id, arrears_fen): everything owed for past months, all years."""
    only = [] if member_ids is None else [DuesMonth.member_id.in_(member_ids)]
    return (
        select(
            DuesMonth.member_id.label("member_id"),
            func.sum(DuesMonth.due_fen - DuesMonth.paid_fen).cast(Integer).label("arrears_fen"),
        )
        .where(
            or_(
                DuesMonth.year < today.year,
                and_(DuesMonth.year == today.year, DuesMonth.month < today.month),
            ),
            DuesMonth.waived.is_(False),
            DuesMonth.due_fen.is_not(None),
            DuesMonth.paid_fen < DuesMonth.due_fen,
            *only,
        )
        .group_by(DuesMonth.member_id)
        .subquery("arrears")
    )


def _age_condition(band: str, today: date) -> ColumnElement[bool]:
    _label, low, high = AGE_BANDS[band]
    conditions = []
    if high is not None:
        conditions.append(Member.birth_date > born_after_for_max_age(today, high))
    if low is not None:
        conditions.append(Member.birth_date <= years_before(today, low))
    return and_(*conditions)


def member_query(
    actor: Actor, f: MemberFilters, today: date, *, with_months_behind: bool = False
) -> Select:
    """Rows of (Member, Organization) matching the filters, in scope; with
    ``with_months_behind`` a third column holds each member's months owed.

    The count is computed over the whole ledger only when it is filtered on or asked for (an
    export); a listing gets it for the members of its page with ``months_owed_map``.
    """
    behind = months_owed_subquery(today)
    months = func.coalesce(behind.c.months, 0)
    columns = (Member, Organization, months.label("months_behind"))
    stmt = members_in_scope(actor, select(*columns[: 3 if with_months_behind else 2]))
    if with_months_behind or f.behind in BEHIND_BANDS:
        stmt = stmt.outerjoin(behind, behind.c.member_id == Member.id)
    stmt = stmt.where(Member.archived.is_(f.archived))
    if f.ids:
        stmt = stmt.where(Member.id.in_(f.ids))
    if f.org_id is not None:
        root = aliased(Organization)
        root_path = select(root.path).where(root.id == f.org_id).scalar_subquery()
        stmt = stmt.where(Organization.path.startswith(root_path))
    q = f.q.strip()
    if q:
        stmt = stmt.where(
            or_(
                Member.name.contains(q, autoescape=True),
                Member.card_no == q,
                Member.member_no == q,
                Member.id_number == q.upper(),
            )
        )
    if f.age_band in AGE_BANDS:
        stmt = stmt.where(_age_condition(f.age_band, today))
    if f.education == "college":
        stmt = stmt.where(Member.education.in_(sorted(COLLEGE_EDUCATION)))
    elif f.education in EDUCATION_LEVELS:
        stmt = stmt.where(Member.education == f.education)
    if f.hardship:
        stmt = stmt.where(Member.hardship.is_(True))
    if f.pre_1949:
        stmt = stmt.where(Member.joined_date < PRE_PRC_DATE)
    if f.status in {s.value for s in MemberStatus}:
        stmt = stmt.where(Member.status == MemberStatus(f.status))
    if f.sex in {"M", "F"}:
        stmt = stmt.where(Member.sex == f.sex)
    if f.pending_assessment:
        stmt = stmt.where(Member.monthly_dues_fen.is_(None))
    if f.behind in BEHIND_BANDS:
        _label, low, high = BEHIND_BANDS[f.behind]
        stmt = stmt.where(months >= low)
        if high is not None:
            stmt = stmt.where(months <= high)
    return _roster_order(stmt)


def _roster_order(stmt: Select) -> Select:
    """Branch by branch; in each, the committee in the order of its posts (书记, 副书记, 组织委员
    …), then the other members by card number. A member has at most one seat per organization,
    so the outer join adds no rows."""
    seat = aliased(CommitteeSeat)
    stmt = stmt.outerjoin(seat, and_(seat.member_id == Member.id, seat.org_id == Member.org_id))
    unseated = len(PARTY_POSTS)
    rank = case((seat.id.is_(None), unseated + 1), else_=post_rank(seat.post))
    return stmt.order_by(Organization.code, rank, Member.card_no, Member.id)


def months_behind_map(session: Session, member_ids: Sequence[int], today: date) -> dict[int, int]:
    """Months behind for a few members (a page), by the same SQL as the filter."""
    if not member_ids:
        return {}
    behind = months_behind_subquery(today, member_ids=list(member_ids))
    return {int(m): int(n) for m, n in session.execute(select(behind.c.member_id, behind.c.months))}


def months_owed_map(session: Session, member_ids: Sequence[int], today: date) -> dict[int, int]:
    """Months owed for a few members (a page), by the same SQL as the filter."""
    if not member_ids:
        return {}
    owed = months_owed_subquery(today, member_ids)
    return {int(m): int(n) for m, n in session.execute(select(owed.c.member_id, owed.c.months))}


def count(session: Session, stmt: Select) -> int:
    total = select(func.count()).select_from(stmt.order_by(None).subquery())
    return session.execute(total).scalar_one()


def months_behind(session: Session, member_id: int, today: date) -> int:
    """One member's run of unpaid months (for the member's page)."""
    return months_behind_map(session, [member_id], today).get(member_id, 0)
