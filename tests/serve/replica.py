"""A streaming replica of a throw-away PostgreSQL cluster (tests/pg.py): ``pg_basebackup -R``
of the primary into a fresh directory, started as a hot standby on a port of its own, as a
reports server would be set up (docs/scaling.md)."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from tests.pg import PgCluster, _as_postgres, _bin, _free_port


def start_replica(primary: PgCluster) -> PgCluster:
    root = Path(tempfile.mkdtemp(prefix="hall-pg-replica-"))
    root.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    data = root / "data"
    _as_postgres(
        [
            _bin("pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(data), "-R", "-X", "stream"),
        ]
    )
    port = _free_port()
    try:
        _start(data, root, port)
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return PgCluster(root, port)


def _start(data: Path, root: Path, port: int) -> None:
    _as_postgres(
        [
            _bin("pg_ctl"),
            *("-w", "-D", str(data), "-l", str(root / "log")),
            *(
                "-o",
                f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c hot_standby=on "
                # a standby must allow as many connections as its primary (tests/pg.py)
                "-c max_connections=200",
            ),
            "start",
        ]
    )
