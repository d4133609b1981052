"""Voiding a dues payment (作废), with the controls an auditor asks for (docs/day-close.md):

- a payment older than ``DuesSettings.void_limit_days`` is never voided;
- while its day is open and it is not remitted, staff in scope void it at once;
- once the clerk's day is closed (日结) or the payment remitted (汇缴), a void is only requested;
  a desk user of a 党委 or the district — neither the requester nor the clerk who took it —
  approves it (the reversal happens then) or rejects it. An approved void is a correction (冲正)
  listed on the clerk's next day close and, when remitted, taken back by the next remittance.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import (
    Organization,
    Payment,
    VoidRequest,
    VoidRequestState,
)
from backend.models.base import utcnow
from backend.services import audit, day_close, payments, policy, scope
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.settings import DuesSettings


def check_age(payment: Payment, dues: DuesSettings, today: date) -> None:
    taken = day_close.hall_day_of(payment, dues)
    if taken < today - timedelta(days=dues.void_limit_days):
        raise Conflict(
            f"凭条{payment.slip_no}是{taken.year}年{taken.month}月{taken.day}日收取的，"
            f"已超过{dues.void_limit_days}天的作废期限，不能作废；"
            "如确有差错，请报党委在账目中更正",
            code="void_too_old",
        )


def _reason(reason: str | None) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise Invalid("作废缴费须填写原因", code="reason_missing")
    if len(reason) > 200:
        raise Invalid("原因不能超过200个字", code="reason_too_long")
    return reason


def pending_request(session: Session, payment: Payment) -> VoidRequest | None:
    return session.scalar(
        select(VoidRequest).where(
            VoidRequest.payment_id == payment.id, VoidRequest.state == VoidRequestState.PENDING
        )
    )


def void(
    session: Session,
    actor: Actor,
    dues: DuesSettings,
    payment: Payment,
    reason: str,
    *,
    today: date,
) -> VoidRequest | None:
    """Void now, or — when a second person must approve — file the request and return it."""
    reason = _reason(reason)
    if payment.voided:
        raise Conflict(f"凭条{payment.slip_no}已经作废", code="already_voided")
    check_age(payment, dues, today)
    why = day_close.why_second_person(session, payment, dues)
    if why is None:
        payments.void_payment(session, actor, payment, reason)
        return None
    if pending_request(session, payment) is not None:
        raise Conflict(f"凭条{payment.slip_no}的作废申请正在等待审批", code="void_request_pending")
    request = VoidRequest(
        payment_id=payment.id,
        state=VoidRequestState.PENDING,
        why_approval=why,
        reason=reason,
        requested_by=actor.name,
    )
    session.add(request)
    session.flush()
    audit.record(
        session,
        actor,
        "payment.void_request",
        "payment",
        payment.id,
        after={"slip_no": payment.slip_no, "why": why, "reason": reason},
    )
    return request


def _in_scope(actor: Actor) -> Select[VoidRequest]:
    """Requests on payments collected inside the actor's subtree — by the organization the
    money was collected for, not where the member is now: that 党委 remitted it."""
    return (
        select(VoidRequest)
        .join(Payment, Payment.id == VoidRequest.payment_id)
        .join(Organization, Organization.id == Payment.org_id)
        .where(scope.org_in_scope(actor))
    )


def requests_in_scope(session: Session, actor: Actor, *, pending_only: bool) -> list[VoidRequest]:
    stmt = _in_scope(actor)
    if pending_only:
        stmt = stmt.where(VoidRequest.state == VoidRequestState.PENDING)
    return list(session.scalars(stmt.order_by(VoidRequest.requested_at.desc(), VoidRequest.id)))


def get_request(session: Session, actor: Actor, request_id: int) -> VoidRequest:
    """The same scope as the list: what a user sees listed they can open, nothing else."""
    request = session.scalar(_in_scope(actor).where(VoidRequest.id == request_id))
    if request is None:
        raise NotFound("未找到该作废申请，或不在您的管理范围内", code="void_request_not_found")
    return request


def _check_approver(actor: Actor, request: VoidRequest) -> None:
    """A desk user of a 党委 or the district approves, never the requester nor the clerk who
    took the payment (docs/day-close.md, docs/roles.md)."""
    policy.authorize(actor, Action.VOID_APPROVE)
    policy.require_other_person(
        actor,
        names=(request.requested_by, request.payment.operator),
        message="作废须由另一名工作人员审批：不能审批本人提出的申请或本人收取的缴费",
        code="void_same_person",
    )


def decide(
    session: Session,
    actor: Actor,
    dues: DuesSettings,
    request: VoidRequest,
    *,
    approve: bool,
    note: str | None,
    today: date,
) -> VoidRequest:
    """Approve (the payment is voided now, as a correction) or reject a pending request."""
    if request.state is not VoidRequestState.PENDING:
        raise Conflict(f"该作废申请{request.state.label}，不能再审批", code="void_request_decided")
    _check_approver(actor, request)
    note = (note or "").strip() or None
    if note is not None and len(note) > 200:
        raise Invalid("审批意见不能超过200个字", code="note_too_long")
    payment = request.payment
    if approve:
        check_age(payment, dues, today)
        requester = Actor("user", None, request.requested_by)
        payments.void_payment(session, requester, payment, request.reason, approved_by=actor.name)
    request.state = VoidRequestState.APPROVED if approve else VoidRequestState.REJECTED
    request.decided_by = actor.name
    request.decided_at = utcnow()
    request.decision_note = note
    session.flush()
    audit.record(
        session,
        actor,
        "payment.void_approve" if approve else "payment.void_reject",
        "payment",
        payment.id,
        after={"slip_no": payment.slip_no, "request_id": request.id, "note": note},
    )
    return request


def corrections_among(session: Session, payment_ids: list[int]) -> dict[int, VoidRequest]:
    """The approved requests (冲正) of these payments, by payment id: a list shows them as such."""
    if not payment_ids:
        return {}
    rows = session.scalars(
        select(VoidRequest).where(
            VoidRequest.payment_id.in_(payment_ids), VoidRequest.state == VoidRequestState.APPROVED
        )
    )
    return {r.payment_id: r for r in rows}


def correction_of(session: Session, payment: Payment) -> VoidRequest | None:
    """The approved request when this payment's void was a correction (冲正)."""
    if not payment.voided:
        return None
    return session.scalar(
        select(VoidRequest).where(
            VoidRequest.payment_id == payment.id, VoidRequest.state == VoidRequestState.APPROVED
        )
    )
