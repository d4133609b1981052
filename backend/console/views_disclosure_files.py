"""A disclosure item's images and attachments in the console: staff open them, and delete one
from an item that is not yet published (the item then needs a new secrecy review)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import console_bp
from backend.console.views_finance import attachment
from backend.console.web import actor, db, login_required, rollback
from backend.errors import DomainError
from backend.models import DisclosureDocument, MediaFile
from backend.services import disclosure, disclosure_files
from backend.services.policy import Action


def media_of(document: DisclosureDocument) -> dict[int, MediaFile]:
    """The item's files by id, in the order they were added."""
    files = db().scalars(
        select(MediaFile).where(MediaFile.document_id == document.id).order_by(MediaFile.id)
    )
    return {m.id: m for m in files}


@console_bp.get("/disclosure/media/<int:media_id>")
@login_required(Action.READ)
def disclosure_media(media_id: int) -> ResponseReturnValue:
    """An item's image or attachment for staff of its organization's subtree (any status)."""
    found = db().get(MediaFile, media_id)
    if found is None or found.document_id is None:
        abort(404)
    disclosure.get_document(db(), actor(), found.document_id)
    if found.is_attachment:  # the Chinese file name travels RFC 5987-encoded
        response = attachment(found.data, found.content_type, found.filename)
    else:
        response = Response(found.data, mimetype=found.content_type)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@console_bp.post("/disclosure/<int:document_id>/files/<int:media_id>/delete")
@login_required(Action.DISCLOSURE_DRAFT)
def disclosure_file_delete(document_id: int, media_id: int) -> ResponseReturnValue:
    session, who = db(), actor()
    document = disclosure.get_document(session, who, document_id, for_update=True)
    body = document.body_md
    try:
        removed = disclosure_files.remove_file(session, who, document, media_id)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        kind = "附件" if removed.is_attachment else "图片"
        parts = [f"已删除{kind}“{removed.filename}”"]
        if document.body_md != body:
            parts.append("正文中显示它的位置也已一并删除")
        flash("，".join(parts) + "。请提交保密审查，由其他工作人员审核后发布。", "success")
    return redirect(url_for("console.disclosure_detail", document_id=document_id))
