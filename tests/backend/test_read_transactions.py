"""Read-only requests run in read-only transactions (docs/transactions.md): they never take
SQLite's write lock, and a write slipped into one fails loudly instead of taking the lock."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backend.models import Organization


def test_a_read_session_refuses_to_write(app, build) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.session.commit()
    read = app.extensions["hall"].read_session_factory()
    try:
        org = read.get(Organization, orgs["b1"].id)
        assert org is not None and org.name == orgs["b1"].name
        org.name = "改名"
        with pytest.raises(DBAPIError, match="(?i)read.?only"):
            read.flush()
    finally:
        read.rollback()
        read.close()


def test_a_long_read_does_not_hold_up_a_writer(app, build, db_kind) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.session.commit()
    hall = app.extensions["hall"]
    read = hall.read_session_factory()
    read.execute(text("SELECT count(*) FROM organizations")).scalar()  # the read is open
    done = threading.Event()

    def write() -> None:
        with hall.session_factory() as session:
            session.get(Organization, orgs["b2"].id).name = "第二支部（改）"
            session.commit()
        done.set()

    thread = threading.Thread(target=write, daemon=True)
    thread.start()
    try:
        # With BEGIN IMMEDIATE on the reader, the writer would wait out the 30 s busy timeout.
        assert done.wait(5), "the writer waited for the open read transaction"
    finally:
        read.rollback()
        read.close()
        thread.join(35)
