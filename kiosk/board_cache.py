"""The board kept on the kiosk's disk, for when the backend cannot be reached (docs/kiosk.md,
The board offline).

Every public board answer the kiosk receives — disclosure categories, list pages, items,
their pictures, the honor roll and its photos — is written to ``cache_folder/board``
(atomically: one file per answer, named by a hash of the request). When a later call finds
the backend unreachable, the last answer to the same request is served instead, with the local
time it was saved. Answers fetched with a member's session token are never written: what one
member may read must not stay on a public machine's disk.
"""

from __future__ import annotations

import base64
import hashlib
import logging
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

from kiosk.disk import read_json, write_json

log = logging.getLogger(__name__)

KEEP_DAYS = 60


def saved_label() -> str:
    """Now on the kiosk's wall clock, as the note shows it."""
    return datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")


class BoardCache:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self._lock = threading.Lock()
        self._written: dict[str, str] = {}  # key → digest of what is on disk (skip rewrites)
        self._prune()

    def _file(self, key: str) -> Path:
        return self.folder / f"{hashlib.sha256(key.encode()).hexdigest()}.json"

    def put(self, key: str, value: Any) -> None:
        """Keep ``value`` (JSON, or bytes for a picture); an unchanged answer is not rewritten."""
        raw = isinstance(value, bytes)
        body = base64.b64encode(value).decode() if raw else value
        digest = hashlib.sha256(repr((raw, body)).encode()).hexdigest()
        with self._lock:
            if self._written.get(key) == digest:
                return
            self._written[key] = digest
        entry = {"key": key, "saved_at": saved_label(), "raw": raw, "value": body}
        try:
            write_json(self._file(key), entry)
        except OSError as exc:
            log.warning("board cache not written: %s", exc)

    def get(self, key: str) -> tuple[Any, str] | None:
        """The kept answer and when it was saved, or None."""
        entry = read_json(self._file(key))
        if not isinstance(entry, dict) or entry.get("key") != key:
            return None
        value = entry.get("value")
        if entry.get("raw"):
            value = base64.b64decode(str(value))
        return value, str(entry.get("saved_at", ""))

    def _prune(self) -> None:
        """Answers nobody asked for in ``KEEP_DAYS`` (withdrawn items, old photos) go."""
        if not self.folder.is_dir():
            return
        limit = time.time() - KEEP_DAYS * 86400
        for path in self.folder.glob("*.json"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except OSError:
                continue
