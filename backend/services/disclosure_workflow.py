"""The publishing workflow of a disclosure (党务公开) item: submit → review → publish → withdraw.

党务公开条例(试行) 2017: propose → review → approve → publish. Only a reviewed item can be
published, the reviewer and time are kept on the item, nobody reviews their own draft, and every
step writes an audit row. Writing and editing items is ``disclosure``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import DisclosureDocument, DisclosureStatus
from backend.models.base import utcnow
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.disclosure import require_in_scope
from backend.services.policy import Action


def _require_approver(actor: Actor, document: DisclosureDocument) -> None:
    """Counter staff draft items; reviewing and publishing is for organization staff
    (``Action.DISCLOSURE_PUBLISH``, docs/roles.md)."""
    require_in_scope(actor, document)
    policy.authorize(actor, Action.DISCLOSURE_PUBLISH)


def _transition(
    session: Session,
    actor: Actor,
    document: DisclosureDocument,
    action: str,
    allowed_from: tuple[DisclosureStatus, ...],
    to: DisclosureStatus,
    **changes: Any,
) -> DisclosureDocument:
    if document.status not in allowed_from:
        raise Conflict(
            f"该内容当前为“{document.status.label}”，不能{_ACTION_LABELS[action]}",
            code="disclosure_state",
        )
    before = {"status": document.status.value}
    document.status = to
    for name, value in changes.items():
        setattr(document, name, value)
    session.flush()
    after = {"status": to.value} | changes
    audit.record(
        session, actor, action, "disclosure_document", document.id, before=before, after=after
    )
    return document


_ACTION_LABELS = {
    "disclosure.submit": "提交审核",
    "disclosure.approve": "审核通过",
    "disclosure.reject": "退回修改",
    "disclosure.publish": "发布",
    "disclosure.withdraw": "撤回",
}


def submit_review(
    session: Session, actor: Actor, document: DisclosureDocument
) -> DisclosureDocument:
    policy.authorize(actor, Action.DISCLOSURE_DRAFT)
    require_in_scope(actor, document)
    return _transition(
        session,
        actor,
        document,
        "disclosure.submit",
        (DisclosureStatus.DRAFT,),
        DisclosureStatus.SUBMITTED,
        submitted_at=utcnow(),
        review_note=None,
    )


def approve(
    session: Session,
    actor: Actor,
    document: DisclosureDocument,
    *,
    note: str | None = None,
    reviewer: str | None = None,
) -> DisclosureDocument:
    """Record the secrecy review as passed. A staff user cannot review their own draft;
    a system actor (the import command) must name the person who did the review."""
    _require_approver(actor, document)
    if actor.type == "user":
        policy.require_other_person(
            actor,
            user_ids=[document.created_by_user_id],
            message="不能审核自己起草的内容，请由其他工作人员进行保密审查",
            code="self_review",
        )
        reviewer = actor.name
    elif not (reviewer or "").strip():
        raise Invalid("请写明保密审查人", code="reviewer_missing")
    return _transition(
        session,
        actor,
        document,
        "disclosure.approve",
        (DisclosureStatus.SUBMITTED,),
        DisclosureStatus.REVIEWED,
        reviewed_by=(reviewer or "").strip()[:80],
        reviewed_at=utcnow(),
        review_note=(note or "").strip()[:300] or None,
    )


def reject(
    session: Session, actor: Actor, document: DisclosureDocument, note: str
) -> DisclosureDocument:
    _require_approver(actor, document)
    if not note.strip():
        raise Invalid("请写明退回原因", code="reason_missing")
    return _transition(
        session,
        actor,
        document,
        "disclosure.reject",
        (DisclosureStatus.SUBMITTED,),
        DisclosureStatus.DRAFT,
        review_note=note.strip()[:300],
    )


def publish(session: Session, actor: Actor, document: DisclosureDocument) -> DisclosureDocument:
    """Publish a reviewed item. It shows on boards from its ``publish_on`` date."""
    _require_approver(actor, document)
    if document.status is DisclosureStatus.SUBMITTED or document.reviewed_at is None:
        raise Conflict("未经保密审查的内容不能发布", code="not_reviewed")
    return _transition(
        session,
        actor,
        document,
        "disclosure.publish",
        (DisclosureStatus.REVIEWED,),
        DisclosureStatus.PUBLISHED,
        published_by=actor.name,
        published_at=utcnow(),
    )


def withdraw(
    session: Session, actor: Actor, document: DisclosureDocument, reason: str
) -> DisclosureDocument:
    _require_approver(actor, document)
    if not reason.strip():
        raise Invalid("请写明撤回原因", code="reason_missing")
    return _transition(
        session,
        actor,
        document,
        "disclosure.withdraw",
        (DisclosureStatus.PUBLISHED,),
        DisclosureStatus.WITHDRAWN,
        withdrawn_by=actor.name,
        withdrawn_at=utcnow(),
        withdraw_reason=reason.strip()[:300],
    )
