"""Durable storage of print jobs: one SQLite file, every change committed to disk.

WAL with ``synchronous=FULL``: a commit is on disk before the call returns, so a state written
here survives a power cut. :mod:`devices.printer.queue` explains which states are written when.
"""

from __future__ import annotations

import contextlib
import enum
import sqlite3
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any


class JobState(enum.StrEnum):
    QUEUED = "queued"
    PRINTING = "printing"
    WAITING_PRINTER = "waiting_printer"
    DONE = "done"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    JobState.QUEUED: "排队中",
    JobState.PRINTING: "正在打印",
    JobState.WAITING_PRINTER: "等待打印机",
    JobState.DONE: "已打印",
    JobState.FAILED: "打印失败",
}
PENDING = (JobState.QUEUED, JobState.WAITING_PRINTER)
UNCERTAIN_MESSAGE = (
    "打印过程中断，无法确认凭条是否已打出。请工作人员查看打印机："
    "已打出请选择“确认已打印”，未打出请选择“重新打印”。"
)
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL DEFAULT '',
    document TEXT NOT NULL,
    state TEXT NOT NULL,
    sending INTEGER NOT NULL DEFAULT 0,
    needs_confirmation INTEGER NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0,
    message TEXT NOT NULL DEFAULT '',
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    printed_at REAL
)
"""
_COLUMNS = "id, title, state, needs_confirmation, attempts, message, created_at, printed_at"


@dataclass(frozen=True)
class Job:
    """A job as staff and the kiosk see it."""

    id: str
    title: str
    state: JobState
    needs_confirmation: bool
    attempts: int
    message: str
    created_at: float
    printed_at: float | None


class JobStore:
    """The jobs table; safe to use from several threads of one process."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA busy_timeout = 5000")
        self._db.execute("PRAGMA journal_mode = WAL")
        self._db.execute("PRAGMA synchronous = FULL")
        self._db.execute(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def add(self, job_id: str, title: str, document: str) -> None:
        """Store a queued job; an existing ``job_id`` is left as it is."""
        now = time.time()
        with self._transaction() as db:
            db.execute(
                "INSERT OR IGNORE INTO jobs (id, title, document, state, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (job_id, title, document, JobState.QUEUED, now, now),
            )

    def jobs(self) -> list[Job]:
        with self._lock:
            rows = self._db.execute(f"SELECT {_COLUMNS} FROM jobs ORDER BY seq").fetchall()
        return [_job(row) for row in rows]

    def job(self, job_id: str) -> Job | None:
        with self._lock:
            cursor = self._db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id = ?", (job_id,))
            row = cursor.fetchone()
        return _job(row) if row else None

    def next_pending(self) -> tuple[str, str] | None:
        """``(id, document JSON)`` of the oldest job still to print."""
        with self._lock:
            row = self._db.execute(
                "SELECT id, document FROM jobs WHERE state IN (?, ?) ORDER BY seq LIMIT 1",
                PENDING,
            ).fetchone()
        return (row[0], row[1]) if row else None

    def set_state(
        self,
        job_id: str,
        state: JobState,
        *,
        message: str,
        attempt: bool = False,
        uncertain: bool = False,
        printed: bool = False,
    ) -> bool:
        """Record a new state (clearing the sending flag); ``False`` if nothing changed."""
        now = time.time()
        with self._transaction() as db:
            before = db.execute(
                "SELECT state, message FROM jobs WHERE id = ?", (job_id,)
            ).fetchone()
            if before == (state, message) and not (attempt or uncertain or printed):
                return False  # spare the disk a write every poll while a job waits
            db.execute(
                "UPDATE jobs SET state = ?, message = ?, updated_at = ?, sending = 0,"
                " attempts = attempts + ?, needs_confirmation = ?,"
                " printed_at = CASE WHEN ? THEN ? ELSE printed_at END WHERE id = ?",
                (state, message, now, int(attempt), int(uncertain), int(printed), now, job_id),
            )
        return True

    def mark_sending(self, job_id: str) -> None:
        with self._transaction() as db:
            db.execute("UPDATE jobs SET sending = 1 WHERE id = ?", (job_id,))

    def is_sending(self, job_id: str) -> bool:
        with self._lock:
            row = self._db.execute("SELECT sending FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return bool(row and row[0])

    def recover(self) -> None:
        """After a crash: requeue jobs that sent nothing, flag those that may have printed."""
        now = time.time()
        with self._transaction() as db:
            db.execute(
                "UPDATE jobs SET state = ?, message = '', updated_at = ?"
                " WHERE state = ? AND sending = 0",
                (JobState.QUEUED, now, JobState.PRINTING),
            )
            db.execute(
                "UPDATE jobs SET state = ?, needs_confirmation = 1, sending = 0, message = ?,"
                " updated_at = ? WHERE state = ? AND sending = 1",
                (JobState.FAILED, UNCERTAIN_MESSAGE, now, JobState.PRINTING),
            )

    def resolve_failed(self, job_id: str, state: JobState, message: str) -> bool:
        """Staff's decision on a failed job: ``DONE`` (it is on paper) or ``QUEUED`` again."""
        now = time.time()
        printed_at = now if state is JobState.DONE else None
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE jobs SET state = ?, needs_confirmation = 0, message = ?, updated_at = ?,"
                " printed_at = COALESCE(?, printed_at) WHERE id = ? AND state = ?",
                (state, message, now, printed_at, job_id, JobState.FAILED),
            )
            return cursor.rowcount == 1

    def cancel(self, job_id: str) -> bool:
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE jobs SET state = ?, message = ?, updated_at = ? WHERE id = ?"
                " AND state IN (?, ?)",
                (JobState.FAILED, "已取消", time.time(), job_id, *PENDING),
            )
            return cursor.rowcount == 1


def _job(row: Any) -> Job:
    job_id, title, state, confirm, attempts, message, created, printed = row
    return Job(job_id, title, JobState(state), bool(confirm), attempts, message, created, printed)
