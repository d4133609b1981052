"""Set-based writing for imports and the demo district: batched inserts, audit rows in bulk,
and blocks of card and slip numbers taken under the sequences' row locks.

The per-record services (``members.create_member``, the payments service) stay the rule for
single changes; these helpers write thousands of rows in a few statements while keeping the
same invariants: one audit row per changed record in the same transaction, gap-free numbers.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.models import CardNumberSequence, SlipSequence
from backend.models.base import utcnow
from backend.services import audit
from backend.services.actor import Actor

BATCH = 1000


def insert_returning_ids(
    session: Session, model: type[Any], params: list[dict[str, Any]]
) -> list[int]:
    """Batched ``INSERT … RETURNING id``; the ids come back in the order of ``params``."""
    ids: list[int] = []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    for start in range(0, len(params), BATCH):
        ids.extend(session.scalars(statement, params[start : start + BATCH]).all())
    return ids


def insert_many(session: Session, model: type[Any], params: list[dict[str, Any]]) -> None:
    for start in range(0, len(params), BATCH * 10):
        session.execute(insert(model), params[start : start + BATCH * 10])


def audit_params(
    actor: Actor, action: str, entity_type: str, entity_id: object, after: dict[str, Any]
) -> dict[str, Any]:
    """One audit row as insert parameters (see ``audit.record``), for writing many at once."""
    return {
        "at": utcnow(),
        "actor_type": actor.type,
        "actor_id": actor.id,
        "actor_name": actor.name,
        "action": action,
        "entity_type": entity_type,
        "entity_id": str(entity_id),
        "before": None,
        "after": audit._jsonable(after),
    }


def take_card_numbers(session: Session, count: int, digits: int) -> int:
    """Reserve ``count`` consecutive card numbers; returns the first. Same rule as
    ``members.next_card_no``: numbers never exceed the configured width."""
    seq = session.scalar(select(CardNumberSequence).with_for_update())
    if seq is None:
        seq = CardNumberSequence(id=1, last_no=0)
        session.add(seq)
        session.flush()
    if seq.last_no + count >= 10**digits:
        raise Conflict(f"{digits}位卡号已用完，请调整卡号位数设置", code="card_numbers_exhausted")
    first = seq.last_no + 1
    seq.last_no += count
    session.flush()
    return first


def take_slip_numbers(session: Session, year: int, count: int) -> int:
    """Reserve ``count`` consecutive slip numbers of ``year``; returns the first. Same technique
    as ``slips.next_slip_seq`` (upsert the year's row, then ``UPDATE … RETURNING`` holding the
    row lock until commit), so a rolled-back import gives its numbers back: no gaps."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    session.execute(
        upsert(SlipSequence)
        .values(year=year, last_seq=0)
        .on_conflict_do_nothing(index_elements=["year"])
    )
    last = session.scalar(
        update(SlipSequence)
        .where(SlipSequence.year == year)
        .values(last_seq=SlipSequence.last_seq + count)
        .returning(SlipSequence.last_seq)
        .execution_options(synchronize_session=False)
    )
    assert last is not None
    return int(last) - count + 1
