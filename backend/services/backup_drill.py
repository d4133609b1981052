"""The restore drill: prove that a backup restores (docs/backup.md).

The archive is restored into a fresh scratch database of the same kind — a temporary SQLite
file, or a new PostgreSQL database on the hall's own server (the hall's database user needs
CREATEDB) — never into the live one; every table's fingerprint is compared with the one the
backup recorded of what it dumped, the audit chain is verified, and the scratch database is
dropped again. The live keys are not touched: the drill restores the database alone.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.services import audit_chain
from backend.services import backup as backups
from backend.services.table_checksums import differences, fingerprint


@dataclass
class DrillReport:
    archive: Path
    created: str
    tables: int = 0
    rows: int = 0
    mismatches: list[str] = field(default_factory=list)
    recorded: bool = True  # False: an archive from before fingerprints were recorded
    audit_line: str = ""
    audit_ok: bool = False

    @property
    def ok(self) -> bool:
        return not self.mismatches and self.audit_ok

    def lines(self) -> list[str]:
        out = [f"演练备份：{self.archive.name}（备份时间 {self.created}）"]
        out.append(f"已恢复到临时数据库：{self.tables} 张表，{self.rows} 行")
        if not self.recorded:
            out.append("此备份未记录各表校验值（旧格式）：只核对了能否恢复与审计链")
        elif self.mismatches:
            out.append("与备份时的校验值不一致：")
            out.extend(f"  {line}" for line in self.mismatches)
        else:
            out.append("各表行数与校验值与备份时完全一致")
        out.append(self.audit_line)
        out.append("演练通过" if self.ok else "演练未通过：请检查备份介质，并立即重新备份")
        return out


def latest_archive(folder: Path) -> Path:
    archives = sorted(folder.glob("hall-*.tar.gz")) if folder.is_dir() else []
    if not archives:
        raise Invalid(f"备份目录 {folder} 中没有备份文件", code="no_backup")
    return archives[-1]  # names carry the time: hall-YYYYMMDD-HHMMSS


def drill(archive: Path, live: Engine) -> DrillReport:
    """Restore ``archive`` into a scratch database beside ``live``'s and check it."""
    manifest = backups.read_manifest(archive)
    report = DrillReport(archive, str(manifest.get("created", "")))
    expected = manifest.get("tables")
    with backups.scratch_folder() as scratch, _scratch_database(live, scratch) as engine:
        with backups.open_archive(archive) as tar:
            backups.restore_database(tar, engine, scratch)
        with engine.connect() as conn:
            actual = fingerprint(conn)
        report.tables = len(actual)
        report.rows = sum(count for count, _ in actual.values())
        if expected is None:
            report.recorded = False
        else:
            report.mismatches = differences(expected, actual)
        with Session(engine) as session:
            result = audit_chain.verify(session)
            report.audit_line, report.audit_ok = result.message(), result.intact
        engine.dispose()
    return report


@contextmanager
def _scratch_database(live: Engine, scratch: Path) -> Iterator[Engine]:
    if live.url.get_backend_name() == "sqlite":
        engine = create_engine(f"sqlite:///{scratch / 'drill.db'}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    name = f"hall_drill_{os.getpid()}_{secrets.token_hex(4)}"
    admin = create_engine(live.url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        engine = create_engine(live.url.set(database=name))
        try:
            yield engine
        finally:
            engine.dispose()
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()
