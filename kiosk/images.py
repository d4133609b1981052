"""Textures from image bytes the backend sent (disclosure pictures, honor photos)."""

from __future__ import annotations

import io
import logging

from kivy.core.image import Image as CoreImage
from kivy.graphics.texture import Texture

log = logging.getLogger(__name__)

_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpg"),
    (b"GIF8", "gif"),
    (b"RIFF", "webp"),
    (b"BM", "bmp"),
)


def image_kind(data: bytes) -> str | None:
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            return kind
    return None


def texture_from_bytes(data: bytes) -> Texture | None:
    """A texture, or ``None`` for bytes that are not a picture Kivy can decode."""
    kind = image_kind(data)
    if kind is None:
        return None
    try:
        return CoreImage(io.BytesIO(data), ext=kind).texture
    except Exception:  # a broken picture must not break the screen around it
        log.warning("could not decode a %s picture", kind)
        return None
