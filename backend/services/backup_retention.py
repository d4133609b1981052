"""Keeping backups for a number of days (docs/backup.md).

An archive's age is read from its name (``hall-YYYYMMDD-HHMMSS.tar.gz``, the hall's local time
when it was made), not from the file's modification time, which a copy to other media changes.
The newest archive is never removed, however old: a hall whose backups stopped still keeps its
last one. Files of other names in the folder are left alone.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

NAME_TIME = "hall-%Y%m%d-%H%M%S.tar.gz"


def archive_time(path: Path) -> datetime | None:
    try:
        return datetime.strptime(path.name, NAME_TIME)  # noqa: DTZ007 - the hall's local time
    except ValueError:
        return None


def prune(folder: Path, keep_days: int, now: datetime) -> list[Path]:
    """Remove the archives older than ``keep_days`` days (0: keep all); the ones removed."""
    if keep_days <= 0 or not folder.is_dir():
        return []
    dated = sorted(
        (stamp, path) for path in folder.glob("hall-*.tar.gz") if (stamp := archive_time(path))
    )
    cutoff = now.replace(tzinfo=None) - timedelta(days=keep_days)
    removed = []
    for stamp, path in dated[:-1]:
        if stamp < cutoff:
            path.unlink()
            removed.append(path)
    return removed
