"""The receiving side of a transfer: the inbox of notices (转入通知) and the member's arrival.

A transfer into a branch sends a 党员转入通知 to the branch's 总支 (or 党委) and, for a member
from outside the district, a 新转入党员党费核定通知单 to the 党委. The inbox shows each notice
to the organization it is addressed to *and* to the receiving branch, whose member it is: the
branch accepts (联系接收), records the member's arrival (报到, the slip says "请持单十五天内报到"),
and sees the dues notice waiting for its 党委, who alone may answer it (``Action.DUES_ASSESS_NEW``).

See docs/transfers-and-letters.md (收件箱).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import Session, aliased

from backend.errors import Conflict, Invalid, NotFound
from backend.models import NoticeKind, Organization, Transfer, TransferKind, TransferNotice
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.scope import path_in_scope
from backend.services.transfer_register import mark_handled


class InboxState(enum.StrEnum):
    """What the inbox can be filtered by."""

    OPEN = "open"  # not yet handled, or a member on it has not reported yet
    RECEIVE = "receive"  # 转入通知 not yet accepted
    ASSESSMENT = "assessment"  # 党费核定 waiting for the 党委
    NOT_ARRIVED = "not_arrived"  # a member on the notice has not reported yet
    DONE = "done"  # handled

    @property
    def label(self) -> str:
        return {
            "open": "待处理",
            "receive": "待接收",
            "assessment": "待党委核定",
            "not_arrived": "未报到",
            "done": "已处理",
        }[self.value]


def _linked(notice: type[TransferNotice] | TransferNotice) -> ColumnElement[bool]:
    """SQL: a transfer that produced this notice."""
    return or_(Transfer.notice_id == notice.id, Transfer.assessment_notice_id == notice.id)


def inbox_query(actor: Actor, state: InboxState | None = None) -> Select:
    """Notices addressed to the actor's subtree or about a member arriving in it, newest first."""
    receiving = aliased(Organization)
    addressee = aliased(Organization)
    to_scope = (
        select(Transfer.id)
        .join(receiving, Transfer.to_org_id == receiving.id)
        .where(_linked(TransferNotice), org_in_scope_of(actor, receiving))
    )
    stmt = (
        select(TransferNotice)
        .join(addressee, TransferNotice.org_id == addressee.id)
        .where(or_(org_in_scope_of(actor, addressee), exists(to_scope)))
    )
    waiting = select(Transfer.id).where(
        Transfer.notice_id == TransferNotice.id, Transfer.arrived_on.is_(None)
    )
    not_arrived = (TransferNotice.kind == NoticeKind.RECEIVE) & exists(waiting)
    if state is InboxState.OPEN:
        stmt = stmt.where(or_(TransferNotice.handled_at.is_(None), not_arrived))
    elif state is InboxState.RECEIVE:
        stmt = stmt.where(
            TransferNotice.handled_at.is_(None), TransferNotice.kind == NoticeKind.RECEIVE
        )
    elif state is InboxState.ASSESSMENT:
        stmt = stmt.where(
            TransferNotice.handled_at.is_(None), TransferNotice.kind == NoticeKind.ASSESSMENT
        )
    elif state is InboxState.NOT_ARRIVED:
        stmt = stmt.where(not_arrived)
    elif state is InboxState.DONE:
        stmt = stmt.where(TransferNotice.handled_at.is_not(None))
    return stmt.order_by(TransferNotice.id.desc())


def org_in_scope_of(actor: Actor, org: type[Organization]) -> ColumnElement[bool]:
    """``scope.org_in_scope`` for an aliased organization."""
    if actor.org_path is None:
        return org.id.is_not(None)
    return org.path.startswith(actor.org_path, autoescape=True)


def get_notice(session: Session, actor: Actor, notice_id: int) -> TransferNotice:
    notice = session.scalar(inbox_query(actor).where(TransferNotice.id == notice_id))
    if notice is None:
        raise NotFound("未找到该通知，或不在您的管理范围内", code="notice_not_found")
    return notice


