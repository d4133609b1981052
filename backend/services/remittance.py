"""党费汇缴: remittance batches (the 汇缴过渡库 of docs/founding-spec.md) made from the
remittance ledger.

A draft batch lists what is outstanding in its period (``remittance_ledger.period_items``) and
clears nothing; confirming it clears its items, after checking nothing changed since it was drawn
up (a void, or another batch confirmed first). A confirmed batch is undone only by
``reverse_batch``: audited, with a reason, and never while a later batch corrects one of its items.

See docs/dues.md.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from backend.errors import Conflict, Invalid, NotFound
from backend.models import (
    Organization,
    OrgType,
    RemittanceBatch,
    RemittanceItem,
    RemittanceItemKind,
    RemittanceState,
)
from backend.models.base import utcnow
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.remittance_ledger import (
    Period,
    build_lines,
    pending_items,
    period_items,
)
from backend.services.scope import get_org, path_in_scope
from backend.settings import Settings


def create_batch(
    session: Session,
    actor: Actor,
    settings: Settings,
    org_id: int,
    year: int,
    start_month: int,
    end_month: int,
) -> RemittanceBatch:
    """Make a draft batch from the remittance ledger: the collections taken in the period (and
    outstanding corrections). It clears nothing until confirmed."""
    policy.authorize(actor, Action.REMITTANCE_PREPARE)
    if not 1 <= start_month <= end_month <= 12 or not 2000 <= year <= 2100:
        raise Invalid("汇缴期间不正确", code="period")
    org = get_org(session, actor, org_id)
    if org.type is OrgType.DISTRICT:
        raise Invalid("区级不再向上汇缴，请选择党委、党总支或党支部", code="remit_district")
    open_draft = session.scalar(
        select(RemittanceBatch.id).where(
            RemittanceBatch.org_id == org.id, RemittanceBatch.state == RemittanceState.DRAFT
        )
    )
    if open_draft is not None:
        raise Conflict("该组织还有待确认的汇缴批次，请先确认或取消", code="draft_exists")
    period = Period(year, start_month, end_month)
    items = period_items(session, org, period, settings.dues.timezone)
    if not items:
        raise Conflict(
            f"{year}年{start_month}—{end_month}月没有待汇缴的党费", code="nothing_to_remit"
        )
    seq = session.scalar(
        select(func.coalesce(func.max(RemittanceBatch.seq), 0)).where(
            RemittanceBatch.org_id == org.id, RemittanceBatch.year == year
        )
    )
    batch = RemittanceBatch(
        org=org,
        year=year,
        seq=int(seq or 0) + 1,
        start_month=start_month,
        end_month=end_month,
        cutoff=period.last_day,
        state=RemittanceState.DRAFT,
        created_by=actor.name,
    )
    batch.lines = build_lines(session, org, items, settings.remittance)
    _totals(batch)
    session.add(batch)
    session.flush()
    session.add_all(
        RemittanceItem(
            batch_id=batch.id,
            payment_item_id=p.item_id,
            payment_id=p.payment_id,
            source_org_id=p.source_org_id,
            kind=p.kind,
            amount_fen=p.amount_fen,
        )
        for p in items
    )
    session.flush()
    audit.record(
        session, actor, "remittance.create", "remittance_batch", batch.id, after=_image(batch)
    )
    return batch


def _totals(batch: RemittanceBatch) -> None:
    batch.collected_fen = sum(line.collected_fen for line in batch.lines)
    batch.correction_fen = sum(line.correction_fen for line in batch.lines)
    batch.upward_fen = sum(line.upward_fen for line in batch.lines)
    batch.retained_fen = sum(line.retained_fen for line in batch.lines)


def _image(batch: RemittanceBatch) -> dict[str, object]:
    return {
        "batch_no": batch.batch_no,
        "state": batch.state.value,
        "collected_fen": batch.collected_fen,
        "correction_fen": batch.correction_fen,
        "upward_fen": batch.upward_fen,
        "retained_fen": batch.retained_fen,
    }


def get_batch(
    session: Session, actor: Actor, batch_id: int, *, lock: bool = False
) -> RemittanceBatch:
    stmt = select(RemittanceBatch).where(RemittanceBatch.id == batch_id)
    if lock:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    batch = session.scalar(stmt)
    if batch is None or not path_in_scope(actor, batch.org.path):
        raise NotFound("未找到该汇缴批次，或不在您的管理范围内", code="batch_not_found")
    return batch


def batch_items(session: Session, batch: RemittanceBatch) -> list[RemittanceItem]:
    return list(
        session.scalars(
            select(RemittanceItem)
            .where(RemittanceItem.batch_id == batch.id)
            .order_by(RemittanceItem.source_org_id, RemittanceItem.payment_id, RemittanceItem.id)
        )
    )


def confirm_batch(session: Session, actor: Actor, batch_id: int) -> RemittanceBatch:
    """汇缴确认: clear the batch's items from the remittance ledger, if it is still accurate."""
    policy.authorize(actor, Action.REMITTANCE_CONFIRM)
    batch = get_batch(session, actor, batch_id, lock=True)
    if batch.state is not RemittanceState.DRAFT:
        raise Conflict(f"该批次{batch.state.label}，不能确认", code="batch_not_draft")
    items = batch_items(session, batch)
    current = {(p.item_id, p.kind, p.amount_fen) for p in pending_items(session, batch.org, None)}
    if any((i.payment_item_id, i.kind, i.amount_fen) not in current for i in items):
        raise Conflict(
            "生成批次后又有缴费被作废或已被其他批次汇缴，请取消本批次后重新生成",
            code="batch_stale",
        )
    for item in items:
        item.cleared = True
    batch.state = RemittanceState.CONFIRMED
    batch.confirmed_at = utcnow()
    batch.confirmed_by = actor.name
    session.flush()
    audit.record(
        session, actor, "remittance.confirm", "remittance_batch", batch.id, after=_image(batch)
    )
    return batch


