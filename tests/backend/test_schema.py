"""The migrations build exactly the schema the models describe, and audit rows are immutable."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from backend import schema
from backend.models import AuditEntry, Base
from tests.builders import Builders


def test_migrations_match_models(database_url: str) -> None:
    """A database built by the migrations alone differs in nothing from the models."""
    engine = create_engine(database_url)
    try:
        with engine.begin() as conn:
            Base.metadata.drop_all(conn)
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        schema.upgrade(engine)
        differences = schema.pending_differences(engine)
    finally:
        engine.dispose()
    assert differences == []


def test_audit_rows_cannot_be_changed_or_deleted(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    build.district()
    db.commit()
    entry = db.query(AuditEntry).first()
    assert entry is not None and entry.action == "org.create"
    with pytest.raises(DBAPIError):
        db.execute(text("UPDATE audit_log SET action = 'x' WHERE id = :id"), {"id": entry.id})
    db.rollback()
    with pytest.raises(DBAPIError):
        db.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": entry.id})
    db.rollback()
