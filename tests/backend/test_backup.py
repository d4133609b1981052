"""Backup and restore on SQLite and PostgreSQL: the archive is the owner's alone and carries the
keys, a restore into a fresh database gives the same ledger and a card tap still finds its
member; the database password never appears on a command line."""

from __future__ import annotations

import itertools
import json
import os
import stat
import tarfile
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from backend import create_app
from backend.models import DuesMonth, Member, Payment
from backend.services import payments
from backend.services.actor import Actor
from backend.settings import DuesSettings, Settings
from tests.builders import Builders
from tests.pg import PgCluster

_fresh = itertools.count()


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _ledger(session) -> list[tuple]:  # type: ignore[no-untyped-def]
    months = session.execute(
        select(
            DuesMonth.member_id,
            DuesMonth.year,
            DuesMonth.month,
            DuesMonth.due_fen,
            DuesMonth.paid_fen,
            DuesMonth.payment_id,
        ).order_by(DuesMonth.id)
    ).all()
    slips = session.execute(
        select(Payment.slip_year, Payment.slip_seq, Payment.member_id, Payment.amount_fen).order_by(
            Payment.id
        )
    ).all()
    return [tuple(r) for r in months] + [tuple(r) for r in slips]


def _fresh_database(db_kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if db_kind == "sqlite":
        return f"sqlite:///{tmp_path / 'restored' / 'hall.db'}"
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    name = f"hall_restore_{next(_fresh)}"
    admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"DROP DATABASE IF EXISTS {name}"))
        conn.execute(text(f"CREATE DATABASE {name}"))
    admin.dispose()
    return cluster.url_for(name)


def _district_with_money(build: Builders, db) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="王𬌗", monthly_fen=7650)
    uid = build.card(member)
    build.ledger(member, 2026)
    key = build.device()
    db.flush()
    payments.pay(
        db,
        Actor("user", None, "窗口"),
        DuesSettings(),
        member,
        idempotency_key="backup-test-1",
        count=3,
        today=date(2026, 7, 15),
    )
    db.commit()
    return uid, key


def test_backup_restores_into_a_fresh_database_with_its_keys(  # type: ignore[no-untyped-def]
    app, db, build: Builders, db_kind: str, request, tmp_path: Path
) -> None:
    uid, device_key = _district_with_money(build, db)
    before = _ledger(db)
    db.rollback()

    made = app.test_cli_runner().invoke(args=["backup", "--to", str(tmp_path / "out" / "bk")])
    assert made.exit_code == 0, made.output
    assert "本备份含签名密钥与卡号密钥" in made.output
    archive = next((tmp_path / "out" / "bk").iterdir())
    assert _mode(archive) == 0o600 and _mode(archive.parent) == 0o700
    assert _mode(tmp_path / "out") == 0o700
    with tarfile.open(archive) as tar:
        keys = json.loads(tar.extractfile("keys.json").read())  # type: ignore[union-attr]
    assert keys == {"secret_key": "test-secret", "card_uid_key": "test-card-key"}

    # A new machine: an empty database and no keys of its own yet.
    instance = tmp_path / "new-instance"
    target = Settings(
        database_url=_fresh_database(db_kind, request, tmp_path),
        secret_key="",
        card_uid_key="",
        instance_dir=str(instance),
    )
    restorer = create_app(target)
    done = restorer.test_cli_runner().invoke(args=["restore", str(archive)])
    restorer.extensions["hall"].engine.dispose()
    assert done.exit_code == 0, done.output
    assert "审计链完整" in done.output
    assert _mode(instance) == 0o700 and _mode(instance / "secrets.json") == 0o600
    if db_kind == "sqlite":
        assert _mode(tmp_path / "restored" / "hall.db") == 0o600

    hall = create_app(target.with_secrets())
    hall.config["TESTING"] = True
    try:
        with hall.extensions["hall"].session_factory() as session:
            assert _ledger(session) == before
        tap = hall.test_client().post(
            "/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": device_key}
        )
        assert tap.status_code == 201, tap.json
        assert tap.json["member"]["name_masked"] == "王*"
    finally:
        hall.extensions["hall"].engine.dispose()


def test_restore_refuses_a_database_that_has_data(app, db, build: Builders, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _district_with_money(build, db)
    db.rollback()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["backup", "--to", str(tmp_path / "bk")]).exit_code == 0
    archive = next((tmp_path / "bk").iterdir())
    refused = runner.invoke(args=["restore", str(archive)])
    assert refused.exit_code == 1 and "目标数据库不是空库" in refused.output
    assert db.scalar(select(Member.name)) == "王𬌗"


@pytest.mark.postgres
def test_pg_dump_gets_the_password_from_its_environment(  # type: ignore[no-untyped-def]
    request, tmp_path: Path, monkeypatch
) -> None:
    """The real pg_dump runs, behind a wrapper on PATH that writes down its argument list and
    whether PGPASSWORD was set (the test cluster trusts local connections, so any password
    gets in)."""
    cluster: PgCluster = request.getfixturevalue("pg_cluster")
    request.getfixturevalue("pg_template")
    wrappers = tmp_path / "bin"
    wrappers.mkdir()
    seen = tmp_path / "seen.txt"
    real = Path("/usr/bin/pg_dump")
    (wrappers / "pg_dump").write_text(
        f'#!/bin/sh\necho "argv: $*" >> {seen}\necho "env: ${{PGPASSWORD:-none}}" >> {seen}\n'
        f'exec {real} "$@"\n'
    )
    (wrappers / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrappers}:{os.environ['PATH']}")
    url = cluster.url_for("hall_template").replace("postgres@", "postgres:S3cret-pw@")
    hall = create_app(Settings(database_url=url, secret_key="s", card_uid_key="k"))
    try:
        made = hall.test_cli_runner().invoke(args=["backup", "--to", str(tmp_path / "bk")])
    finally:
        hall.extensions["hall"].engine.dispose()
    assert made.exit_code == 0, made.output
    argv, env = seen.read_text().splitlines()
    assert "S3cret-pw" not in argv and "postgres@127.0.0.1" in argv
    assert env == "env: S3cret-pw"
