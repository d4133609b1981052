"""The audit log as a hash chain, on SQLite and PostgreSQL: ``audit verify`` finds a row deleted
or forged behind the application's back (the attacker drops the append-only triggers first, as
someone with database access would), concurrent writers keep one chain, and snapshots keep no
full ID numbers, phones or addresses."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime, time

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from backend import schema
from backend.db import unit_of_work
from backend.models import AuditEntry, Member
from backend.services import audit, audit_chain, hall_clock
from backend.services.actor import Actor
from backend.services.audit_chain import GENESIS, row_hash
from tests.builders import Builders


def _drop_guards(db) -> None:  # type: ignore[no-untyped-def]
    """What an attacker with database access does before touching the log."""
    if db.get_bind().dialect.name == "sqlite":
        db.execute(text("DROP TRIGGER audit_log_no_update"))
        db.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        db.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))


def _ids(db) -> list[int]:  # type: ignore[no-untyped-def]
    return list(db.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))


def _verify(app, db) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    db.rollback()  # a SQLite transaction left open would hold the write lock the command needs
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


def test_an_untouched_log_verifies(app, db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.card(build.member(orgs["b1"]))
    db.commit()
    rows = db.scalar(select(func.count()).select_from(AuditEntry))
    code, output = _verify(app, db)
    assert code == 0 and f"审计链完整（共 {rows} 行）" in output
    first = db.scalar(select(AuditEntry).order_by(AuditEntry.id).limit(1))
    assert first.prev_hash == GENESIS


def test_a_deleted_row_is_named(app, db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    build.district()
    db.commit()
    ids = _ids(db)
    _drop_guards(db)
    db.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[3]})
    db.commit()
    code, output = _verify(app, db)
    assert code == 1
    assert f"审计链在第 {ids[4]} 行断开：与上一行的哈希不相接" in output


def test_a_changed_row_is_named(app, db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    build.district()
    db.commit()
    ids = _ids(db)
    _drop_guards(db)
    db.execute(text("UPDATE audit_log SET actor_name = '他人' WHERE id = :id"), {"id": ids[2]})
    db.commit()
    code, output = _verify(app, db)
    assert code == 1 and f"审计链在第 {ids[2]} 行断开：内容与本行哈希不符" in output


def test_a_forged_back_dated_row_is_named(app, db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    """The attacker knows the algorithm and writes a row that links correctly to the last one,
    dated last year; a cruder forgery linked to an old row is caught by the link itself."""
    build.district()
    db.commit()
    head = db.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    row = {
        "at": hall_clock.stored(datetime(2025, 3, 1, 2, 0, tzinfo=UTC)),
        "actor_type": "user",
        "actor_id": 1,
        "actor_name": "admin",
        "action": "payment.void",
        "entity_type": "payment",
        "entity_id": "7",
        "before": None,
        "after": {"reason": "补录"},
    }
    db.execute(
        AuditEntry.__table__.insert().values(
            **row, prev_hash=head.row_hash, row_hash=row_hash(row, head.row_hash)
        )
    )
    db.commit()
    forged_id = _ids(db)[-1]
    code, output = _verify(app, db)
    assert code == 1 and f"审计链在第 {forged_id} 行断开：时间早于上一行" in output


def test_a_row_linked_to_an_old_row_is_named(app, db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    build.district()
    db.commit()
    old = db.scalar(select(AuditEntry).order_by(AuditEntry.id).limit(1))
    row = {
        "at": old.at,
        "actor_type": "user",
        "actor_id": 1,
        "actor_name": "admin",
        "action": "member.update",
        "entity_type": "member",
        "entity_id": "1",
        "before": None,
        "after": None,
    }
    db.execute(
        AuditEntry.__table__.insert().values(
            **row, prev_hash=old.row_hash, row_hash=row_hash(row, old.row_hash)
        )
    )
    db.commit()
    forged_id = _ids(db)[-1]
    code, output = _verify(app, db)
    assert code == 1 and f"审计链在第 {forged_id} 行断开：与上一行的哈希不相接" in output


@pytest.mark.parametrize("db_kind", ["postgres"])  # SQLite has no TRUNCATE to refuse
def test_postgres_refuses_truncate(db, db_kind: str, build: Builders) -> None:  # type: ignore[no-untyped-def]
    build.district()
    db.commit()
    with pytest.raises(DBAPIError, match="append-only"):
        db.execute(text("TRUNCATE audit_log"))
    db.rollback()
    assert db.scalar(select(func.count()).select_from(AuditEntry)) > 0


def test_concurrent_writers_keep_one_chain(app, db) -> None:  # type: ignore[no-untyped-def]
    """24 threads, each writing two audit rows in its own transaction, all released together:
    without the chain lock two of them link to the same previous row and verify fails."""
    factory = app.extensions["hall"].session_factory
    barrier = threading.Barrier(24)

    def write(n: int) -> None:
        barrier.wait(timeout=30)
        with unit_of_work(factory) as session:
            actor = Actor("user", n, f"clerk-{n}")
            audit.record(session, actor, "payment.create", "payment", n, after={"n": n})
            session.flush()
            audit.record(session, actor, "payment.reprint", "payment", n)

    with ThreadPoolExecutor(max_workers=24) as pool:
        list(pool.map(write, range(24)))
    report = audit_chain.verify(db)
    assert report.intact, report.message()
    assert report.rows == 48


def test_snapshots_keep_no_full_id_numbers_phones_or_addresses(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], phone="13912345678")
    member.address = "示范区幸福路8号3单元"
    before = audit.snapshot(member)
    member.phone = "13700001111"
    audit.record(
        db,
        Actor.system("test"),
        "member.update",
        "member",
        member.id,
        before=before,
        after=audit.snapshot(member),
    )
    db.commit()
    created, updated = db.scalars(
        select(AuditEntry)
        .where(AuditEntry.entity_type == "member", AuditEntry.entity_id == str(member.id))
        .order_by(AuditEntry.id)
    ).all()
    full = db.get(Member, member.id).id_number
    for image in (created.after, updated.before, updated.after):
        assert image["id_number"] == full[:3] + "*" * 11 + full[-4:]
    assert updated.before["phone"] == "139****5678" and updated.after["phone"] == "137****1111"
    assert updated.before["address"] == "（已省略）"
    assert updated.after["name"] == "张小明"  # who the change was about stays readable
    assert audit_chain.verify(db).intact


def test_the_migration_links_rows_written_before_it(database_url: str, db_kind: str) -> None:
    """A log written under 0002 (no chain) verifies after upgrading to the chain, and a
    dissolution day stored as a timestamp becomes a date."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            AuditEntry.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        schema.upgrade(engine, "0002")
        with engine.begin() as conn:
            for n in range(5):
                conn.execute(
                    text(
                        "INSERT INTO audit_log (at, actor_type, actor_id, actor_name, action,"
                        " entity_type, entity_id, before, after) VALUES (:at, 'system', NULL,"
                        " 'cli', 'org.create', 'organization', :n, NULL, :after)"
                    ),
                    {
                        "at": hall_clock.stored(datetime(2026, 1, 1, 8, n, tzinfo=UTC)),
                        "n": str(n),
                        "after": f'{{"n": {n}}}',
                    },
                )
            for n, parent, dissolved in (
                (1, None, None),
                (2, 1, datetime.combine(date(2025, 4, 10), time())),
            ):
                conn.execute(
                    text(
                        "INSERT INTO organizations (id, code, name, type, parent_id, path, active,"
                        " dissolved_at, created_at) VALUES (:n, :code, :name, 'BRANCH', :parent,"
                        " :path, :active, :dissolved, :at)"
                    ),
                    {
                        "n": n,
                        "code": f"0{n}",
                        "name": f"组织{n}",
                        "parent": parent,
                        "path": f"/{n}/",
                        "active": dissolved is None,
                        "dissolved": dissolved,
                        "at": hall_clock.stored(datetime(2025, 1, 1, tzinfo=UTC)),
                    },
                )
        schema.upgrade(engine)
        with Session(engine) as session:
            report = audit_chain.verify(session)
            days = session.execute(
                text("SELECT id, dissolved_on FROM organizations ORDER BY id")
            ).all()
    finally:
        engine.dispose()
    assert report.intact and report.rows == 5
    # The dissolution day, a midnight timestamp before, is a date now.
    assert [(i, str(d) if d else None) for i, d in days] == [(1, None), (2, "2025-04-10")]


def test_rows_written_in_bulk_join_the_chain(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    """Imports and organization moves write thousands of rows in one executemany, between rows
    written one at a time; the chain runs through all of them in id order."""
    build.district()
    actor = Actor("user", 1, "导入")
    rows = [
        {**dict.fromkeys(("before",)), "actor_type": "user", "actor_id": 1, "actor_name": "导入",
         "action": "member.import", "entity_type": "member", "entity_id": str(n),
         "after": {"n": n, "id_number": "110105198005170012"}}
        for n in range(2500)
    ]  # fmt: skip
    audit_chain.append_rows(db, rows)
    audit.record(db, actor, "import.members", "import", None, after={"created": 2500})
    db.commit()
    report = audit_chain.verify(db)
    assert report.intact, report.message()
    stored = db.scalar(
        select(AuditEntry.after).where(
            AuditEntry.action == "member.import", AuditEntry.entity_id == "7"
        )
    )
    assert stored == {"n": 7, "id_number": "110***********0012"}
