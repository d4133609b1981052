"""Red warnings on one page (红色预警): dues owed, unreturned letters, pending assessments.

Each section is one SQL query limited to the actor's subtree. Members are flagged by the months
they owe (``ledger.months_owed_subquery``, the same count the kiosk, the slip and the statement
warn by) at the reminder threshold (5 months by default) so that staff act before the sixth
month, not after (docs/dues.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from backend.models import Member, Membership, Organization
from backend.services.actor import Actor
from backend.services.cases_warnings import overdue_cases
from backend.services.ledger import months_owed_subquery
from backend.services.member_filters import arrears_subquery
from backend.services.scope import members_in_scope, org_in_scope
from backend.settings import DuesSettings, MeetingSettings, Settings

if TYPE_CHECKING:
    from backend.services.development_warnings import DevelopmentWarnings

ROW_LIMIT = 200


@dataclass(frozen=True)
class BehindRow:
    member_id: int
    name: str
    member_no: str | None
    org_name: str
    phone: str | None
    months: int  # months owed, all years
    arrears_fen: int


@dataclass(frozen=True)
class PendingRow:
    member_id: int
    name: str
    member_no: str | None
    org_name: str
    since: date | None  # start of the current membership (when the member came in)


@dataclass(frozen=True)
class LetterRow:
    letter_id: int
    number: str
    member_id: int
    name: str
    to_name: str
    issued_on: date
    valid_until: date
    days_overdue: int


@dataclass
class Section:
    """A list shown on the board: its total and at most ``ROW_LIMIT`` rows."""

    total: int = 0
    rows: list = field(default_factory=list)


@dataclass
class Board:
    reminder: Section  # reminder_months … warning_months - 1 owed
    final: Section  # warning_months or more owed
    pending: Section
    letters: Section | None  # None when the transfers module is not installed
    cases: Section | None = None  # member cases past their due day (services.cases_warnings)
    meetings: Section | None = None  # branches behind their meeting frequency (docs/meetings.md)
    kiosks: Section | None = None  # offline / out-of-paper kiosks, for who manages them
    development: DevelopmentWarnings | None = None  # 发展党员 deadlines and 换届

    @property
    def total(self) -> int:
        sections = [self.reminder, self.final, self.pending]
        sections += [
            s for s in (self.letters, self.cases, self.meetings, self.kiosks) if s is not None
        ]
        extra = 0 if self.development is None else self.development.total
        return sum(s.total for s in sections) + extra


def _behind_sections(
    session: Session, actor: Actor, today: date, dues: DuesSettings, limit: int
) -> tuple[Section, Section]:
    """Both dues sections from one pass over the ledger: each member's run is bucketed
    (reminder or final), and window functions give each bucket's total and first rows."""
    behind = months_owed_subquery(today)
    bucket = case((behind.c.months >= dues.warning_months, "final"), else_="reminder")
    ranked = (
        members_in_scope(
            actor,
            select(
                Member.id.label("member_id"),
                Member.name.label("name"),
                Member.member_no.label("member_no"),
                Organization.name.label("org_name"),
                Member.phone.label("phone"),
                behind.c.months.label("months"),
                bucket.label("bucket"),
                func.row_number()
                .over(
                    partition_by=bucket,
                    order_by=(behind.c.months.desc(), Organization.code, Member.card_no),
                )
                .label("rn"),
                func.count().over(partition_by=bucket).label("total"),
            ),
        )
        .join(behind, behind.c.member_id == Member.id)
        .where(Member.archived.is_(False), behind.c.months >= dues.reminder_months)
        .subquery("ranked")
    )
    rows = session.execute(
        select(ranked).where(ranked.c.rn <= max(limit, 1)).order_by(ranked.c.bucket, ranked.c.rn)
    ).all()
    arrears = _arrears(session, [r.member_id for r in rows], today)
    sections = {"reminder": Section(), "final": Section()}
    for r in rows:
        section = sections[r.bucket]
        section.total = int(r.total)
        if len(section.rows) < limit:
            section.rows.append(
                BehindRow(
                    r.member_id,
                    r.name,
                    r.member_no,
                    r.org_name,
                    r.phone,
                    int(r.months),
                    arrears.get(r.member_id, 0),
                )
            )
    return sections["reminder"], sections["final"]


def _arrears(session: Session, member_ids: list[int], today: date) -> dict[int, int]:
    if not member_ids:
        return {}
    arrears = arrears_subquery(today, member_ids)
    return {int(m): int(a) for m, a in session.execute(select(arrears))}


def _pending(session: Session, actor: Actor, limit: int) -> Section:
    stmt = (
        members_in_scope(
            actor,
            select(
                Member.id, Member.name, Member.member_no, Organization.name, Membership.start_date
            ),
        )
        .outerjoin(Membership, (Membership.member_id == Member.id) & Membership.end_date.is_(None))
        .where(Member.archived.is_(False), Member.monthly_dues_fen.is_(None))
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(Membership.start_date, Organization.code, Member.id).limit(limit)
    ).all()
    return Section(int(total), [PendingRow(*r) for r in rows])


def _letters(session: Session, actor: Actor, today: date, limit: int) -> Section | None:
    """Introduction letters still out after their last valid day (no return slip back).

    Read defensively: the transfers models belong to another part of the system and may be
    absent from an installation.
    """
    try:
        from backend.models.transfers import Letter, LetterKind, LetterState
    except ImportError:
        return None
    stmt = (
        select(
            Letter.id,
            Letter.number,
            Member.id,
            Member.name,
            Letter.to_name,
            Letter.issued_on,
            Letter.valid_until,
        )
        .join(Member, Member.id == Letter.member_id)
        .join(Organization, Organization.id == Letter.issuer_org_id)
        .where(
            org_in_scope(actor),
            Letter.kind == LetterKind.INTRODUCTION,
            Letter.state == LetterState.ISSUED,
            Letter.valid_until < today,
        )
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(stmt.order_by(Letter.valid_until, Letter.number).limit(limit)).all()
    return Section(
        int(total),
        [LetterRow(*r, days_overdue=(today - r[6]).days) for r in rows],
    )


def board(
    session: Session,
    actor: Actor,
    today: date,
    dues: DuesSettings,
    limit: int = ROW_LIMIT,
    meetings: MeetingSettings | None = None,
    *,
    kiosk_offline_minutes: int = 10,
    hall: Settings | None = None,
) -> Board:
    from backend.services import (  # they build on this module's Section
        development_warnings,
        fleet_alerts,
    )

    reminder, final = _behind_sections(session, actor, today, dues, limit)
    return Board(
        reminder=reminder,
        final=final,
        pending=_pending(session, actor, limit),
        letters=_letters(session, actor, today, limit),
        cases=overdue_cases(session, actor, today, limit),
        meetings=_meetings(session, actor, today, meetings, limit),
        kiosks=fleet_alerts.section(session, actor, kiosk_offline_minutes),
        development=development_warnings.warnings(session, actor, today, hall or Settings(), limit),
    )


def _meetings(
    session: Session, actor: Actor, today: date, settings: MeetingSettings | None, limit: int
) -> Section | None:
    if settings is None:
        return None
    from backend.services import meeting_warnings

    total, rows = meeting_warnings.section(session, actor, today, settings, limit)
    return Section(total, rows)
