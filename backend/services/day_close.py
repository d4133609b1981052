"""日结: a counter clerk's day close, and what a closed day means for voids.

A close covers one clerk (the ``operator`` name payments carry) and one hall day: the slips
issued, the valid payments by method, the voids of the day's own payments, and the corrections
(冲正) — approved voids of payments of earlier, already closed days that no close has listed
yet. The close stores its totals and lines, so a reprint says what the first print said. After
the close that clerk takes no more payments that day, and a void of one of the day's payments
needs a second person (``voids``). Rules in ``docs/day-close.md``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import (
    DayClose,
    Payment,
    PaymentMethod,
    RemittanceItem,
    RemittanceItemKind,
    VoidRequest,
    VoidRequestState,
)
from backend.services import audit, users
from backend.services.actor import Actor
from backend.services.dues_year import to_local
from backend.services.remittance_ledger import cutoff_utc
from backend.settings import DuesSettings


@dataclass(frozen=True)
class Line:
    """A voided payment as the close lists it."""

    slip_no: str
    amount_fen: int
    method: str
    reason: str
    voided_by: str
    approved_by: str | None = None


@dataclass
class DaySummary:
    operator: str  # the user name payments carry
    hall_day: date
    operator_name: str = ""  # the clerk's full name, printed as 经办人
    slip_count: int = 0
    first_slip: str | None = None
    last_slip: str | None = None
    payment_count: int = 0
    cash_fen: int = 0
    bank_fen: int = 0
    tendered_fen: int = 0
    change_fen: int = 0
    voids: list[Line] = field(default_factory=list)
    corrections: list[Line] = field(default_factory=list)

    @property
    def void_fen(self) -> int:
        return sum(v.amount_fen for v in self.voids)

    def correction_fen(self, method: str | None = None) -> int:
        """≤ 0: what the corrections take back (of one method, or all)."""
        return -sum(c.amount_fen for c in self.corrections if method in (None, c.method))

    @property
    def net_cash_fen(self) -> int:
        """Cash the clerk hands over: the day's cash less cash corrections."""
        return self.cash_fen + self.correction_fen(PaymentMethod.CASH.value)

    @property
    def net_bank_fen(self) -> int:
        return self.bank_fen + self.correction_fen(PaymentMethod.BANK.value)

    def to_detail(self) -> dict[str, Any]:
        return audit._jsonable(asdict(self)) or {}

    @classmethod
    def from_detail(cls, detail: dict[str, Any]) -> DaySummary:
        data = dict(detail)
        data["hall_day"] = date.fromisoformat(data["hall_day"])
        data["voids"] = [Line(**v) for v in data.get("voids", [])]
        data["corrections"] = [Line(**c) for c in data.get("corrections", [])]
        return cls(**data)


def day_bounds(day: date, dues: DuesSettings) -> tuple[datetime, datetime]:
    """The hall day as a half-open range of stored (naive UTC) timestamps."""
    return cutoff_utc(day - timedelta(days=1), dues.timezone), cutoff_utc(day, dues.timezone)


def hall_day_of(payment: Payment, dues: DuesSettings) -> date:
    return to_local(payment.created_at, dues).date()


def close_of(session: Session, operator: str, day: date) -> DayClose | None:
    return session.scalar(
        select(DayClose).where(DayClose.operator == operator, DayClose.hall_day == day)
    )


def check_open(session: Session, actor: Actor, day: date) -> None:
    """A clerk who has closed the day takes no more payments on it."""
    if actor.type == "user" and close_of(session, actor.name, day) is not None:
        raise Conflict(
            f"您已办理{day.year}年{day.month}月{day.day}日的日结，当天不能再收款；"
            "如需收款，请由其他工作人员办理",
            code="day_closed",
        )


def remitted(session: Session, payment: Payment) -> bool:
    """Whether a confirmed remittance batch has cleared this payment's collection."""
    found = session.scalar(
        select(
            exists().where(
                RemittanceItem.payment_id == payment.id,
                RemittanceItem.kind == RemittanceItemKind.COLLECTION,
                RemittanceItem.cleared.is_(True),
            )
        )
    )
    return bool(found)


def why_second_person(session: Session, payment: Payment, dues: DuesSettings) -> str | None:
    """Why voiding this payment needs a second person's approval: its day is closed (已日结)
    or it was remitted (已汇缴); ``None`` when the clerk may void it alone."""
    reasons = []
    if close_of(session, payment.operator, hall_day_of(payment, dues)) is not None:
        reasons.append("已日结")
    if remitted(session, payment):
        reasons.append("已汇缴")
    return "、".join(reasons) or None


