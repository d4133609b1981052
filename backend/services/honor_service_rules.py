"""Who may use the honor services (党员荣誉服务): the eligibility rules and their figures.

Three rules, each switched on or off with its own figure (docs/honor-services.md):

- ``model`` — a model member: on the honor roll (光荣榜, ``services/honors.py``) as a person,
  commended within the last N years;
- ``volunteer`` — a volunteer with at least N service hours in the hall's current year, over
  all teams (``services/volunteer_stats.py``);
- ``veteran`` — a full member whose 党龄 (counted from 转正) is at least N years.

A member who meets any enabled rule is eligible. The rules are rows of ``honor_rules``; a missing
row means the default below.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import (
    HonorEntry,
    HonorKind,
    HonorRule,
    Member,
    MemberStatus,
    Organization,
)
from backend.models.base import utcnow
from backend.services import audit, policy, volunteer_stats
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.scope import members_in_scope


@dataclass(frozen=True)
class RuleKind:
    kind: str
    label: str  # what the rule is, as the console and the notice say it
    unit: str  # the figure's unit
    default: int
    low: int
    high: int


KINDS: dict[str, RuleKind] = {
    "model": RuleKind("model", "模范党员（光荣榜表彰）", "年内受表彰", 5, 1, 50),
    "volunteer": RuleKind("volunteer", "优秀志愿者（年度服务时长）", "小时以上", 20, 1, 2000),
    "veteran": RuleKind("veteran", "老党员（党龄）", "年以上", 50, 1, 100),
}


@dataclass(frozen=True)
class RuleSetting:
    kind: str
    label: str
    unit: str
    enabled: bool
    threshold: int

    @property
    def text(self) -> str:
        return f"{self.label}：{self.threshold}{self.unit}"


def rules(session: Session) -> dict[str, RuleSetting]:
    rows = {r.kind: r for r in session.scalars(select(HonorRule))}
    out = {}
    for kind, spec in KINDS.items():
        row = rows.get(kind)
        out[kind] = RuleSetting(
            kind,
            spec.label,
            spec.unit,
            row.enabled if row else True,
            row.threshold if row else spec.default,
        )
    return out


def set_rule(
    session: Session, actor: Actor, kind: str, *, enabled: bool, threshold: int
) -> RuleSetting:
    """Change one rule (audited)."""
    policy.authorize(actor, Action.HONOR_SERVICE_EDIT)
    spec = KINDS.get(kind)
    if spec is None:
        raise Invalid(f"没有“{kind}”这一享受条件", code="honor_rule_kind")
    if not spec.low <= threshold <= spec.high:
        raise Invalid(
            f"“{spec.label}”的数值须在{spec.low}到{spec.high}之间", code="honor_rule_threshold"
        )
    row = session.get(HonorRule, kind, with_for_update=True)
    before = {"enabled": row.enabled, "threshold": row.threshold} if row else None
    if row is None:
        row = HonorRule(kind=kind, threshold=threshold, updated_by=actor.name)
        session.add(row)
    row.enabled, row.threshold = enabled, threshold
    row.updated_at, row.updated_by = utcnow(), actor.name
    session.flush()
    after = {"enabled": enabled, "threshold": threshold}
    audit.record(
        session, actor, "honor_rule.update", "honor_rule", kind, before=before, after=after
    )
    return rules(session)[kind]


def years_before(today: date, years: int) -> date:
    """The same day ``years`` years earlier (29 February → 28 February)."""
    try:
        return today.replace(year=today.year - years)
    except ValueError:
        return today.replace(year=today.year - years, day=28)


def _model(threshold: int, today: date) -> ColumnElement[bool]:
    return exists().where(
        HonorEntry.member_id == Member.id,
        HonorEntry.kind == HonorKind.PERSON,
        HonorEntry.visible.is_(True),
        HonorEntry.year > today.year - threshold,
    )


def _veteran(threshold: int, today: date) -> ColumnElement[bool]:
    since = func.coalesce(Member.full_member_date, Member.joined_date)
    return and_(Member.status == MemberStatus.FULL, since <= years_before(today, threshold))


def _volunteer(session: Session, threshold: int, today: date) -> ColumnElement[bool]:
    return Member.id.in_(volunteer_stats.members_with_minutes(today.year, threshold * 60))


def _conditions(session: Session, today: date) -> dict[str, ColumnElement[bool]]:
    out: dict[str, ColumnElement[bool]] = {}
    for kind, rule in rules(session).items():
        if not rule.enabled:
            continue
        if kind == "model":
            out[kind] = _model(rule.threshold, today)
        elif kind == "veteran":
            out[kind] = _veteran(rule.threshold, today)
        else:
            out[kind] = _volunteer(session, rule.threshold, today)
    return out


def eligible_members(session: Session, actor: Actor, today: date) -> Select:
    """The members of the actor's subtree who meet an enabled rule (joins Organization)."""
    conditions = list(_conditions(session, today).values())
    stmt = members_in_scope(actor).where(Member.archived.is_(False))
    return stmt.where(or_(*conditions) if conditions else false())


def eligible_rows(session: Session, actor: Actor, today: date) -> Select:
    """Like :func:`eligible_members`, with ``Organization.name`` and one true/false column per
    enabled rule (named by its kind), so a list shows why each member is eligible in one query."""
    conditions = _conditions(session, today)
    stmt = members_in_scope(
        actor, select(Member, Organization.name, *(c.label(k) for k, c in conditions.items()))
    ).where(Member.archived.is_(False))
    return stmt.where(or_(*conditions.values()) if conditions else false())


def reasons(session: Session, member: Member, today: date) -> list[RuleSetting]:
    """The enabled rules the member meets (empty: not eligible)."""
    if member.archived:
        return []
    settings = rules(session)
    met = []
    for kind, condition in _conditions(session, today).items():
        if session.scalar(select(Member.id).where(Member.id == member.id, condition)):
            met.append(settings[kind])
    return met
