"""The demo's receiving side of transfers: notices waiting in the inboxes and floating members
arriving from elsewhere (docs/demo.md).

Into 幸福社区第一党支部 (the demo branch account ``zhibu01``, under ``dangwei01``'s 党工委):

- a member moved in from a branch of another 党委, not yet contacted nor arrived — a 转入通知
  waiting for the branch and its 总支;
- a member arriving from outside the district (no card yet): the 转入通知, and the
  新转入党员党费核定通知单 waiting for the 党工委's assessment, which the branch sees as
  "等待党委核定" — until then the member's months are 待核定;

and, as history, a member moved into the neighbouring branch who has already been accepted and
reported. Three floating members from other provinces take part in the district's branches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Member, MemberStatus, Organization
from backend.services import floating_intake, transfer_in, transfer_inbox, transfer_within
from backend.services.actor import Actor
from backend.services.idnumber import compose_id_number
from backend.services.members import MemberData
from backend.settings import Settings

RECEIVING_BRANCH = "01010101"
NEIGHBOUR_BRANCH = "01010102"
ARRIVALS_FROM_OUTSIDE = 1

GUESTS = (
    # name, birth, seq, home organization, home place, card number, host branch code
    (
        "马从远",
        date(1986, 4, 12),
        31,
        "河南省周口市川汇区人民路街道党工委",
        "河南省周口市",
        "41160200-{y}-L0031",
        RECEIVING_BRANCH,
    ),
    (
        "冯可欣",
        date(1993, 9, 2),
        48,
        "安徽省阜阳市颍州区鼓楼街道党工委",
        "安徽省阜阳市",
        "34120200-{y}-L0112",
        RECEIVING_BRANCH,
    ),
    (
        "郭立业",
        date(1979, 1, 25),
        57,
        "山东省菏泽市牡丹区西城街道党工委",
        "山东省菏泽市",
        "37170200-{y}-L0007",
        NEIGHBOUR_BRANCH,
    ),
)


@dataclass(frozen=True)
class DemoTransfers:
    waiting_notices: int
    arrivals_from_outside: int
    floating_guests: int


def _movable(session: Session, exclude: set[int], not_in: set[str]) -> Member | None:
    """A full member of some other branch, not one of the showcase cards."""
    stmt = (
        select(Member)
        .join(Organization, Member.org_id == Organization.id)
        .where(
            Member.status == MemberStatus.FULL,
            Member.archived.is_(False),
            Organization.code.not_in(not_in),
            Member.id.not_in(exclude),
        )
        .order_by(Organization.code.desc(), Member.id)
        .limit(1)
    )
    return session.scalar(stmt)


def load_demo_transfers(
    session: Session,
    actor: Actor,
    settings: Settings,
    by_code: dict[str, Organization],
    showcase_ids: set[int],
    today: date,
) -> DemoTransfers:
    target, neighbour = by_code[RECEIVING_BRANCH], by_code[NEIGHBOUR_BRANCH]
    waiting = 0
    codes = {RECEIVING_BRANCH, NEIGHBOUR_BRANCH}
    done = _movable(session, showcase_ids, codes)
    if done is not None:
        moved = transfer_within.transfer_within(
            session, actor, settings, done.id, neighbour.id, on=today, today=today
        )
        notice = transfer_inbox.get_notice(session, actor, moved.notice_id or 0)
        transfer_inbox.accept(session, actor, notice)
        transfer_inbox.record_arrival(session, actor, moved.id, on=today, today=today)
    pending = _movable(session, showcase_ids | ({done.id} if done else set()), codes)
    if pending is not None:
        transfer_within.transfer_within(
            session, actor, settings, pending.id, target.id, on=today, today=today
        )
        waiting += 1
    last_month = today.replace(day=1) - timedelta(days=1)
    transfer_in.transfer_in(
        session,
        actor,
        settings,
        transfer_in.InRequest(
            data=MemberData(
                name="韩新来",
                id_number=compose_id_number("410105", date(1989, 6, 18), 73),
                joined_date=date(2012, 7, 1),
                full_member_date=date(2013, 7, 1),
                education="大学本科",
                phone="13903710188",
                address="示范区幸福路18号",
            ),
            org_id=target.id,
            from_name="河南省郑州市金水区经八路街道党工委",
            letter_no=f"41010500-{today.year}-J0042",
            on=today,
            paid_to=(last_month.year, last_month.month),
        ),
        today=today,
    )
    waiting += 2
    for name, birth, seq, home, place, card, host in GUESTS:
        floating_intake.register(
            session,
            actor,
            floating_intake.GuestData(
                name=name,
                card_number=card.format(y=today.year),
                home_org=home,
                home_place=place,
                host_org_id=by_code[host].id,
                start_date=today - timedelta(days=20 + seq),
                id_number=compose_id_number(card[:6], birth, seq),
                phone=f"139{seq:08d}",
                card_valid_until=today + timedelta(days=300 - seq),
                note="在本区务工，编入支部参加组织生活",
            ),
            today=today,
        )
    return DemoTransfers(waiting, ARRIVALS_FROM_OUTSIDE, len(GUESTS))
