"""Answers kept under an idempotency key: a repeated request gets the first answer back
(``backend.services.idempotency``, docs/transactions.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from backend.models.base import Base, utcnow


class IdempotentAnswer(Base):
    """One request that changed something, under the key its client sent (an API call's
    ``Idempotency-Key``, a console form's one-time token). The unique key is what makes a twin
    request wait for, and then replay, the first one's answer."""

    __tablename__ = "idempotent_answers"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80), unique=True)
    # Who sent it ("user:12") and what ("POST /api/v1/payments/5/void" and a hash of the body):
    # the same key with another sender or request is refused, never answered with this.
    actor: Mapped[str] = mapped_column(String(40))
    request: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))
    status: Mapped[int | None]
    answer: Mapped[str | None] = mapped_column(Text)  # the JSON body, or a console redirect
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
