"""What one card tap asks of the database (docs/scaling.md): few statements, none that makes
another kiosk's tap wait.

A tap's application CPU is mostly the cost of its round trips to the database, so the number of
statements is the figure to keep down; and a tap must not take a lock every tap takes (an audit
chain row, an advisory lock), which would let only one server process tap at a time.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, func, select

from backend.models import AuditEntry
from backend.services import hall_clock

URL = "/api/v1/kiosk/card-session"
# the device, the kiosk's own row locked for its look-up limits (one kiosk's taps in turn,
# docs/kiosk.md), the limits, the card, ending the kiosk's last session, the new one, the ledger
MAX_STATEMENTS = 7
NOT_QUERIES = ("SET ", "PRAGMA", "BEGIN")


def test_a_tap_asks_few_statements_and_takes_no_lock_shared_by_all_taps(
    app: Any, client: Any, build: Any, db: Any
) -> None:
    orgs = build.district()
    member = build.member(orgs["b1"], name="王小红", monthly_fen=7650)
    uid = build.card(member)
    build.ledger(member, hall_clock.today().year, paid_months={1, 2})
    headers = {"X-Device-Key": build.device()}
    db.commit()
    assert client.post(URL, json={"uid": uid}, headers=headers).status_code == 201  # warm
    audit_rows = db.scalar(select(func.count()).select_from(AuditEntry))
    db.commit()  # SQLite: let go of the write lock the test's session took
    statements: list[str] = []

    def seen(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(statement)

    engine = app.extensions["hall"].engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        answer = client.post(URL, json={"uid": uid}, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert answer.status_code == 201
    assert answer.json["member"]["name_masked"] == "王*红"
    queries = [s for s in statements if not s.lstrip().upper().startswith(NOT_QUERIES)]
    assert len(queries) <= MAX_STATEMENTS, queries
    assert not [s for s in statements if "advisory" in s.lower() or "audit" in s.lower()]
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(AuditEntry)) == audit_rows
