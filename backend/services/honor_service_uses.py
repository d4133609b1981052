"""Free uses of the honor services: who used which offer this year, how many uses are left, and
issuing one — at the window by staff, or by the member at the kiosk after a card tap.

Each use takes the next 荣誉服务通知单 number of the year (gap-free, ``services/sequences.py``)
and the next use number of (offer, member, year); the unique constraint on the latter refuses a
use past the offer's yearly free uses even when two windows issue at once
(docs/honor-services.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.models import HonorNoticeSequence, HonorOffer, HonorUse, Member, Organization
from backend.services import audit, honor_service_rules, honor_services, policy, sequences
from backend.services.actor import Actor
from backend.services.masking import mask_name
from backend.services.policy import Action
from backend.services.scope import get_member, org_in_scope, path_in_scope


@dataclass(frozen=True)
class OfferStanding:
    """An offer as one member sees it this year."""

    offer: HonorOffer
    used: int
    left: int


def used_count(session: Session, offer_id: int, member_id: int, year: int) -> int:
    return (
        session.scalar(
            select(func.count(HonorUse.id)).where(
                HonorUse.offer_id == offer_id,
                HonorUse.member_id == member_id,
                HonorUse.year == year,
            )
        )
        or 0
    )


def standings(session: Session, member: Member, today: date) -> list[OfferStanding]:
    out = []
    for offer in honor_services.offers_for(session, member):
        used = used_count(session, offer.id, member.id, today.year)
        out.append(OfferStanding(offer, used, max(offer.free_uses - used, 0)))
    return out


def use_ids(session: Session, offer_id: int, member_id: int, today: date) -> list[int]:
    """The member's uses of the offer this year, in order (their notices may be reprinted)."""
    return list(
        session.scalars(
            select(HonorUse.id)
            .where(
                HonorUse.offer_id == offer_id,
                HonorUse.member_id == member_id,
                HonorUse.year == today.year,
            )
            .order_by(HonorUse.use_no)
        )
    )


def _refusal(member: Member, offer: HonorOffer, year: int) -> Conflict:
    return Conflict(
        f"{mask_name(member.name)}{year}年已享受过“{offer.venue.name}·{offer.title}”"
        f"（每年免费{offer.free_uses}次），本年度不能再次使用",
        code="honor_use_spent",
    )


def _check_actor(session: Session, actor: Actor, member: Member) -> Member:
    """Staff act on members of their subtree; a kiosk only for the member whose card session it
    holds (the API passes that member, never one named in a request)."""
    if actor.type == "device":
        return member
    policy.authorize(actor, Action.HONOR_SERVICE_ISSUE)
    return get_member(session, actor, member.id)


def issue(
    session: Session, actor: Actor, member: Member, offer_id: int, *, today: date
) -> HonorUse:
    """Record one free use of the offer by the member and number its notice; audited."""
    member = _check_actor(session, actor, member)
    if member.archived:
        raise Invalid("该党员已不在党员库中", code="member_archived")
    offer = session.get(HonorOffer, offer_id)
    if offer is None or offer not in honor_services.offers_for(session, member):
        raise NotFound("未找到该优惠项目，或该党员不能享受", code="honor_offer_not_found")
    met = honor_service_rules.reasons(session, member, today)
    if not met:
        raise Conflict(
            f"{mask_name(member.name)}目前不符合荣誉服务的享受条件", code="honor_not_eligible"
        )
    year = today.year
    used = used_count(session, offer.id, member.id, year)
    if used >= offer.free_uses:
        raise _refusal(member, offer, year)
    use = HonorUse(
        offer_id=offer.id,
        member_id=member.id,
        year=year,
        use_no=used + 1,
        org_id=member.org_id,
        basis="；".join(r.label.split("（")[0] for r in met)[:100],
        notice_year=year,
        notice_seq=sequences.take(session, HonorNoticeSequence, year),
        channel="kiosk" if actor.type == "device" else "counter",
        created_by=actor.name,
    )
    try:
        with session.begin_nested():
            session.add(use)
    except IntegrityError:
        # Another window issued the same use a moment ago (the unique constraint said so).
        raise _refusal(member, offer, year) from None
    audit.record(session, actor, "honor_use.create", "honor_use", use.id, after=audit.snapshot(use))
    return use


def get_use(session: Session, actor: Actor, use_id: int) -> HonorUse:
    use = session.get(HonorUse, use_id)
    if use is None or not path_in_scope(actor, use.org.path):
        raise NotFound("未找到该荣誉服务记录，或不在您的管理范围内", code="honor_use_not_found")
    return use


def count_reprint(session: Session, actor: Actor, use: HonorUse, member: Member | None) -> int:
    """Count a reprint (补打) of the use's notice; returns the print count (first print
    included). A kiosk may reprint only the notices of the member whose card it holds."""
    if actor.type == "device":
        if member is None or member.id != use.member_id:
            raise Forbidden("只能补打本人的通知单", code="forbidden")
    else:
        policy.authorize(actor, Action.HONOR_SERVICE_ISSUE)
        use = get_use(session, actor, use.id)
    session.execute(
        update(HonorUse)
        .where(HonorUse.id == use.id)
        .values(prints=HonorUse.prints + 1)
        .execution_options(synchronize_session=False)
    )
    session.refresh(use, ["prints"])
    audit.record(
        session,
        actor,
        "honor_use.reprint",
        "honor_use",
        use.id,
        after={"notice_no": use.notice_no, "prints": use.prints},
    )
    return use.prints


def uses_of_year(actor: Actor, year: int) -> Select:
    """The uses of ``year`` in the actor's subtree (a statement for paging)."""
    return (
        select(HonorUse)
        .join(Organization, HonorUse.org_id == Organization.id)
        .where(HonorUse.year == year, org_in_scope(actor))
    )
