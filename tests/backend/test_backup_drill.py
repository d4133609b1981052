"""The restore drill and backup retention (docs/backup.md), on SQLite and on the real
PostgreSQL: a backup records every table's fingerprint, the drill restores it into a scratch
database, finds it equal (or names the table that is not), verifies the audit chain and leaves
the live database and keys alone; old archives are pruned by the date in their name."""

from __future__ import annotations

import io
import json
import tarfile
from datetime import datetime
from pathlib import Path

from sqlalchemy import create_engine, select, text

from backend.models import Payment
from backend.services.backup_retention import prune
from tests.backend.test_backup import _district_with_money, _ledger
from tests.builders import Builders


def _backup(app, folder: Path) -> Path:  # type: ignore[no-untyped-def]
    made = app.test_cli_runner().invoke(args=["backup", "--to", str(folder)])
    assert made.exit_code == 0, made.output
    return max(folder.glob("hall-*.tar.gz"))


def _rewrite_manifest(archive: Path, change) -> None:  # type: ignore[no-untyped-def]
    """The archive again, with ``change`` applied to its manifest (the rest byte for byte)."""
    with tarfile.open(archive) as tar:
        members = [(m, tar.extractfile(m).read()) for m in tar.getmembers()]  # type: ignore[union-attr]
    with tarfile.open(archive, "w:gz") as tar:
        for member, data in members:
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            tar.addfile(member, io.BytesIO(data))


def test_the_drill_restores_the_latest_backup_and_finds_every_table_equal(  # type: ignore[no-untyped-def]
    app, db, build: Builders, db_kind: str, tmp_path: Path
) -> None:
    _district_with_money(build, db)
    before = _ledger(db)
    db.rollback()
    folder = tmp_path / "bk"
    archive = _backup(app, folder)
    with tarfile.open(archive) as tar:
        manifest = json.loads(tar.extractfile("manifest.json").read())  # type: ignore[union-attr]
    assert manifest["tables"]["payments"][0] == 1
    assert manifest["tables"]["dues_months"][0] == 12

    drill = app.test_cli_runner().invoke(args=["backup-drill", str(archive)])
    assert drill.exit_code == 0, drill.output
    assert f"演练备份：{archive.name}" in drill.output
    assert "各表行数与校验值与备份时完全一致" in drill.output
    assert "审计链完整" in drill.output and "演练通过" in drill.output
    # The live hall is untouched, and on PostgreSQL no scratch database is left behind.
    assert _ledger(db) == before
    db.rollback()
    if db_kind == "postgres":
        names = db.scalars(text("SELECT datname FROM pg_database")).all()
        db.rollback()
        assert not [n for n in names if n.startswith("hall_drill_")]


def test_the_drill_names_a_table_that_did_not_come_back(  # type: ignore[no-untyped-def]
    app, db, build: Builders, tmp_path: Path
) -> None:
    _district_with_money(build, db)
    db.rollback()
    archive = _backup(app, tmp_path / "bk")

    def one_more_payment(manifest: dict) -> None:  # the backup claims a row the dump lacks
        manifest["tables"]["payments"][0] += 1

    _rewrite_manifest(archive, one_more_payment)
    drill = app.test_cli_runner().invoke(args=["backup-drill", str(archive)])
    assert drill.exit_code == 1, drill.output
    assert "payments：备份时 2 行，恢复后 1 行" in drill.output
    assert "演练未通过" in drill.output
    assert db.scalar(select(Payment.amount_fen)) is not None  # the live ledger still there


def test_the_drill_takes_the_newest_archive_of_the_backup_folder(  # type: ignore[no-untyped-def]
    app, db, build: Builders, tmp_path: Path
) -> None:
    _district_with_money(build, db)
    db.rollback()
    folder = Path(app.extensions["hall"].settings.backup_dir)
    archive = _backup(app, folder)
    (folder / "hall-20200101-000000.tar.gz").write_bytes(b"an old, broken archive")
    drill = app.test_cli_runner().invoke(args=["backup-drill"])
    assert drill.exit_code == 0, drill.output
    assert f"演练备份：{archive.name}" in drill.output


def test_the_drill_without_any_backup_says_so(app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    drill = app.test_cli_runner().invoke(args=["backup-drill"])
    assert drill.exit_code == 1
    assert "中没有备份文件" in drill.output


def test_old_archives_are_pruned_by_the_date_in_their_name_and_the_newest_kept(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "bk"
    folder.mkdir()
    names = [
        "hall-20261001-020000.tar.gz",
        "hall-20261101-020000.tar.gz",
        "hall-20261127-020000.tar.gz",
        "hall-20261202-020000.tar.gz",
        "notes.txt",
    ]
    for name in names:
        (folder / name).write_text("x")
    removed = prune(folder, 7, datetime(2026, 12, 3, 2, 30))  # noqa: DTZ001 - hall local time
    assert sorted(p.name for p in removed) == names[:2]
    assert sorted(p.name for p in folder.iterdir()) == names[2:]
    # However old, the newest archive stays; 0 days keeps everything.
    assert prune(folder, 1, datetime(2027, 6, 1)) == [folder / names[2]]  # noqa: DTZ001
    assert sorted(p.name for p in folder.iterdir()) == names[3:]
    assert prune(folder, 0, datetime(2030, 1, 1)) == []  # noqa: DTZ001


def test_backup_prunes_with_keep_days(app, db, build: Builders, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _district_with_money(build, db)
    db.rollback()
    folder = tmp_path / "bk"
    folder.mkdir()
    (folder / "hall-20200101-000000.tar.gz").write_text("x")
    made = app.test_cli_runner().invoke(args=["backup", "--to", str(folder), "--keep-days", "30"])
    assert made.exit_code == 0, made.output
    assert "已删除超过 30 天的备份 hall-20200101-000000.tar.gz" in made.output
    assert len(list(folder.glob("hall-*.tar.gz"))) == 1


def test_a_fingerprint_depends_on_the_rows_not_on_their_insertion_order(tmp_path: Path) -> None:
    from backend.models import Base
    from backend.services.table_checksums import fingerprint

    def made(name: str, attempts: dict[int, int]) -> list:  # type: ignore[type-arg]
        engine = create_engine(f"sqlite:///{tmp_path / name}")
        with engine.begin() as conn:
            Base.metadata.tables["login_throttle"].create(conn)
            for n, count in attempts.items():
                conn.execute(
                    text("INSERT INTO login_throttle VALUES (:a, :n, '2026-12-01 08:00:00')"),
                    {"a": f"10.0.0.{n}", "n": count},
                )
        with engine.connect() as conn:
            result = fingerprint(conn)["login_throttle"]
        engine.dispose()
        return result

    first = made("a.db", {1: 1, 2: 2, 3: 3})
    assert first[0] == 3
    assert made("b.db", {3: 3, 1: 1, 2: 2}) == first
    assert made("c.db", {1: 1, 2: 2, 3: 4})[1] != first[1]
