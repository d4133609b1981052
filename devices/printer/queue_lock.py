"""One worker per print-queue file, on Linux and Windows alike (docs/kiosk-windows.md).

A second kiosk process on the same queue would print every job twice, so the queue's worker
holds an exclusive lock on ``<queue>.lock`` while it runs. The lock is SQLite's own: an
exclusive transaction on that (empty) file, which SQLite takes with ``fcntl`` byte-range locks
on POSIX and ``LockFileEx`` on Windows. Both are released by the operating system when the
process ends, also when it is killed or the power is cut, so a crash never leaves a stale lock
behind the way a lock *file* (created, then deleted) would. Only the standard library's
``sqlite3`` is needed, which the queue already uses for its jobs.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from devices.errors import DeviceError

TAKEN_MESSAGE = "打印队列 {queue} 已由另一个程序在处理"


class QueueLock:
    """The exclusive lock of one queue file; :meth:`acquire` fails at once if it is taken."""

    def __init__(self, queue_path: Path) -> None:
        self.queue_path = queue_path
        self.path = queue_path.with_name(queue_path.name + ".lock")
        self._db: sqlite3.Connection | None = None

    @property
    def held(self) -> bool:
        return self._db is not None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`DeviceError` saying another program holds it."""
        if self._db is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=0, isolation_level=None, check_same_thread=False)
        try:
            db.execute("BEGIN EXCLUSIVE")
        except sqlite3.Error as exc:
            db.close()
            if getattr(exc, "sqlite_errorcode", None) == sqlite3.SQLITE_BUSY:
                raise DeviceError(TAKEN_MESSAGE.format(queue=self.queue_path)) from None
            raise DeviceError(f"无法锁定打印队列 {self.queue_path}（{self.path}）：{exc}") from exc
        self._db = db

    def release(self) -> None:
        db, self._db = self._db, None
        if db is not None:
            db.close()  # closing ends the transaction and with it the lock
