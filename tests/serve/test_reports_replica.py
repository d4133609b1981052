"""Background exports read from a streaming replica when ``reports_database_url`` names one
(docs/scaling.md), on real PostgreSQL: a primary and a hot standby made by ``pg_basebackup -R``.

With the standby's replay paused, a member added on the primary is missing from an export — it
was read on the standby — and present once replay resumes. A hot standby refuses every write,
so an export that finishes there wrote nothing to it; the export's audit row (the console's
POST) is on the primary. Without the setting the export reads the primary.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from backend.app import create_app
from backend.models import AuditEntry, Organization
from backend.settings import Settings
from tests.builders import PASSWORD, Builders
from tests.kiosk.world import CARD_UID_KEY, SECRET_KEY
from tests.pg import PgCluster
from tests.serve.replica import start_replica
from tests.serve.world import MEMBER_NAME, STAFF, hall_database

NEWCOMER = "李新来"


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[str, str]]:
    """The hall's database on a primary, and its URL on the primary's streaming replica."""
    primary = PgCluster.start()
    replica = None
    try:
        url, _facts = hall_database(primary, "hall")
        replica = start_replica(primary)
        yield url, replica.url_for("hall")
    finally:
        if replica is not None:
            replica.stop()
        primary.stop()


def _exported_names(settings: Settings, jobs: Path) -> list[str]:
    """The names in a member roll exported through the console by an administrator."""
    app = create_app(settings)
    app.config.update(TESTING=True, WTF_CSRF_ENABLED=False, IMPORT_DIR=str(jobs))
    client = app.test_client()
    try:
        signed_in = client.post("/console/login", data={"username": STAFF[0], "password": PASSWORD})
        assert signed_in.status_code == 302
        started = client.post("/console/exports/members", data={})
        assert started.status_code == 302
        token = started.headers["Location"].rstrip("/").split("/")[-1]
        for _ in range(1200):
            status = client.get(f"/console/imports/{token}/status").get_json()
            if status["state"] != "exporting":
                break
            time.sleep(0.05)
        assert status["state"] == "done", status
        data = client.get(f"/console/exports/{token}/file").data
    finally:
        app.extensions["hall"].engine.dispose()
    sheet = load_workbook(io.BytesIO(data)).active
    return [row[2] for row in sheet.iter_rows(min_row=4, values_only=True)]


def _on(url: str, sql: str) -> object:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def _add_newcomer(url: str) -> None:
    engine = create_engine(url)
    settings = Settings(database_url=url, secret_key=SECRET_KEY, card_uid_key=CARD_UID_KEY)
    with Session(engine) as session:
        branch = session.scalars(select(Organization).where(Organization.code == "01010101"))
        Builders(session, settings).member(branch.one(), name=NEWCOMER, birth=date(1991, 3, 9))
        session.commit()
    engine.dispose()


def _wait_for_newcomer(replica_url: str) -> None:
    for _ in range(200):
        if _on(replica_url, f"SELECT count(*) FROM members WHERE name = '{NEWCOMER}'"):
            return
        time.sleep(0.05)
    raise AssertionError("the replica did not catch up")


def test_an_export_reads_the_replica_and_writes_nothing_to_it(
    clusters: tuple[str, str], tmp_path: Path
) -> None:
    url, replica_url = clusters
    assert _on(replica_url, "SELECT pg_is_in_recovery()") is True  # a hot standby: read-only
    base = Settings(database_url=url, secret_key=SECRET_KEY, card_uid_key=CARD_UID_KEY)
    with_replica = Settings(
        database_url=url,
        reports_database_url=replica_url,
        secret_key=SECRET_KEY,
        card_uid_key=CARD_UID_KEY,
    )
    _on(replica_url, "SELECT pg_wal_replay_pause()")
    try:
        _add_newcomer(url)
        from_replica = _exported_names(with_replica, tmp_path / "jobs-1")
        from_primary = _exported_names(base, tmp_path / "jobs-2")
    finally:
        _on(replica_url, "SELECT pg_wal_replay_resume()")
    assert MEMBER_NAME in from_replica and NEWCOMER not in from_replica
    assert MEMBER_NAME in from_primary and NEWCOMER in from_primary
    _wait_for_newcomer(replica_url)
    caught_up = _exported_names(with_replica, tmp_path / "jobs-3")
    assert NEWCOMER in caught_up
    engine = create_engine(url)
    with Session(engine) as session:
        exports = select(func.count()).where(AuditEntry.action == "member.export")
        assert session.scalar(exports) == 3  # each export is audited, on the primary
    engine.dispose()


def test_exports_read_the_main_database_unless_a_replica_is_named() -> None:
    env = {"DATABASE_URL": "postgresql+psycopg://hall@db1/hall", "HALL_SECRET_KEY": "k"}
    env["HALL_CARD_UID_KEY"] = "c"
    assert Settings.from_env(env).reports_url == "postgresql+psycopg://hall@db1/hall"
    env["HALL_REPORTS_DATABASE_URL"] = "postgresql+psycopg://reports@db2/hall"
    assert Settings.from_env(env).reports_url == "postgresql+psycopg://reports@db2/hall"
