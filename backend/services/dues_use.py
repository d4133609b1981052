"""党费使用: spending the dues an organization keeps, approved by its committee (支委会).

- **Kept share.** Of the dues its members pay, each level passes ``RemittanceSettings.<level>_bp``
  of what reaches it to its parent (docs/dues.md, Remittance); what it does not pass on is what
  it keeps. ``kept_fen`` computes that for one organization from the dues paid in its subtree:
  for every collecting branch, what reaches the organization times the part it does not pass
  on, rounded half-up to the fen once.
- **Available.** Kept share (all years) less every use recorded and not voided — approved or
  still waiting for approval, so two pending uses cannot both spend the same money. A use
  beyond it is refused, naming the available amount.
- **Approval.** A recorded use counts (in the publication) only once the committee's decision is
  recorded: the meeting's date, which meeting, and the decision's text. Someone other than the
  person who recorded the use records the decision (``policy.require_other_person``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import DuesMonth, DuesUse, Organization, OrgType
from backend.models.base import utcnow
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.money import format_yuan
from backend.services.policy import Action
from backend.services.remittance_ledger import level_bp
from backend.services.reports import Period
from backend.services.scope import get_org, path_in_scope
from backend.settings import RemittanceSettings

MAX_PURPOSE = 100
MAX_MEETING = 100
MAX_DECISION = 500


def _keeps(org: Organization, settings: RemittanceSettings) -> Fraction:
    """The part of what reaches ``org`` that it keeps; the district passes nothing on here."""
    if org.type is OrgType.DISTRICT:
        return Fraction(1)
    return 1 - Fraction(level_bp(org.type, settings), 10_000)


def kept_fen(
    session: Session, org: Organization, settings: RemittanceSettings, period: Period | None = None
) -> int:
    """What ``org`` keeps of the dues paid in its subtree (for months of ``period``; all years
    when ``None``)."""
    conditions = [Organization.path.startswith(org.path, autoescape=True)]
    if period is not None:
        conditions += [
            DuesMonth.year == period.year,
            DuesMonth.month.between(period.start_month, period.end_month),
        ]
    paid = session.execute(
        select(DuesMonth.org_id, func.sum(DuesMonth.paid_fen))
        .join(Organization, Organization.id == DuesMonth.org_id)
        .where(*conditions)
        .group_by(DuesMonth.org_id)
    ).all()
    if not paid:
        return 0
    orgs = {
        o.id: o
        for o in session.scalars(
            select(Organization).where(Organization.path.startswith(org.path, autoescape=True))
        )
    }
    keeps = _keeps(org, settings)
    total = Fraction(0)
    for source_id, amount in paid:
        chain = [int(i) for i in orgs[source_id].path.strip("/").split("/")]
        reach = Fraction(1)
        for below in chain[chain.index(org.id) + 1 :]:
            reach *= Fraction(level_bp(orgs[below].type, settings), 10_000)
        total += int(amount or 0) * reach * keeps
    return int((total * 2 + 1) // 2)


def used_fen(session: Session, org: Organization) -> int:
    """Every use recorded and not voided, approved or not."""
    total = session.scalar(
        select(func.coalesce(func.sum(DuesUse.amount_fen), 0)).where(
            DuesUse.org_id == org.id, DuesUse.voided.is_(False)
        )
    )
    return int(total or 0)


@dataclass(frozen=True)
class Balance:
    kept_fen: int
    used_fen: int

    @property
    def available_fen(self) -> int:
        return self.kept_fen - self.used_fen


def balance(session: Session, org: Organization, settings: RemittanceSettings) -> Balance:
    return Balance(kept_fen(session, org, settings), used_fen(session, org))


def _text(raw: str | None, what: str, limit: int, code: str) -> str:
    value = (raw or "").strip()
    if not value or len(value) > limit:
        raise Invalid(f"请填写{what}（不超过{limit}个字）", code=code)
    return value


def record_use(
    session: Session,
    actor: Actor,
    settings: RemittanceSettings,
    org_id: int,
    *,
    used_on: date,
    purpose: str,
    amount_fen: int,
) -> DuesUse:
    """Record a use of the dues ``org_id`` keeps; it waits for the committee's decision."""
    policy.authorize(actor, Action.DUES_USE)
    org = get_org(session, actor, org_id)
    purpose = _text(purpose, "用途", MAX_PURPOSE, "purpose_missing")
    if amount_fen <= 0:
        raise Invalid("金额必须大于零", code="amount_invalid")
    held = balance(session, org, settings)
    if amount_fen > held.available_fen:
        raise Conflict(
            f"党费使用不能超过本组织留存的党费：可用余额{format_yuan(max(held.available_fen, 0))}元"
            f"（留存{format_yuan(held.kept_fen)}元，已登记使用{format_yuan(held.used_fen)}元），"
            f"本次{format_yuan(amount_fen)}元",
            code="beyond_kept_share",
        )
    use = DuesUse(
        org_id=org.id,
        used_on=used_on,
        purpose=purpose,
        amount_fen=amount_fen,
        created_by=actor.name,
    )
    session.add(use)
    session.flush()
    audit.record(session, actor, "dues_use.create", "dues_use", use.id, after=audit.snapshot(use))
    return use


def _in_scope(session: Session, actor: Actor, use_id: int) -> DuesUse:
    use = session.get(DuesUse, use_id)
    if use is None or not path_in_scope(actor, session.get_one(Organization, use.org_id).path):
        raise NotFound("未找到该使用记录，或不在您的管理范围内", code="dues_use_not_found")
    return use


def approve_use(
    session: Session,
    actor: Actor,
    use_id: int,
    *,
    meeting_on: date | None,
    meeting: str,
    decision: str,
    today: date,
) -> DuesUse:
    """Record the committee's (支委会) decision approving a use: from now on it counts."""
    policy.authorize(actor, Action.DUES_USE_APPROVE)
    use = _in_scope(session, actor, use_id)
    if use.voided:
        raise Conflict("该使用记录已作废", code="already_voided")
    if use.approved:
        raise Conflict("该使用记录已记录支委会决定", code="already_approved")
    if meeting_on is None:
        raise Invalid("请填写支委会会议日期", code="meeting_date")
    if meeting_on > today:
        raise Invalid("支委会会议日期不能晚于今天", code="meeting_date")
    meeting = _text(meeting, "会议名称（如第几次支委会）", MAX_MEETING, "meeting_missing")
    decision = _text(decision, "支委会决定内容", MAX_DECISION, "decision_missing")
    policy.require_other_person(
        actor,
        names=[use.created_by],
        message="登记这笔使用的工作人员不能同时记录支委会决定，请由另一名工作人员记录",
    )
    before = audit.snapshot(use)
    use.approval_date, use.approval_meeting, use.approval_decision = meeting_on, meeting, decision
    use.approved_at, use.approved_by = utcnow(), actor.name
    session.flush()
    audit.record(
        session,
        actor,
        "dues_use.approve",
        "dues_use",
        use.id,
        before=before,
        after=audit.snapshot(use),
    )
    return use


def void_use(session: Session, actor: Actor, use_id: int) -> DuesUse:
    policy.authorize(actor, Action.DUES_USE)
    use = _in_scope(session, actor, use_id)
    if use.voided:
        raise Conflict("该使用记录已作废", code="already_voided")
    use.voided = True
    session.flush()
    audit.record(session, actor, "dues_use.void", "dues_use", use.id, after={"voided": True})
    return use