def _line(payment: Payment, request: VoidRequest | None) -> Line:
    return Line(
        slip_no=payment.slip_no,
        amount_fen=payment.amount_fen,
        method=payment.method,
        reason=payment.void_reason or "",
        voided_by=payment.voided_by or "",
        approved_by=request.decided_by if request is not None else None,
    )


def _approved(session: Session, payment_ids: list[int]) -> dict[int, VoidRequest]:
    if not payment_ids:
        return {}
    rows = session.scalars(
        select(VoidRequest).where(
            VoidRequest.payment_id.in_(payment_ids),
            VoidRequest.state == VoidRequestState.APPROVED,
        )
    )
    return {r.payment_id: r for r in rows}


def _open_corrections(
    session: Session, operator: str, before: datetime, exclude: set[int]
) -> list[VoidRequest]:
    """Approved voids of this clerk's payments no close has listed yet, decided before
    ``before`` (a past day being closed late does not take later corrections)."""
    rows = session.scalars(
        select(VoidRequest)
        .join(Payment, Payment.id == VoidRequest.payment_id)
        .where(
            Payment.operator == operator,
            VoidRequest.state == VoidRequestState.APPROVED,
            VoidRequest.day_close_id.is_(None),
            VoidRequest.decided_at < before,
        )
        .order_by(VoidRequest.decided_at, VoidRequest.id)
    )
    return [r for r in rows if r.payment_id not in exclude]


def summarize(
    session: Session, operator: str, day: date, dues: DuesSettings
) -> tuple[DaySummary, list[VoidRequest]]:
    """The day as a close would state it now, and the void requests the close would list."""
    start, end = day_bounds(day, dues)
    taken = list(
        session.scalars(
            select(Payment)
            .where(
                Payment.operator == operator,
                Payment.created_at >= start,
                Payment.created_at < end,
            )
            .order_by(Payment.slip_year, Payment.slip_seq)
        )
    )
    s = DaySummary(
        operator=operator,
        hall_day=day,
        operator_name=users.full_name_of(session, operator),
        slip_count=len(taken),
    )
    if taken:
        s.first_slip, s.last_slip = taken[0].slip_no, taken[-1].slip_no
    own_requests = _approved(session, [p.id for p in taken])
    for p in taken:
        if p.voided:
            s.voids.append(_line(p, own_requests.get(p.id)))
            continue
        s.payment_count += 1
        if p.method == PaymentMethod.CASH.value:
            s.cash_fen += p.amount_fen
            if p.tendered_fen is not None:
                s.tendered_fen += p.tendered_fen
                s.change_fen += p.tendered_fen - p.amount_fen
        else:
            s.bank_fen += p.amount_fen
    corrections = _open_corrections(session, operator, end, {p.id for p in taken})
    s.corrections = [_line(r.payment, r) for r in corrections]
    return s, [*own_requests.values(), *corrections]


def close_day(
    session: Session, actor: Actor, dues: DuesSettings, *, day: date, today: date
) -> DayClose:
    """Close the acting clerk's ``day`` (today, or an earlier day left open)."""
    if day > today:
        raise Invalid("不能为今天以后的日期办理日结", code="close_date")
    existing = close_of(session, actor.name, day)
    if existing is not None:
        raise Conflict(
            f"{day.year}年{day.month}月{day.day}日已经日结，如需再次打印请选择补打",
            code="day_already_closed",
        )
    summary, requests = summarize(session, actor.name, day, dues)
    close = DayClose(
        user_id=actor.id if actor.type == "user" else None,
        operator=actor.name,
        hall_day=day,
        payment_count=summary.payment_count,
        cash_fen=summary.cash_fen,
        bank_fen=summary.bank_fen,
        void_count=len(summary.voids),
        void_fen=summary.void_fen,
        correction_count=len(summary.corrections),
        correction_fen=summary.correction_fen(),
        first_slip=summary.first_slip,
        last_slip=summary.last_slip,
        slip_count=summary.slip_count,
        detail=summary.to_detail(),
        prints=1,
    )
    try:
        with session.begin_nested():
            session.add(close)
            session.flush()
    except IntegrityError:
        raise Conflict(
            f"{day.year}年{day.month}月{day.day}日已经日结", code="day_already_closed"
        ) from None
    for request in requests:
        request.day_close_id = close.id
    session.flush()
    audit.record(
        session,
        actor,
        "day_close.create",
        "day_close",
        close.id,
        after=audit.snapshot(close, exclude=("detail",)),
    )
    return close
