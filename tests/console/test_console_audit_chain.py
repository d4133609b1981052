"""The audit log page tells the district administrator whether the hash chain is whole."""

from __future__ import annotations

from sqlalchemy import select, text

from backend.models import AuditEntry, Role
from tests.builders import Builders
from tests.console.conftest import page_text


def test_the_audit_page_shows_the_chain_and_where_it_breaks(
    client, sign_in, build: Builders, db
) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    db.commit()
    sign_in("admin")
    assert "审计链完整" in page_text(client.get("/console/audit"))
    ids = list(db.scalars(select(AuditEntry.id).order_by(AuditEntry.id)))
    if db.get_bind().dialect.name == "sqlite":
        db.execute(text("DROP TRIGGER audit_log_no_delete"))
    else:
        db.execute(text("DROP TRIGGER audit_log_no_change ON audit_log"))
    db.execute(text("DELETE FROM audit_log WHERE id = :id"), {"id": ids[1]})
    db.commit()
    page = page_text(client.get("/console/audit"))
    assert f"审计链在第 {ids[2]} 行断开" in page and "审计链完整" not in page
