"""Terms of office (换届): each organization's current term, when it is due, and the election of
a new committee (members with their 党内职务).

Recording an election is one transaction: the new term row, the old committee seats removed and
the new ones seated from the term's first day, with one audit row holding both committees.
Branch and general-branch committees serve three years, a base 党委 five
(docs/member-development.md); the length can be set per term.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import CommitteeSeat, Member, Organization, OrgTerm, OrgType
from backend.models.info import PARTY_POSTS
from backend.services import audit, hall_clock, org_info, policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.probation import add_years
from backend.services.scope import get_org, org_in_scope

DEFAULT_TERM_YEARS = {
    OrgType.DISTRICT: 5,
    OrgType.COMMITTEE: 5,
    OrgType.GENERAL_BRANCH: 3,
    OrgType.BRANCH: 3,
}
MAX_TERM_YEARS = 5


@dataclass(frozen=True)
class Seat:
    member_id: int
    post: str


@dataclass(frozen=True)
class TermRow:
    org_id: int
    org_code: str
    org_name: str
    term_start: date
    term_years: int
    due_on: date
    days_left: int  # negative: overdue


def due_on(term: OrgTerm) -> date:
    return add_years(term.term_start, term.term_years)


def current_term(session: Session, org: Organization) -> OrgTerm | None:
    return session.scalar(
        select(OrgTerm)
        .where(OrgTerm.org_id == org.id)
        .order_by(OrgTerm.term_start.desc(), OrgTerm.id.desc())
        .limit(1)
    )


def history(session: Session, org: Organization) -> list[OrgTerm]:
    return list(
        session.scalars(
            select(OrgTerm)
            .where(OrgTerm.org_id == org.id)
            .order_by(OrgTerm.term_start.desc(), OrgTerm.id.desc())
        )
    )


def _check_seats(session: Session, org: Organization, seats: Sequence[Seat]) -> list[Seat]:
    if not seats:
        raise Invalid("请填写新一届委员会成员", code="seats_missing")
    if len({s.member_id for s in seats}) != len(seats):
        raise Invalid("同一名党员只能担任一个职务", code="seat_duplicate")
    for seat in seats:
        if seat.post not in PARTY_POSTS:
            raise Invalid(f"党内职务应为：{'、'.join(PARTY_POSTS)}之一", code="seat_post")
        member = session.get(Member, seat.member_id)
        if member is None or member.archived or not member.org.path.startswith(org.path):
            raise Invalid(f"委员须是{org.name}（含下级）的在册党员", code="seat_member")
    if sum(1 for s in seats if s.post in org_info.SINGLE_POSTS) != 1:
        raise Invalid("新一届委员会须有且只有一名书记", code="seat_secretary")
    return list(seats)


def record_term(
    session: Session,
    actor: Actor,
    org_id: int,
    term_start: date,
    *,
    term_years: int | None = None,
    seats: Sequence[Seat] | None = None,
    note: str | None = None,
    today: date | None = None,
) -> OrgTerm:
    """Record a term (换届选举). With ``seats`` the new committee replaces the old one; without,
    only the term's dates are recorded (an existing committee entered for the first time)."""
    policy.authorize(actor, Action.TERM_EDIT)
    org = get_org(session, actor, org_id)
    today = today or hall_clock.today()
    years = term_years or DEFAULT_TERM_YEARS[org.type]
    if not 1 <= years <= MAX_TERM_YEARS:
        raise Invalid(f"任期应为1至{MAX_TERM_YEARS}年", code="term_years")
    if term_start > today:
        raise Invalid("换届日期不能晚于今天", code="date_future")
    previous = current_term(session, org)
    if previous is not None and term_start <= previous.term_start:
        raise Invalid(
            f"换届日期须晚于本届开始日期{previous.term_start.isoformat()}", code="date_order"
        )
    checked = None if seats is None else _check_seats(session, org, seats)
    before: dict[str, object] = {
        "term": None if previous is None else audit.snapshot(previous),
        "committee": [
            {"member_id": s.member_id, "post": s.post} for s in org_info.committee(session, org)
        ],
    }
    term = OrgTerm(
        org_id=org.id,
        term_start=term_start,
        term_years=years,
        note=(note or "").strip()[:200] or None,
        created_by=actor.name,
    )
    session.add(term)
    if checked is not None:
        session.execute(delete(CommitteeSeat).where(CommitteeSeat.org_id == org.id))
        for seat in checked:
            session.add(
                CommitteeSeat(
                    org_id=org.id, member_id=seat.member_id, post=seat.post, since=term_start
                )
            )
    session.flush()
    after: dict[str, object] = {
        "term": audit.snapshot(term) | {"due_on": due_on(term)},
        "committee": [{"member_id": s.member_id, "post": s.post} for s in checked or []]
        or before["committee"],
    }
    audit.record(
        session, actor, "org.term_record", "organization", org.id, before=before, after=after
    )
    return term


def terms_due(
    session: Session, actor: Actor, today: date, days_ahead: int | None, limit: int
) -> tuple[int, list[TermRow]]:
    """Organizations whose current term ends within ``days_ahead`` days (or has ended); every
    organization with a recorded term when ``days_ahead`` is ``None``."""
    latest = (
        select(OrgTerm.org_id, func.max(OrgTerm.term_start).label("start"))
        .group_by(OrgTerm.org_id)
        .subquery()
    )
    stmt = (
        select(OrgTerm, Organization)
        .join(latest, (latest.c.org_id == OrgTerm.org_id) & (latest.c.start == OrgTerm.term_start))
        .join(Organization, Organization.id == OrgTerm.org_id)
        .where(org_in_scope(actor), Organization.active.is_(True))
    )
    rows = []
    for term, org in session.execute(stmt):
        due = due_on(term)
        left = (due - today).days
        if days_ahead is None or left <= days_ahead:
            rows.append(
                TermRow(org.id, org.code, org.name, term.term_start, term.term_years, due, left)
            )
    rows.sort(key=lambda r: (r.due_on, r.org_code))
    return len(rows), rows[: max(limit, 0)]