def cancel_batch(session: Session, actor: Actor, batch_id: int) -> RemittanceBatch:
    policy.authorize(actor, Action.REMITTANCE_PREPARE)
    batch = get_batch(session, actor, batch_id, lock=True)
    if batch.state is not RemittanceState.DRAFT:
        raise Conflict("只有待确认的批次可以取消；已汇缴的批次请做冲销", code="batch_not_draft")
    _close(batch, actor, RemittanceState.CANCELLED, None)
    session.flush()
    audit.record(
        session, actor, "remittance.cancel", "remittance_batch", batch.id, after=_image(batch)
    )
    return batch


def reverse_batch(session: Session, actor: Actor, batch_id: int, reason: str) -> RemittanceBatch:
    """冲销: undo a confirmed batch; its collections return to the remittance ledger."""
    policy.authorize(actor, Action.REMITTANCE_CONFIRM)
    reason = (reason or "").strip()
    if not reason or len(reason) > 200:
        raise Invalid("冲销须填写原因（不超过200个字）", code="reason_missing")
    batch = get_batch(session, actor, batch_id, lock=True)
    if batch.state is not RemittanceState.CONFIRMED:
        raise Conflict("只有已汇缴的批次可以冲销", code="batch_not_confirmed")
    items = batch_items(session, batch)
    later = aliased(RemittanceItem)
    corrected_by = session.scalar(
        select(RemittanceBatch)
        .join(later, later.batch_id == RemittanceBatch.id)
        .where(
            later.kind == RemittanceItemKind.CORRECTION,
            later.cleared.is_(True),
            later.payment_item_id.in_(
                [i.payment_item_id for i in items if i.kind is RemittanceItemKind.COLLECTION]
            ),
        )
        .limit(1)
    )
    if corrected_by is not None:
        raise Conflict(
            f"本批次中作废的缴费已在批次{corrected_by.batch_no}中更正，请先冲销该批次",
            code="batch_corrected_later",
        )
    before = _image(batch)
    for item in items:
        item.cleared = False
    _close(batch, actor, RemittanceState.REVERSED, reason)
    session.flush()
    audit.record(
        session,
        actor,
        "remittance.reverse",
        "remittance_batch",
        batch.id,
        before=before,
        after={**_image(batch), "reason": reason},
    )
    return batch


def _close(
    batch: RemittanceBatch, actor: Actor, state: RemittanceState, reason: str | None
) -> None:
    batch.state = state
    batch.closed_at = utcnow()
    batch.closed_by = actor.name
    batch.close_reason = reason


def list_batches(
    session: Session, actor: Actor, *, year: int | None = None
) -> list[RemittanceBatch]:
    stmt = (
        select(RemittanceBatch)
        .join(Organization, Organization.id == RemittanceBatch.org_id)
        .where(Organization.path.startswith(actor.org_path or "/", autoescape=True))
        .order_by(RemittanceBatch.created_at.desc(), RemittanceBatch.id.desc())
    )
    if year is not None:
        stmt = stmt.where(RemittanceBatch.year == year)
    return list(session.scalars(stmt))
