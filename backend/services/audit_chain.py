"""The audit log as a hash chain: every row carries the hash of the row before it and its own
hash over its canonical content, so a row deleted, changed or slipped in behind the application's
back shows up when the chain is verified (docs/audit.md).

Rows are linked in id order. Linking reads the last row and must not race another writer that
reads the same row: on SQLite every write transaction already holds the database's write lock
(``BEGIN IMMEDIATE``, see ``backend.db``); on PostgreSQL a transaction-scoped advisory lock,
taken before the last row is read and held until commit, makes the writers take turns.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, insert, select, text
from sqlalchemy.orm import Session

from backend.models import AuditEntry
from backend.models.base import utcnow
from backend.services.audit_privacy import redact

GENESIS = "0" * 64
# pg_advisory_xact_lock key of the audit chain (any fixed number no other code uses).
_PG_LOCK_KEY = 0x41554449  # "AUDI"
_TAIL_KEY = "audit_chain_tail"
_FIELDS = ("actor_type", "actor_id", "actor_name", "action", "entity_type", "entity_id")


def canonical(row: Mapping[str, Any] | RowMapping, prev_hash: str) -> bytes:
    """The bytes a row's hash is taken over: its content and its predecessor's hash."""
    at: datetime = row["at"]
    body = {k: row[k] for k in _FIELDS}
    body |= {
        "at": at.strftime("%Y-%m-%dT%H:%M:%S.%f"),
        "before": row["before"],
        "after": row["after"],
        "prev_hash": prev_hash,
    }
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def row_hash(row: Mapping[str, Any] | RowMapping, prev_hash: str) -> str:
    return hashlib.sha256(canonical(row, prev_hash)).hexdigest()


def link_entry(session: Session, entry: AuditEntry) -> None:
    """Give a new (not yet added) entry its place at the end of the chain."""
    prev = _tail(session)
    entry.at = utcnow()
    entry.before, entry.after = _json_round_trip(entry.before), _json_round_trip(entry.after)
    entry.prev_hash = prev
    entry.row_hash = row_hash(_as_row(entry), prev)
    session.info[_TAIL_KEY] = entry


def append_rows(session: Session, rows: list[dict[str, Any]]) -> None:
    """Insert many audit rows (insert parameters, as ``bulk.audit_params`` makes them) at the end
    of the chain in one executemany."""
    if not rows:
        return
    prev = _tail(session)
    now = utcnow()
    for row in rows:
        row["at"] = now
        row["before"] = _json_round_trip(row.get("before"))
        row["after"] = _json_round_trip(row.get("after"))
        row["prev_hash"] = prev
        row["row_hash"] = prev = row_hash(row, prev)
    session.execute(insert(AuditEntry), rows)
    session.info.pop(_TAIL_KEY, None)


def _tail(session: Session) -> str:
    """The hash of the chain's last row, as this transaction sees it, after taking the lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    pending = session.info.get(_TAIL_KEY)
    if pending is not None and pending in session.new:
        return pending.row_hash
    last = session.scalar(select(AuditEntry.row_hash).order_by(AuditEntry.id.desc()).limit(1))
    return last or GENESIS


def _json_round_trip(data: Any) -> Any:
    """The image as stored: personal data masked (``audit_privacy``), and in the form the JSON
    column gives back (string keys, lists for tuples), so the hash still matches when read."""
    if data is None:
        return None
    return redact(json.loads(json.dumps(data, ensure_ascii=False)))


def _as_row(entry: AuditEntry) -> dict[str, Any]:
    return {k: getattr(entry, k) for k in (*_FIELDS, "at", "before", "after")}


@dataclass(frozen=True)
class ChainReport:
    """The outcome of ``verify``: how many rows were read, the first break (its row id and why)
    and the hash of the last row, which an auditor can note down to compare later."""

    rows: int
    broken_at: int | None
    reason: str | None
    head: str

    @property
    def intact(self) -> bool:
        return self.broken_at is None

    def message(self) -> str:
        if self.intact:
            return f"审计链完整（共 {self.rows} 行）"
        return f"审计链在第 {self.broken_at} 行断开：{self.reason}"


def verify(session: Session, *, batch: int = 2000) -> ChainReport:
    """Walk the whole log in id order and recompute every link (plain rows, not ORM objects:
    the walk reads every row of the log)."""
    prev, prev_at, count = GENESIS, None, 0
    columns = [AuditEntry.__table__.c[k] for k in ("id", *_FIELDS, "at", "before", "after")]
    hashes = [AuditEntry.__table__.c.prev_hash, AuditEntry.__table__.c.row_hash]
    stmt = select(*columns, *hashes).order_by(AuditEntry.id).execution_options(yield_per=batch)
    with session.execute(stmt).mappings() as rows:  # closes the cursor on an early return
        for row in rows:
            count += 1
            reason = _fault(row, prev, prev_at)
            if reason is not None:
                return ChainReport(count, row["id"], reason, prev)
            prev, prev_at = row["row_hash"], row["at"]
    return ChainReport(count, None, None, prev)


def _fault(row: RowMapping, prev: str, prev_at: datetime | None) -> str | None:
    if not row["row_hash"] or not row["prev_hash"]:
        return "该行没有链哈希（未经系统写入）"
    if row["prev_hash"] != prev:
        return "与上一行的哈希不相接（其前有行被删除或插入）"
    if row_hash(row, row["prev_hash"]) != row["row_hash"]:
        return "内容与本行哈希不符（该行被改动或伪造）"
    if prev_at is not None and row["at"] < prev_at:
        return "时间早于上一行（倒填日期）"
    return None
