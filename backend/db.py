"""Engine and session factory, independent of Flask.

SQLite is the embedded default: WAL, a busy timeout and ``BEGIN IMMEDIATE`` make its writers
queue instead of failing with "database is locked", which is what keeps slip numbers gap-free
under concurrent payments. PostgreSQL gets row locks from the services themselves.

Reads get their own factory (``make_read_session_factory``): a deferred ``BEGIN`` under
``PRAGMA query_only`` on SQLite, ``SET TRANSACTION READ ONLY`` on PostgreSQL, so a long export
never holds the write lock and an accidental write fails loudly. Which request gets which is
described in docs/transactions.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Connection, CursorResult, Engine, Result, create_engine, event
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import ConnectionPoolEntry

from backend.private_files import create_private

READ_ONLY = "hall_read_only"  # the execution option that marks a read-only engine


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        if engine.url.database not in (None, "", ":memory:"):
            # The database file is the owner's alone (0600; SQLite gives its -wal and -shm files
            # the same mode), created so before SQLite would create it with the umask's mode.
            create_private(Path(engine.url.database).resolve())
        _configure_sqlite(engine)
        return engine
    engine = create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20)

    @event.listens_for(engine, "begin")
    def _on_begin_pg(conn: Connection) -> None:
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    return engine


def affected_rows(result: Result[Any]) -> int:
    """Rows a Core INSERT/UPDATE/DELETE run through ``Session.execute`` touched. At run time
    that result is a ``CursorResult``; SQLAlchemy's stubs type it as ``Result``, which has
    no ``rowcount``."""
    return int(cast(CursorResult[Any], result).rowcount or 0)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        # Take transaction control away from pysqlite so that BEGIN IMMEDIATE is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # query_only is a flag of the connection, not of the transaction: a pooled connection
        # may go from a read to a write or back, so it is switched whenever that changes.
        read = bool(conn.get_execution_options().get(READ_ONLY))
        info = conn.connection.info
        if info.get(READ_ONLY, False) != read:
            conn.exec_driver_sql(f"PRAGMA query_only={'ON' if read else 'OFF'}")
            info[READ_ONLY] = read
        conn.exec_driver_sql("BEGIN" if read else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that only read: no write lock on SQLite, a read-only transaction everywhere."""
    return sessionmaker(
        bind=engine.execution_options(**{READ_ONLY: True}),
        expire_on_commit=False,
        autoflush=False,
        info={READ_ONLY: True},
    )


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
