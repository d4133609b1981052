"""Gap-free yearly counters (slip numbers, fund receipts): one technique for all of them.

The year's counter row is created on first use with ``INSERT … ON CONFLICT DO NOTHING`` (two
first uses of a year may race without either failing), then advanced with ``UPDATE … RETURNING``
inside the caller's transaction. The row stays locked until commit, so numbers are handed out
in commit order, and a rolled-back transaction gives its numbers back: no gaps, no duplicates.

See docs/architecture.md.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session


def take(session: Session, counter: Any, year: int, count: int = 1) -> int:
    """Reserve ``count`` consecutive numbers of ``year`` on ``counter`` (a model with ``year``
    as primary key and ``last_seq``); returns the first of them."""
    upsert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        upsert(counter)
        .values(year=year, last_seq=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
    last = session.scalar(
        update(counter)
        .where(counter.year == year)
        .values(last_seq=counter.last_seq + count)
        .returning(counter.last_seq)
        .execution_options(synchronize_session=False)
    )
    assert last is not None
    return int(last) - count + 1
