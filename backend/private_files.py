"""Files that hold the hall's data or keys are the owner's alone: folders 0700, files 0600
(docs/backup.md). Each file is created with that mode from its first byte, never chmod-ed after
the fact, so there is no moment at which another local user could open it."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) owner-only; an existing folder is left as it is."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    for folder in reversed(missing):
        folder.mkdir(mode=DIR_MODE, exist_ok=True)
        folder.chmod(DIR_MODE)  # mkdir's mode is narrowed by the umask, never widened
    return path


def create_private(path: Path) -> bool:
    """Create an empty owner-only file unless one exists; True when it was created."""
    private_dir(path.parent)
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, FILE_MODE)
    except FileExistsError:
        return False
    os.close(fd)
    return True


def write_private(path: Path, data: bytes | str) -> None:
    """Write a whole owner-only file, atomically (a temporary file beside it, then a rename)."""
    private_dir(path.parent)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")  # mkstemp: 0600
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(raw)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def create_private_with(path: Path, data: str) -> bool:
    """Create an owner-only file holding ``data`` unless the file exists; True when this call
    created it. The whole content appears at once (a temporary file, then a hard link that
    fails if the name is taken), so a reader never sees it half written and, of two processes
    racing, exactly one wins."""
    private_dir(path.parent)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8"))
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: last writer wins, as before
            os.replace(tmp, path)
        return True
    finally:
        Path(tmp).unlink(missing_ok=True)
