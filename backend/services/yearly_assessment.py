"""年度党费核定 for a whole organization: a worksheet reviewed first, then fixed at once.

The worksheet lists every member of the subtree with category and base → the monthly amount by
``assessment.assess``. Staff may correct a member's category or base on the worksheet (that is
what reviewing means) and see the result again. Fixing takes the worksheet's fingerprint: if a
member, a base or an amount changed since the reviewer looked, nothing is fixed and the worksheet
must be reviewed again. Otherwise every changed member goes through
``dues_year.change_monthly_amount`` from January of the year, all in the caller's transaction.

See docs/dues.md.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, DomainError, Invalid
from backend.models import DuesCategory, Member, Organization
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.assessment import assess
from backend.services.dues_year import change_monthly_amount
from backend.services.policy import Action
from backend.services.scope import get_org
from backend.settings import DuesSettings

Override = tuple[DuesCategory | str, int | None]


@dataclass(frozen=True)
class WorksheetRow:
    member_id: int
    card_no: str | None
    name: str
    org_name: str
    category: DuesCategory | None
    base_fen: int | None
    current_fen: int | None
    new_fen: int | None  # None: cannot be assessed, see ``error``
    uncapped_fen: int | None
    capped: bool
    rule: str
    error: str | None = None

    @property
    def changed(self) -> bool:
        return self.new_fen is not None and self.new_fen != self.current_fen


@dataclass(frozen=True)
class Worksheet:
    org: Organization
    year: int
    rows: list[WorksheetRow]

    @property
    def fingerprint(self) -> str:
        text = ";".join(
            f"{r.member_id}:{r.category}:{r.base_fen}:{r.current_fen}:{r.new_fen}"
            for r in self.rows
        )
        return hashlib.sha256(f"{self.org.id}/{self.year}/{text}".encode()).hexdigest()[:32]

    @property
    def errors(self) -> list[WorksheetRow]:
        return [r for r in self.rows if r.error]


def worksheet_query(org: Organization) -> Select:
    """The members of a worksheet, as light rows (no ORM objects): what ``worksheet_row``
    needs, ordered by branch and card number. The console pages and sorts this statement."""
    return (
        select(
            Member.id,
            Member.card_no,
            Member.name,
            Member.dues_category,
            Member.dues_base_fen,
            Member.monthly_dues_fen,
            Organization.name.label("org_name"),
        )
        .join(Organization, Organization.id == Member.org_id)
        .where(
            Member.archived.is_(False),
            Organization.path.startswith(org.path, autoescape=True),
        )
        .order_by(Organization.code, Member.card_no, Member.id)
    )


def worksheet_row(member: Any, override: Override | None, settings: DuesSettings) -> WorksheetRow:
    """One line of the worksheet from a row of ``worksheet_query``."""
    return _row(member, member.org_name, override, settings)


def _row(
    member: Any, org_name: str, override: Override | None, settings: DuesSettings
) -> WorksheetRow:
    raw_category, base = override or (member.dues_category, member.dues_base_fen)
    common = {
        "member_id": member.id,
        "card_no": member.card_no,
        "name": member.name,
        "org_name": org_name,
        "base_fen": base,
        "current_fen": member.monthly_dues_fen,
    }
    try:
        category = DuesCategory(raw_category)
    except ValueError:
        return WorksheetRow(
            **common,
            category=None,
            new_fen=None,
            uncapped_fen=None,
            capped=False,
            rule="",
            error="党费类别不正确",
        )
    try:
        a = assess(category, base, settings)
    except DomainError as exc:
        return WorksheetRow(
            **common,
            category=category,
            new_fen=None,
            uncapped_fen=None,
            capped=False,
            rule="",
            error=exc.message,
        )
    return WorksheetRow(
        **common,
        category=category,
        new_fen=a.monthly_fen,
        uncapped_fen=a.uncapped_fen,
        capped=a.capped,
        rule=a.rule,
    )


def worksheet(
    session: Session,
    actor: Actor,
    settings: DuesSettings,
    org_id: int,
    year: int,
    overrides: dict[int, Override] | None = None,
) -> Worksheet:
    """The worksheet of every current member in the organization's subtree."""
    if not 2000 <= year <= 2100:
        raise Invalid(f"年度不正确：{year}", code="year")
    org = get_org(session, actor, org_id)
    overrides = overrides or {}
    rows = session.execute(worksheet_query(org)).all()
    unknown = set(overrides) - {m.id for m in rows}
    if unknown:
        raise Invalid("核定表中有不属于该组织的党员", code="worksheet_members")
    return Worksheet(org, year, [worksheet_row(m, overrides.get(m.id), settings) for m in rows])


@dataclass(frozen=True)
class FixResult:
    year: int
    members: int
    changed: int


def fix(
    session: Session,
    actor: Actor,
    settings: DuesSettings,
    org_id: int,
    year: int,
    fingerprint: str,
    overrides: dict[int, Override] | None = None,
    reason: str = "年度党费核定",
) -> FixResult:
    """Fix the reviewed worksheet: each changed member's amount from January of ``year``."""
    policy.authorize(actor, Action.DUES_SET)
    sheet = worksheet(session, actor, settings, org_id, year, overrides)
    if sheet.fingerprint != fingerprint:
        raise Conflict("核定表在审阅后有变化，请重新审阅后再确定", code="worksheet_changed")
    if sheet.errors:
        names = "、".join(r.name for r in sheet.errors[:5])
        raise Invalid(
            f"有{len(sheet.errors)}名党员无法核定（{names}…），请补全类别或基数",
            code="worksheet_errors",
        )
    changed = 0
    for row in sheet.rows:
        member = session.get_one(Member, row.member_id)
        same = (
            row.new_fen == member.monthly_dues_fen
            and row.category == member.dues_category
            and row.base_fen == member.dues_base_fen
        )
        if same:
            continue
        assert row.new_fen is not None
        change_monthly_amount(
            session,
            actor,
            member,
            row.new_fen,
            year,
            1,
            reason,
            base_fen=row.base_fen,
            category=row.category,
            uncapped_fen=row.uncapped_fen,
        )
        changed += 1
    result = FixResult(year, len(sheet.rows), changed)
    audit.record(
        session,
        actor,
        "dues.yearly_assessment",
        "organization",
        sheet.org.id,
        after={"year": year, "members": result.members, "changed": changed},
    )
    session.flush()
    return result
