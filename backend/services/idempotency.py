"""Requests carried out once: a void, a transfer or a letter sent twice — a double-tapped
button, a retry after the answer was lost though the server had committed — is done once, and
the repeat gets the first answer back. Payments keep their own key column (``payments.py``);
everything else uses this table. See docs/transactions.md.

How twins are ordered: ``claim`` inserts the key's row before the work starts, in the request's
own transaction. On PostgreSQL a twin's insert waits on the unique key until the first request
commits, then fails; the twin reads the committed row and replays its answer. If the first rolls
back (it was refused), the twin's insert goes through and it tries for itself. SQLite's
``BEGIN IMMEDIATE`` runs the two one after the other, so the twin finds the row at once.

An answer is kept ``KEEP`` (two days): long enough for any retry of a lost answer, short enough
that the papers' names in it do not stay. Each claim deletes a few expired rows, skipping rows
another request holds, so no request waits for another's sweep.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict
from backend.models import IdempotentAnswer
from backend.models.base import utcnow
from backend.services.actor import Actor
from backend.services.payments import check_key

KEEP = timedelta(days=2)
SWEEP_ROWS = 50


@dataclass(frozen=True)
class Replay:
    """The first answer to a request sent again under the same key."""

    status: int
    answer: str


def fingerprint(body: Any) -> str:
    """A hash of the request's content: the same key with other content is another request."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def _sender(actor: Actor) -> str:
    return f"{actor.type}:{actor.id}"


def _find(session: Session, key: str) -> IdempotentAnswer | None:
    return session.scalar(select(IdempotentAnswer).where(IdempotentAnswer.key == key))


def _replay(row: IdempotentAnswer, sender: str, request: str, digest: str) -> Replay:
    if (row.actor, row.request, row.fingerprint) != (sender, request[:200], digest):
        raise Conflict(
            "该幂等键已用于另一项操作，未重复办理；请刷新页面后重新提交",
            code="idempotency_key_reused",
        )
    if row.status is None:  # kept only with its answer; a row without one is a bug
        raise Conflict("该请求的结果未能保存，请刷新页面查看是否已办理", code="idempotency_lost")
    return Replay(row.status, row.answer or "")


def claim(
    session: Session, actor: Actor, key: str, request: str, digest: str
) -> IdempotentAnswer | Replay:
    """Take ``key`` for this request (``answer`` fills in the answer before commit), or the
    first answer if the key was taken by the same request. The same key taken by another sender
    or for another request is refused with a 409."""
    key = check_key(key)
    sender = _sender(actor)
    found = _find(session, key)
    if found is not None:
        return _replay(found, sender, request, digest)
    row = IdempotentAnswer(key=key, actor=sender, request=request[:200], fingerprint=digest)
    try:
        with session.begin_nested():
            session.add(row)
            session.flush()
    except IntegrityError:
        found = _find(session, key)  # a twin committed it meanwhile
        if found is None:
            raise
        return _replay(found, sender, request, digest)
    _sweep(session)
    return row


def _sweep(session: Session) -> None:
    expired = (
        select(IdempotentAnswer.id)
        .where(IdempotentAnswer.created_at < utcnow() - KEEP)
        .limit(SWEEP_ROWS)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    session.execute(delete(IdempotentAnswer).where(IdempotentAnswer.id.in_(expired)))


def answer(row: IdempotentAnswer, status: int, answer: str) -> None:
    """Keep the answer with the key, in the same transaction as the work it answers."""
    row.status = status
    row.answer = answer
