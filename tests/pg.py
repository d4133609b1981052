"""A throw-away PostgreSQL cluster for the test session (see docs/testing.md).

initdb must run as the ``postgres`` user and cannot live under pytest's root-only tmp_path, so
the cluster goes into a fresh ``mktemp -d`` directory owned by ``postgres``.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


def _bin(name: str) -> str:
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    if not candidates:
        raise RuntimeError(f"找不到 PostgreSQL 程序 {name}：请安装 Debian 软件包 postgresql")
    return candidates[0]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_postgres(args: list[str]) -> subprocess.CompletedProcess[str]:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, capture_output=True, text=True)


@dataclass
class PgCluster:
    root: Path
    port: int

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def url_for(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    @classmethod
    def start(cls) -> PgCluster:
        root = new_cluster_root("hall-pg-")
        data = root / "data"
        _as_postgres(
            [_bin("initdb"), "-A", "trust", "-E", "UTF8", "--locale=C.UTF-8", "-D", str(data)]
        )
        port = _free_port()
        start_server(root, port, "-c fsync=off")
        return cls(root, port)

    def stop(self) -> None:
        try:
            _as_postgres([_bin("pg_ctl"), "-D", str(self.root / "data"), "-m", "fast", "stop"])
        finally:
            # Removed by a process of its own: on a disk busy with other work, deleting a
            # cluster's files can outlast the test's timeout, and nothing waits for it.
            subprocess.run(["sh", "-c", 'rm -rf "$1" &', "sh", str(self.root)], check=False)


def new_cluster_root(prefix: str) -> Path:
    """A fresh directory for a cluster, owned by ``postgres`` when the tests run as root."""
    root = Path(tempfile.mkdtemp(prefix=prefix))
    root.chmod(0o755)
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    return root


def start_server(root: Path, port: int, *options: str) -> None:
    """Start the cluster in ``root / "data"`` on loopback ``port``, its socket in ``root``.
    A standby must allow as many connections as its primary, so every cluster allows 200."""
    settings = " ".join(
        (f"-c listen_addresses=127.0.0.1 -p {port} -k {root}", *options, "-c max_connections=200")
    )
    _as_postgres(
        [
            _bin("pg_ctl"),
            *("-w", "-D", str(root / "data"), "-l", str(root / "log")),
            *("-o", settings),
            "start",
        ]
    )
