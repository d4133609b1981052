"""Images and attachments for board content, checked by their bytes and kept in the database.

The type is read from the file's signature, never trusted from a name or a browser: the kiosk
will decode whatever is stored here, so only the image formats Kivy reads are accepted as images.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import MediaFile

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024

_IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
_ATTACHMENT_TYPES = {
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain; charset=utf-8",
}


@dataclass(frozen=True)
class NewMedia:
    """A file to store with a document. ``ref`` is how the Markdown body refers to it."""

    filename: str
    data: bytes
    ref: str | None = None
    attachment: bool = False


def image_type(data: bytes) -> str | None:
    for signature, content_type in _IMAGE_SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def check(item: NewMedia) -> str:
    """The content type of an acceptable file, or ``Invalid`` naming the file."""
    name = PurePath(item.filename).name
    if not item.data:
        raise Invalid(f"文件{name}是空的", code="media_empty")
    if item.attachment:
        content_type = _ATTACHMENT_TYPES.get(PurePath(name).suffix.lower())
        if content_type is None:
            allowed = "、".join(sorted(_ATTACHMENT_TYPES))
            raise Invalid(f"附件{name}的类型不支持（可用：{allowed}）", code="media_type")
        if len(item.data) > MAX_ATTACHMENT_BYTES:
            raise Invalid(f"附件{name}超过20MB", code="media_too_large")
        return content_type
    content_type = image_type(item.data)
    if content_type is None:
        raise Invalid(f"图片{name}不是PNG、JPEG、GIF或WebP图片", code="media_type")
    if len(item.data) > MAX_IMAGE_BYTES:
        raise Invalid(f"图片{name}超过5MB", code="media_too_large")
    return content_type


def store(session: Session, item: NewMedia, *, document_id: int | None = None) -> MediaFile:
    content_type = check(item)
    media = MediaFile(
        filename=PurePath(item.filename).name[:200],
        content_type=content_type,
        size=len(item.data),
        sha256=hashlib.sha256(item.data).hexdigest(),
        data=item.data,
        document_id=document_id,
        is_attachment=item.attachment,
    )
    session.add(media)
    session.flush()
    return media


def describe(media: MediaFile) -> dict[str, object]:
    """What the audit log keeps of a file: never the bytes."""
    return {
        "id": media.id,
        "filename": media.filename,
        "content_type": media.content_type,
        "size": media.size,
        "sha256": media.sha256,
        "attachment": media.is_attachment,
    }