def page_of(
    session: Session, stmt: Select, page: int, per_page: int
) -> tuple[list[TransferNotice], int]:
    """One page of the inbox and the total (the API's paging; the console uses its own)."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    rows = session.scalars(stmt.limit(per_page).offset((page - 1) * per_page))
    return list(rows), int(total or 0)


def transfers_of(session: Session, notice: TransferNotice) -> list[Transfer]:
    return list(session.scalars(select(Transfer).where(_linked(notice)).order_by(Transfer.id)))


@dataclass(frozen=True)
class InboxItem:
    """One notice as the inbox shows it to one reader, with what that reader may do."""

    notice: TransferNotice
    transfers: list[Transfer]
    state_label: str
    can_accept: bool
    can_assess: bool
    arrivals: dict[int, bool]  # transfer id → the reader may record this member's arrival

    @property
    def waiting(self) -> int:
        return sum(1 for t in self.transfers if t.arrived_on is None)


def state_label(notice: TransferNotice) -> str:
    if notice.kind is NoticeKind.ASSESSMENT:
        return "已核定" if notice.handled_at else f"等待党委核定（{notice.payload['addressee']}）"
    return "已接收" if notice.handled_at else "待接收"


def may_record_arrival(session: Session, actor: Actor, transfer: Transfer) -> bool:
    if transfer.arrived_on is not None or transfer.to_org_id is None:
        return False
    org = session.get(Organization, transfer.to_org_id)
    return (
        org is not None
        and path_in_scope(actor, org.path)
        and policy.allows(actor, Action.TRANSFER_ARRIVAL)
    )


def item(session: Session, actor: Actor, notice: TransferNotice) -> InboxItem:
    rows = transfers_of(session, notice)
    open_ = notice.handled_at is None
    receive = notice.kind is NoticeKind.RECEIVE
    return InboxItem(
        notice=notice,
        transfers=rows,
        state_label=state_label(notice),
        can_accept=open_ and receive and policy.allows(actor, Action.NOTICE_HANDLE),
        can_assess=open_ and not receive and policy.allows(actor, Action.DUES_ASSESS_NEW),
        arrivals={t.id: receive and may_record_arrival(session, actor, t) for t in rows},
    )


def accept(session: Session, actor: Actor, notice: TransferNotice) -> TransferNotice:
    """The receiving organization has contacted the member (联系接收). A dues notice is not
    accepted but answered: the 党委's assessment closes it (``transfer_in.assess_new_member``)."""
    policy.authorize(actor, Action.NOTICE_HANDLE)
    if notice.kind is NoticeKind.ASSESSMENT:
        raise Invalid("党费核定通知单由党委核定党费后自动办结", code="notice_kind")
    return mark_handled(session, actor, notice)


def record_arrival(
    session: Session, actor: Actor, transfer_id: int, *, on: date, today: date
) -> Transfer:
    """The member reported to the receiving branch (报到) on ``on``."""
    policy.authorize(actor, Action.TRANSFER_ARRIVAL)
    receiving = aliased(Organization)
    transfer = session.scalar(
        select(Transfer)
        .join(receiving, Transfer.to_org_id == receiving.id)
        .where(Transfer.id == transfer_id, org_in_scope_of(actor, receiving))
        .with_for_update(of=Transfer)
    )
    if transfer is None:
        raise NotFound("未找到转入本组织的该转接记录", code="transfer_not_found")
    if transfer.kind is TransferKind.OUT:
        raise Invalid("转出区外的党员不在本区报到", code="transfer_kind")
    if transfer.arrived_on is not None:
        raise Conflict(
            f"{transfer.name}已于{transfer.arrived_on.isoformat()}报到", code="already_arrived"
        )
    if on > today:
        raise Invalid("报到日期不能晚于今天", code="arrival_date")
    if on < transfer.transfer_date:
        raise Invalid(
            f"报到日期不能早于转接日期（{transfer.transfer_date.isoformat()}）", code="arrival_date"
        )
    transfer.arrived_on = on
    transfer.arrived_by = actor.name
    session.flush()
    audit.record(
        session,
        actor,
        "transfer.arrival",
        "transfer",
        transfer.id,
        after={"arrived_on": on, "member_id": transfer.member_id},
    )
    return transfer
