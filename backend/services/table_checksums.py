"""A fingerprint of every table: its row count and a SHA-256 of its rows in primary-key order.

A backup records the fingerprint of exactly what it dumped, and the restore drill compares it
with the fingerprint of the database it restored (docs/backup.md): equal fingerprints mean the
ledger, the payments, the transfers, the audit log — every table — came back row for row.

Values are written in one canonical text form before hashing, so the fingerprint depends on the
data and not on how the row happened to be fetched; both sides of a comparison are always the
same kind of database (a SQLite backup restores only into SQLite, and likewise PostgreSQL).
"""

from __future__ import annotations

import hashlib
import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Table, inspect, select

from backend.models import Base

Fingerprint = dict[str, list[Any]]  # table name → [row count, sha256 hex]

BATCH = 5_000


def fingerprint(conn: Connection) -> Fingerprint:
    """The fingerprint of every table of the hall's schema that exists in ``conn``'s database,
    read in ``conn``'s current transaction (so one snapshot for all tables)."""
    present = set(inspect(conn).get_table_names())
    return {
        table.name: _table(conn, table)
        for table in Base.metadata.sorted_tables
        if table.name in present
    }


def differences(expected: Fingerprint, actual: Fingerprint) -> list[str]:
    """The tables whose fingerprints differ, as lines for the operator (Chinese)."""
    lines = []
    for name in sorted(expected.keys() | actual.keys()):
        want, got = expected.get(name), actual.get(name)
        if want is None:
            continue  # a table newer than the backup's schema
        if got is None:
            lines.append(f"{name}：恢复后的数据库缺少此表")
        elif want[0] != got[0]:
            lines.append(f"{name}：备份时 {want[0]} 行，恢复后 {got[0]} 行")
        elif want[1] != got[1]:
            lines.append(f"{name}：行数相同（{got[0]} 行）但内容不同")
    return lines


def _table(conn: Connection, table: Table) -> list[Any]:
    digest = hashlib.sha256()
    count = 0
    order = list(table.primary_key.columns) or list(table.columns)
    result = conn.execution_options(yield_per=BATCH).execute(select(table).order_by(*order))
    for row in result:
        digest.update(json.dumps([_canonical(v) for v in row], ensure_ascii=False).encode())
        digest.update(b"\n")
        count += 1
    return [count, digest.hexdigest()]


def _canonical(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    if isinstance(value, Decimal | float):
        return str(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    return str(value)
