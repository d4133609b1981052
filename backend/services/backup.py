"""Backups that a restore can stand on (docs/backup.md).

A backup is one owner-only archive, ``hall-YYYYMMDD-HHMMSS.tar.gz``, holding

- ``manifest.json``: which database (``sqlite`` or ``postgresql``), when, at which migration,
  and the fingerprint of every table as dumped (``table_checksums``; the restore drill compares
  it, ``backup_drill``);
- ``hall.db`` (a consistent SQLite copy, made with SQLite's online backup) or ``hall.dump``
  (``pg_dump -Fc``);
- ``keys.json``: the signing key and the card-UID key. Card UIDs are stored only as keyed
  hashes, so a database restored without its key recognizes no card; the archive is therefore
  as secret as the keys themselves and is written 0600.

The database password never appears on a command line (``ps`` shows those to every local user):
pg_dump and pg_restore get it in their environment (``PGPASSWORD``).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, text
from sqlalchemy.engine import URL

from backend.errors import Conflict, Invalid
from backend.private_files import FILE_MODE, create_private, private_dir, write_private
from backend.services.table_checksums import Fingerprint, fingerprint
from backend.settings import Settings

FORMAT = 1
_DB_MEMBER = {"sqlite": "hall.db", "postgresql": "hall.dump"}
WARNING = "本备份含签名密钥与卡号密钥：请像保管数据库本身一样保管，只存放在受控的介质上。"


@dataclass(frozen=True)
class Restored:
    kind: str
    revision: str | None
    keys_written: Path
    keys_replaced: Path | None  # the earlier secrets file, kept under another name


def make_backup(engine: Engine, settings: Settings, folder: Path, now: datetime) -> Path:
    """Write one archive into ``folder`` (created owner-only); ``now`` is the hall's time."""
    kind = _kind(engine)
    private_dir(folder)
    out = folder / f"hall-{now.strftime('%Y%m%d-%H%M%S')}.tar.gz"
    manifest = {
        "format": FORMAT,
        "kind": kind,
        "created": now.isoformat(timespec="seconds"),
        "revision": _revision(engine),
        "warning": WARNING,
    }
    keys = {"secret_key": settings.secret_key, "card_uid_key": settings.card_uid_key}
    with scratch_folder() as scratch:
        dump = scratch / _DB_MEMBER[kind]
        if kind == "sqlite":
            _sqlite_copy(Path(engine.url.database or ""), dump)
            manifest["tables"] = _sqlite_fingerprint(dump)
        else:
            manifest["tables"] = _pg_dump_with_fingerprint(engine, dump)
        if not create_private(out):
            raise Conflict(f"备份文件{out.name}已存在", code="backup_exists")
        with tarfile.open(out, "w:gz") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
            _add_bytes(tar, "keys.json", json.dumps(keys, indent=2))
            tar.add(dump, arcname=dump.name)
    return out


def restore(archive: Path, engine: Engine, settings: Settings) -> Restored:
    """Restore an archive into the (empty) database of ``engine`` and its keys into the
    instance folder. Refuses a database that already has tables, and a backup of the other kind
    of database."""
    kind = _kind(engine)
    with scratch_folder() as scratch, open_archive(archive) as tar:
        manifest = json.loads(_read(tar, "manifest.json"))
        if manifest.get("format") != FORMAT or manifest.get("kind") not in _DB_MEMBER:
            raise Invalid("不是本系统的备份文件", code="backup_format")
        if manifest["kind"] != kind:
            raise Invalid(
                f"备份来自 {manifest['kind']} 数据库，不能恢复到 {kind} 数据库",
                code="backup_kind",
            )
        if inspect(engine).get_table_names():
            raise Conflict("目标数据库不是空库：请新建一个空数据库再恢复", code="restore_not_empty")
        keys = json.loads(_read(tar, "keys.json"))
        restore_database(tar, engine, scratch)
    written, replaced = _put_keys(settings.secrets_path, keys)
    return Restored(kind, manifest.get("revision"), written, replaced)


