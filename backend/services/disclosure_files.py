"""The images and attachments of an unpublished disclosure item: adding and removing them.

Either is an edit of the item, so it needs a new secrecy review (the item goes back to draft)
and is audited with the files described, never their bytes. Removing an image also takes it
out of the body: the clerk who deletes a picture expects it gone from the page, and the body
refers to it only as ``media:<id>``, which the clerk never typed and could hardly find.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Invalid, NotFound
from backend.models import DisclosureDocument, MediaFile
from backend.services import audit, disclosure, media
from backend.services.actor import Actor
from backend.services.disclosure_text import MEDIA_PREFIX, drop_image, replace_image_targets


def add_files(
    session: Session,
    actor: Actor,
    document: DisclosureDocument,
    files: Sequence[media.NewMedia],
    *,
    body_md: str | None = None,
) -> list[MediaFile]:
    """Store more images or attachments with an unpublished item. ``body_md`` (default: the
    current body) may point at the new files by ``file.ref``."""
    disclosure.require_editable(actor, document)
    before = {"status": document.status.value, "body_md": document.body_md}
    stored = [media.store(session, item, document_id=document.id) for item in files]
    mapping = {
        item.ref: f"{MEDIA_PREFIX}{m.id}" for item, m in zip(files, stored, strict=True) if item.ref
    }
    document.body_md = replace_image_targets(
        document.body_md if body_md is None else body_md, mapping
    )
    disclosure.check_fields(
        document.title, document.body_md, document.publish_on, document.expires_on
    )
    disclosure.back_to_draft(document)
    session.flush()
    after: dict[str, Any] = {"status": document.status.value, "body_md": document.body_md}
    after["files"] = [media.describe(m) for m in stored]
    audit.record(
        session,
        actor,
        "disclosure.files_add",
        "disclosure_document",
        document.id,
        before=before,
        after=after,
    )
    return stored


def remove_file(
    session: Session, actor: Actor, document: DisclosureDocument, media_id: int
) -> MediaFile:
    """Delete one image or attachment of an unpublished item, and the body's images of it.

    Refused if the body would be left empty: the item must still say something."""
    disclosure.require_editable(actor, document)
    found = session.scalar(
        select(MediaFile).where(MediaFile.id == media_id, MediaFile.document_id == document.id)
    )
    if found is None:
        raise NotFound("该内容没有这个图片或附件，可能已被删除", code="media_not_found")
    before = {
        "status": document.status.value,
        "body_md": document.body_md,
        "summary": document.summary,
        "files": [media.describe(found)],
    }
    old_body = document.body_md
    body = drop_image(old_body, f"{MEDIA_PREFIX}{found.id}")
    if not body.strip():
        raise Invalid(
            f"正文只有图片{found.filename}，删除后正文将为空，请先在正文中写上文字再删除",
            code="disclosure_body",
        )
    document.body_md = body
    disclosure.follow_body(document, old_body)
    disclosure.back_to_draft(document)
    session.delete(found)
    session.flush()
    after = {
        "status": document.status.value,
        "body_md": document.body_md,
        "summary": document.summary,
    }
    audit.record(
        session,
        actor,
        "disclosure.files_remove",
        "disclosure_document",
        document.id,
        before=before,
        after=after,
    )
    return found
