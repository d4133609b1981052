"""The transfer register: listing transfers and the notices sent to receiving 党委/总支,
scoped to the reader's subtree, and counting reprints."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, NotFound
from backend.models import (
    Member,
    NoticeKind,
    Organization,
    Transfer,
    TransferKind,
    TransferNotice,
)
from backend.models.base import utcnow
from backend.services import audit
from backend.services.actor import Actor
from backend.services.probation import probation_period
from backend.services.scope import org_in_scope


def notify(
    session: Session,
    actor: Actor,
    kind: NoticeKind,
    org: Organization,
    batch: str,
    payload: dict[str, Any],
) -> TransferNotice:
    notice = TransferNotice(
        kind=kind,
        org_id=org.id,
        batch=batch,
        payload=audit._jsonable(payload) or {},
        created_by=actor.name,
        prints=1,  # printed with the transfer: the first print counts
    )
    session.add(notice)
    session.flush()
    audit.record(
        session, actor, f"notice.{kind.value}", "transfer_notice", notice.id, after=payload
    )
    return notice


def member_line(member: Member, org: Organization, on: date) -> dict[str, Any]:
    """How one member appears on a notice."""
    return {
        "member_id": member.id,
        "name": member.name,
        "phone": member.phone or "",
        "branch": org.name,
        "member_no": member.member_no or "",
        "status": member.status.label,
        "probation": _probation(member),
        "date": on,
    }


def _probation(member: Member) -> dict[str, date] | None:
    """A probationary member's 预备期, printed on the notice."""
    period = probation_period(member)
    return {"start": period[0], "end": period[1]} if period else None


def transfers_in_scope(actor: Actor) -> Select:
    """Transfers leaving or entering the actor's subtree."""
    visible = select(Organization.id).where(org_in_scope(actor))
    return select(Transfer).where(
        or_(Transfer.from_org_id.in_(visible), Transfer.to_org_id.in_(visible))
    )


def get_transfer(session: Session, actor: Actor, transfer_id: int) -> Transfer:
    transfer = session.scalar(transfers_in_scope(actor).where(Transfer.id == transfer_id))
    if transfer is None:
        raise NotFound("未找到该转接记录，或不在您的管理范围内", code="transfer_not_found")
    return transfer


def list_transfers(
    session: Session,
    actor: Actor,
    *,
    kind: TransferKind | None = None,
    year: int | None = None,
    member_id: int | None = None,
    limit: int = 200,
) -> list[Transfer]:
    stmt = transfers_in_scope(actor)
    if kind is not None:
        stmt = stmt.where(Transfer.kind == kind)
    if year is not None:
        stmt = stmt.where(
            Transfer.transfer_date >= date(year, 1, 1),
            Transfer.transfer_date < date(year + 1, 1, 1),
        )
    if member_id is not None:
        stmt = stmt.where(Transfer.member_id == member_id)
    stmt = stmt.order_by(Transfer.transfer_date.desc(), Transfer.id.desc()).limit(limit)
    return list(session.scalars(stmt))


def notices_in_scope(actor: Actor) -> Select:
    return (
        select(TransferNotice)
        .join(Organization, TransferNotice.org_id == Organization.id)
        .where(org_in_scope(actor))
    )


def list_notices(
    session: Session, actor: Actor, *, pending_only: bool = False, kind: NoticeKind | None = None
) -> list[TransferNotice]:
    stmt = notices_in_scope(actor)
    if pending_only:
        stmt = stmt.where(TransferNotice.handled_at.is_(None))
    if kind is not None:
        stmt = stmt.where(TransferNotice.kind == kind)
    return list(session.scalars(stmt.order_by(TransferNotice.id.desc())))


def get_notice(session: Session, actor: Actor, notice_id: int) -> TransferNotice:
    notice = session.scalar(notices_in_scope(actor).where(TransferNotice.id == notice_id))
    if notice is None:
        raise NotFound("未找到该通知，或不在您的管理范围内", code="notice_not_found")
    return notice


def mark_handled(session: Session, actor: Actor, notice: TransferNotice) -> TransferNotice:
    """The receiving organization has contacted the member (or set the dues)."""
    if notice.handled_at is not None:
        raise Conflict("该通知已经处理过", code="notice_handled")
    notice.handled_at = utcnow()
    notice.handled_by = actor.name
    session.flush()
    audit.record(
        session,
        actor,
        "notice.handle",
        "transfer_notice",
        notice.id,
        after={"handled_by": actor.name},
    )
    return notice


def count_print(session: Session, actor: Actor, item: Transfer | TransferNotice) -> int:
    item.prints += 1
    session.flush()
    entity = "transfer" if isinstance(item, Transfer) else "transfer_notice"
    audit.record(session, actor, f"{entity}.print", entity, item.id, after={"prints": item.prints})
    return item.prints
