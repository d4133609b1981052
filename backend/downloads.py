"""HTTP downloads with Chinese file names (shared by the API and the console)."""

from __future__ import annotations

from urllib.parse import quote


def content_disposition(filename: str, *, inline: bool = False) -> str:
    """A Content-Disposition value any browser or server accepts: an ASCII fallback name plus
    the real (Chinese) name RFC 5987-encoded. A raw non-ASCII name cannot travel in a header."""
    suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    kind = "inline" if inline else "attachment"
    return f"{kind}; filename=\"download.{suffix}\"; filename*=UTF-8''{quote(filename)}"
