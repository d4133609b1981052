"""A streaming replica of a throw-away PostgreSQL cluster (tests/pg.py): ``pg_basebackup -R``
of the primary into a fresh directory, started as a hot standby on a port of its own, as a
reports server would be set up (docs/scaling.md)."""

from __future__ import annotations

import shutil

from tests.pg import PgCluster, _as_postgres, _bin, _free_port, new_cluster_root, start_server


def start_replica(primary: PgCluster) -> PgCluster:
    root = new_cluster_root("hall-pg-replica-")
    _as_postgres(
        [
            _bin("pg_basebackup"),
            *("-h", "127.0.0.1", "-p", str(primary.port), "-U", "postgres"),
            *("-D", str(root / "data"), "-R", "-X", "stream"),
        ]
    )
    port = _free_port()
    try:
        start_server(root, port, "-c hot_standby=on")
    except BaseException:
        shutil.rmtree(root, ignore_errors=True)
        raise
    return PgCluster(root, port)
