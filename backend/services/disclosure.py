"""Disclosure (党务公开) for staff: writing items.

An item moves draft → submitted → reviewed (the secrecy check, 保密审查) → published →
withdrawn (党务公开条例: propose → review → approve → publish). Only a reviewed item can be
published, the reviewer and time are kept on the item, and every step writes an audit row.
A changed text needs a new review, so editing a submitted or reviewed item sends it back to
draft; a published item is never edited in place — it is withdrawn and a corrected one issued.
The workflow steps (submit, review, publish, withdraw) are in ``disclosure_workflow``; an item's
images and attachments are added and removed in ``disclosure_files``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from enum import Enum

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.models import (
    DisclosureCategory,
    DisclosureDocument,
    DisclosureRecipient,
    DisclosureStatus,
    DisclosureTier,
    MediaFile,
    Member,
    Organization,
)
from backend.services import audit, hall_clock, media, policy
from backend.services.actor import Actor
from backend.services.disclosure_text import MEDIA_PREFIX, replace_image_targets, summarize
from backend.services.policy import Action
from backend.services.scope import get_member, get_org, path_in_scope

_TIER_ALIASES = {t.label: t for t in DisclosureTier} | {
    "社会": DisclosureTier.PUBLIC,
    "公开": DisclosureTier.PUBLIC,
    "党内": DisclosureTier.PARTY,
    "单位": DisclosureTier.UNIT,
    "本单位": DisclosureTier.UNIT,
    "特定": DisclosureTier.CONCERNED,
}
_EDITABLE = (DisclosureStatus.DRAFT, DisclosureStatus.SUBMITTED, DisclosureStatus.REVIEWED)


class Keep(Enum):
    """The default of the fields ``update_document`` can empty: leave the field as it is.
    ``None`` is a value there (no expiry date, a summary taken from the body)."""

    KEEP = "keep"


KEEP = Keep.KEEP


def parse_tier(value: DisclosureTier | str) -> DisclosureTier:
    try:
        return DisclosureTier(value)
    except ValueError:
        tier = _TIER_ALIASES.get(str(value).strip())
    if tier is None:
        raise Invalid(f"公开范围“{value}”不正确", code="disclosure_tier")
    return tier


def _require_staff(actor: Actor) -> None:
    if actor.type == "device":
        raise Forbidden("查询机不能修改公开内容", code="forbidden")


def require_in_scope(actor: Actor, document: DisclosureDocument) -> None:
    """Every verb re-checks scope, whoever fetched the document."""
    _require_staff(actor)
    if not path_in_scope(actor, document.org.path):
        raise NotFound("未找到该公开内容，或不在您的管理范围内", code="disclosure_not_found")


def is_editable(document: DisclosureDocument) -> bool:
    """Whether the text and files may change: anything not yet published."""
    return document.status in _EDITABLE


def require_editable(actor: Actor, document: DisclosureDocument) -> None:
    require_in_scope(actor, document)
    if not is_editable(document):
        raise Conflict(
            f"“{document.status.label}”的内容不能修改，请撤回后重新发布", code="disclosure_state"
        )


def back_to_draft(document: DisclosureDocument) -> None:
    """A changed item needs a new secrecy review: an earlier one is void."""
    document.status = DisclosureStatus.DRAFT
    document.reviewed_by = document.reviewed_at = None


def follow_body(document: DisclosureDocument, old_body: str) -> None:
    """An automatic summary (the old body's first paragraph) follows a changed body; a summary
    staff wrote themselves stays."""
    if document.summary == summarize(old_body):
        document.summary = summarize(document.body_md)


# --- documents ------------------------------------------------------------------------------


def get_document(
    session: Session, actor: Actor, document_id: int, *, for_update: bool = False
) -> DisclosureDocument:
    """An item inside the actor's subtree; out of scope looks like not found."""
    stmt = select(DisclosureDocument).where(DisclosureDocument.id == document_id)
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    document = session.scalar(stmt)
    if document is None or not path_in_scope(actor, document.org.path):
        raise NotFound("未找到该公开内容，或不在您的管理范围内", code="disclosure_not_found")
    return document


def check_fields(title: str, body_md: str, publish_on: date, expires_on: date | None) -> None:
    if not title.strip() or len(title.strip()) > 200:
        raise Invalid("标题不能为空，且不超过200字", code="disclosure_title")
    if not body_md.strip():
        raise Invalid("正文不能为空", code="disclosure_body")
    if expires_on is not None and expires_on < publish_on:
        raise Invalid("截止日期不能早于发布日期", code="disclosure_dates")


def _recipient_ids(session: Session, document: DisclosureDocument) -> list[int]:
    return list(
        session.scalars(
            select(DisclosureRecipient.member_id)
            .where(DisclosureRecipient.document_id == document.id)
            .order_by(DisclosureRecipient.member_id)
        )
    )


def _set_recipients(
    session: Session, actor: Actor, document: DisclosureDocument, ids: Iterable[int]
) -> None:
    session.execute(
        delete(DisclosureRecipient).where(DisclosureRecipient.document_id == document.id)
    )
    for member_id in dict.fromkeys(ids):
        member: Member = get_member(session, actor, member_id)
        session.add(DisclosureRecipient(document_id=document.id, member_id=member.id))


def create_document(
    session: Session,
    actor: Actor,
    *,
    org: Organization,
    category: DisclosureCategory,
    title: str,
    body_md: str,
    tier: DisclosureTier | str = DisclosureTier.PUBLIC,
    publish_on: date | None = None,
    expires_on: date | None = None,
    summary: str | None = None,
    files: Sequence[media.NewMedia] = (),
    recipient_ids: Iterable[int] = (),
    source_digest: str | None = None,
) -> DisclosureDocument:
    """A new draft. ``files`` are stored with it; body references to ``file.ref`` are
    rewritten to the stored ``media:<id>``."""
    policy.authorize(actor, Action.DISCLOSURE_DRAFT)
    _require_staff(actor)
    org = get_org(session, actor, org.id)
    if not category.active:
        raise Invalid(f"栏目“{category.name}”已停用", code="category_inactive")
    tier = parse_tier(tier)
    publish_on = publish_on or hall_clock.today()
    check_fields(title, body_md, publish_on, expires_on)
    recipient_ids = list(recipient_ids)
    if tier is DisclosureTier.CONCERNED and not recipient_ids:
        raise Invalid("向特定党员公开的内容须指定党员", code="disclosure_recipients")
    document = DisclosureDocument(
        org_id=org.id,
        category_id=category.id,
        title=title.strip(),
        summary="",
        body_md=body_md,
        tier=tier,
        status=DisclosureStatus.DRAFT,
        publish_on=publish_on,
        expires_on=expires_on,
        source_digest=source_digest,
        created_by=actor.name,
        created_by_user_id=actor.id if actor.type == "user" else None,
    )
    session.add(document)
    session.flush()
    stored = [media.store(session, item, document_id=document.id) for item in files]
    mapping = {
        item.ref: f"{MEDIA_PREFIX}{m.id}" for item, m in zip(files, stored, strict=True) if item.ref
    }
    document.body_md = replace_image_targets(body_md, mapping)
    document.summary = (summary or "").strip()[:300] or summarize(document.body_md)
    if tier is DisclosureTier.CONCERNED:
        _set_recipients(session, actor, document, recipient_ids)
    session.flush()
    after = audit.snapshot(document) | {"files": [media.describe(m) for m in stored]}
    audit.record(
        session, actor, "disclosure.create", "disclosure_document", document.id, after=after
    )
    return document


def update_document(
    session: Session,
    actor: Actor,
    document: DisclosureDocument,
    *,
    title: str | None = None,
    body_md: str | None = None,
    summary: str | None | Keep = KEEP,
    tier: DisclosureTier | str | None = None,
    category: DisclosureCategory | None = None,
    publish_on: date | None = None,
    expires_on: date | None | Keep = KEEP,
    recipient_ids: Iterable[int] | None = None,
) -> DisclosureDocument:
    """Edit an unpublished item; any edit voids an earlier review (back to draft).

    ``None`` leaves a required field (title, body, tier, category, publish date) as it is. The
    expiry date and the summary can be emptied, so they default to ``KEEP``; ``None`` means no
    expiry date, or a summary taken from the body. Recipients belong to the "concerned" tier:
    ``None`` keeps them, and moving the item to another tier drops them."""
    policy.authorize(actor, Action.DISCLOSURE_DRAFT)
    require_editable(actor, document)
    before = audit.snapshot(document) | {"recipients": _recipient_ids(session, document)}
    old_body = document.body_md
    if title is not None:
        document.title = title.strip()
    if body_md is not None:
        document.body_md = body_md
    if tier is not None:
        document.tier = parse_tier(tier)
    if category is not None and category.id != document.category_id:
        if not category.active:
            raise Invalid(f"栏目“{category.name}”已停用", code="category_inactive")
        document.category_id = category.id
    if publish_on is not None:
        document.publish_on = publish_on
    if expires_on is not KEEP:
        document.expires_on = expires_on
    check_fields(document.title, document.body_md, document.publish_on, document.expires_on)
    if summary is not KEEP:
        document.summary = (summary or "").strip()[:300] or summarize(document.body_md)
    elif document.body_md != old_body:
        follow_body(document, old_body)
    if document.tier is not DisclosureTier.CONCERNED:
        recipient_ids = ()
    if recipient_ids is not None:
        _set_recipients(session, actor, document, recipient_ids)
    recipients = _recipient_ids(session, document)
    if document.tier is DisclosureTier.CONCERNED and not recipients:
        raise Invalid("向特定党员公开的内容须指定党员", code="disclosure_recipients")
    back_to_draft(document)
    session.flush()
    audit.record(
        session,
        actor,
        "disclosure.update",
        "disclosure_document",
        document.id,
        before=before,
        after=audit.snapshot(document) | {"recipients": recipients},
    )
    return document


def delete_draft(session: Session, actor: Actor, document: DisclosureDocument) -> None:
    """Delete a never-published draft (the audit log keeps its last text)."""
    policy.authorize(actor, Action.DISCLOSURE_DRAFT)
    require_in_scope(actor, document)
    if document.status is not DisclosureStatus.DRAFT or document.published_at is not None:
        raise Conflict("只有未发布过的草稿可以删除，已发布的内容请撤回", code="disclosure_state")
    before = audit.snapshot(document)
    document_id = document.id
    session.execute(
        delete(DisclosureRecipient).where(DisclosureRecipient.document_id == document_id)
    )
    session.execute(delete(MediaFile).where(MediaFile.document_id == document_id))
    session.delete(document)
    session.flush()
    audit.record(
        session, actor, "disclosure.delete", "disclosure_document", document_id, before=before
    )
