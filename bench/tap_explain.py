"""The plans of a card tap's statements (bench/peak_bench.py): one tap in process, every
statement it sends captured with its parameters, then ``EXPLAIN``-ed on the same database.

A tap must stay an index look-up at any number of members (docs/scaling.md); a ``Seq Scan`` in
any plan is named in the printout.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event

from backend.app import create_app
from backend.settings import Settings
from tests.kiosk.world import CARD_UID_KEY, SECRET_KEY

SCANS = re.compile(
    r"(Seq Scan|Index Only Scan|Index Scan|Bitmap Index Scan) (?:using (\S+) )?on (\S+)"
)


@dataclass
class Plan:
    statement: str  # the statement's first words, enough to tell which it is
    scans: list[str]  # "Index Scan on cards using uq_cards_uid_hash", …

    @property
    def sequential(self) -> bool:
        return any(s.startswith("Seq Scan") for s in self.scans)


def explain_tap(url: str, device_key: str, uid: str) -> list[Plan]:
    app = create_app(Settings(database_url=url, secret_key=SECRET_KEY, card_uid_key=CARD_UID_KEY))
    engine = app.extensions["hall"].engine
    seen: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        seen.append((statement, parameters))

    client = app.test_client()
    headers = {"X-Device-Key": device_key}
    event.listen(engine, "before_cursor_execute", capture)
    try:
        answer = client.post("/api/v1/kiosk/card-session", json={"uid": uid}, headers=headers)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    if answer.status_code != 201:
        raise RuntimeError(f"tap answered {answer.status_code}: {answer.get_data(as_text=True)}")
    plans = []
    with engine.connect() as conn:
        for statement, parameters in seen:
            if not statement.lstrip().upper().startswith(("SELECT", "UPDATE", "DELETE")):
                continue  # INSERTs and SETs have no scan to show
            rows = conn.exec_driver_sql("EXPLAIN " + statement, parameters).scalars().all()
            found = [m.groups() for m in map(SCANS.search, rows) if m]
            scans = [_scan(conn, kind, index, table) for kind, index, table in found]
            plans.append(Plan(" ".join(statement.split()[:4])[:60], scans))
        conn.rollback()
    engine.dispose()
    return plans


def _scan(conn: Any, kind: str, index: str | None, table: str) -> str:
    """One scan in words; a sequential one with its table's row count, for PostgreSQL rightly
    reads a table of a few rows straight through rather than through an index."""
    if kind == "Seq Scan":
        rows = conn.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar()
        return f"Seq Scan on {table} ({rows} rows)"
    return f"{kind} on {table}" + (f" using {index}" if index else "")