def read_manifest(archive: Path) -> dict[str, Any]:
    with open_archive(archive) as tar:
        manifest = json.loads(_read(tar, "manifest.json"))
    if manifest.get("format") != FORMAT or manifest.get("kind") not in _DB_MEMBER:
        raise Invalid("不是本系统的备份文件", code="backup_format")
    return manifest


def restore_database(tar: tarfile.TarFile, engine: Engine, scratch: Path) -> None:
    """The archive's database into the empty database of ``engine`` (nothing else)."""
    kind = _kind(engine)
    dump = scratch / _DB_MEMBER[kind]
    write_private(dump, _read(tar, dump.name, text_mode=False))
    engine.dispose()
    if kind == "sqlite":
        _sqlite_copy(dump, Path(engine.url.database or ""))
    else:
        options = ["--no-owner", "--no-privileges", "--exit-on-error"]
        _pg_run("pg_restore", engine.url, options, dump)


def read_keys(path: Path) -> dict[str, str]:
    return json.loads(path.read_text(encoding="utf-8"))


def _kind(engine: Engine) -> str:
    name = engine.url.get_backend_name()
    if name not in _DB_MEMBER:
        raise Invalid(f"不支持的数据库：{name}", code="backup_kind")
    return name


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _sqlite_fingerprint(copy: Path) -> Fingerprint:
    engine = create_engine(f"sqlite:///{copy}")
    try:
        with engine.connect() as conn:
            return fingerprint(conn)
    finally:
        engine.dispose()


def _pg_dump_with_fingerprint(engine: Engine, dump: Path) -> Fingerprint:
    """pg_dump and the fingerprint from one snapshot: this transaction exports its snapshot
    and pg_dump reads through it (``--snapshot``), so both see exactly the same rows while the
    hall goes on writing."""
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            tables = fingerprint(conn)
            _pg_run("pg_dump", engine.url, ["-Fc", f"--snapshot={snapshot}", "-f", str(dump)])
    return tables


def _sqlite_copy(source: Path, target: Path) -> None:
    create_private(target)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _pg_run(program: str, url: URL, args: list[str], *tail: Path) -> None:
    if shutil.which(program) is None:
        raise Invalid(f"找不到 {program}，请安装 postgresql-client", code="pg_tools")
    plain = URL.create(  # everything but the password
        "postgresql", url.username, None, url.host, url.port, url.database, url.query
    )
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    command = [program, *args, "--dbname", plain.render_as_string(), *map(str, tail)]
    result = subprocess.run(command, env=env, umask=0o077, capture_output=True, text=True)
    if result.returncode != 0:
        raise Invalid(f"{program} 失败：{result.stderr.strip()[-500:]}", code="pg_tools")


def _put_keys(path: Path, keys: dict[str, str]) -> tuple[Path, Path | None]:
    replaced = None
    if path.exists():
        current = read_keys(path)
        if all(current.get(k) == keys[k] for k in keys):
            return path, None
        replaced = path.with_name(f"{path.name}.before-restore")
        os.replace(path, replaced)
    write_private(path, json.dumps(keys, indent=2))
    return path, replaced


@contextmanager
def scratch_folder() -> Iterator[Path]:
    folder = Path(tempfile.mkdtemp(prefix="hall-backup-"))  # mkdtemp: 0700
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    try:
        with tarfile.open(path, "r:gz") as tar:
            yield tar
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise Invalid(f"无法读取备份文件：{exc}", code="backup_format") from None


def _read(tar: tarfile.TarFile, name: str, *, text_mode: bool = True) -> str | bytes:
    """One member's content, by exact name (nothing is extracted to a path from the archive)."""
    try:
        member = tar.getmember(name)
        handle = tar.extractfile(member) if member.isfile() else None
    except KeyError:
        handle = None
    if handle is None:
        raise Invalid(f"备份文件缺少{name}", code="backup_format")
    data = handle.read()
    return data.decode("utf-8") if text_mode else data


def _add_bytes(tar: tarfile.TarFile, name: str, content: str) -> None:
    data = content.encode("utf-8")
    info = tarfile.TarInfo(name)
    info.size, info.mode = len(data), FILE_MODE
    tar.addfile(info, io.BytesIO(data))
