"""Set-based writing for imports and the demo district: batched inserts, audit rows in bulk,
and blocks of card and slip numbers taken under the sequences' row locks.

The per-record services (``members.create_member``, the payments service) stay the rule for
single changes; these helpers write thousands of rows in a few statements while keeping the
same invariants: one audit row per changed record in the same transaction, gap-free numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.models import (
    CardNumberSequence,
    DuesMonth,
    Payment,
    PaymentItem,
    SlipSequence,
)
from backend.models.base import utcnow
from backend.services import audit, audit_chain, sequences
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
    """Reserve ``count`` consecutive slip numbers of ``year``; returns the first."""
    return sequences.take(session, SlipSequence, year, count)


@dataclass(frozen=True)
class PaidMonth:
    ledger_id: int
    year: int
    month: int
    amount_fen: int  # what this payment pays for the month
    paid_fen: int  # the month's paid amount afterwards


@dataclass
class NewPayment:
    """A payment to write: its slip number is already taken by the caller."""

    member_id: int
    org_id: int
    slip_year: int
    slip_seq: int
    method: str
    idempotency_key: str
    operator: str
    created_at: datetime
    months: list[PaidMonth]


def write_payments(
    session: Session,
    actor: Actor,
    action: str,
    payments: list[NewPayment],
    progress: Callable[[str, int, int], None] | None = None,
) -> None:
    """Payments, their items, the ledger months marked paid (by which payment, when) and one
    audit row per payment — what ``payments.pay`` does for one, for thousands at once."""
    params = [
        {
            "slip_year": p.slip_year,
            "slip_seq": p.slip_seq,
            "member_id": p.member_id,
            "org_id": p.org_id,
            "amount_fen": sum(m.amount_fen for m in p.months),
            "method": p.method,
            "idempotency_key": p.idempotency_key,
            "operator": p.operator,
            "created_at": p.created_at,
        }
        for p in payments
    ]
    ids: list[int] = []
    for start in range(0, len(params), BATCH * 5):
        ids.extend(insert_returning_ids(session, Payment, params[start : start + BATCH * 5]))
        if progress:
            progress("写入", len(ids), len(params))
    items, ledger, audits = [], [], []
    for payment_id, p, row in zip(ids, payments, params, strict=True):
        for m in p.months:
            items.append(
                {
                    "payment_id": payment_id,
                    "year": m.year,
                    "month": m.month,
                    "amount_fen": m.amount_fen,
                }
            )
            ledger.append(
                {
                    "id": m.ledger_id,
                    "paid_fen": m.paid_fen,
                    "paid_at": p.created_at,
                    "payment_id": payment_id,
                }
            )
        after = {
            "slip_no": f"{p.slip_year}{p.slip_seq:06d}",
            "member_id": p.member_id,
            "amount_fen": row["amount_fen"],
            "method": p.method,
            "months": [f"{m.year}-{m.month:02d}" for m in p.months],
        }
        audits.append(audit_params(actor, action, "payment", payment_id, after))
    insert_many(session, PaymentItem, items)
    for start in range(0, len(ledger), BATCH * 10):
        session.execute(update(DuesMonth), ledger[start : start + BATCH * 10])
    audit_chain.append_rows(session, audits)
