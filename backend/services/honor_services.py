"""Honor services (党员荣誉服务): the partner venues and units and what they offer.

A venue belongs to the organization whose staff keep it (normally the district); its offers are
open to the eligible members of that organization's subtree. Venues and offers are switched off,
never deleted, so the uses and notices that name them stay readable (docs/honor-services.md).
"""

from __future__ import annotations

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from backend.errors import Invalid, NotFound
from backend.models import HonorOffer, HonorVenue, Member, Organization
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.scope import get_org, path_in_scope

MAX_FREE_USES = 12


def _text(value: str | None, label: str, limit: int, *, required: bool = False) -> str:
    text = (value or "").strip()
    if required and not text:
        raise Invalid(f"请填写{label}", code="honor_service_fields")
    if len(text) > limit:
        raise Invalid(f"{label}不超过{limit}字", code="honor_service_fields")
    return text


def get_venue(session: Session, actor: Actor, venue_id: int) -> HonorVenue:
    venue = session.get(HonorVenue, venue_id)
    if venue is None or not path_in_scope(actor, venue.org.path):
        raise NotFound("未找到该合作场所，或不在您的管理范围内", code="honor_venue_not_found")
    return venue


def get_offer(session: Session, actor: Actor, offer_id: int) -> HonorOffer:
    offer = session.get(HonorOffer, offer_id)
    if offer is None or not path_in_scope(actor, offer.venue.org.path):
        raise NotFound("未找到该优惠项目，或不在您的管理范围内", code="honor_offer_not_found")
    return offer


def save_venue(
    session: Session,
    actor: Actor,
    *,
    venue: HonorVenue | None = None,
    org: Organization,
    name: str,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    active: bool = True,
) -> HonorVenue:
    """Add a venue (``venue`` None) or change one; audited."""
    policy.authorize(actor, Action.HONOR_SERVICE_EDIT)
    org = get_org(session, actor, org.id)
    values = {
        "org_id": org.id,
        "name": _text(name, "场所或单位名称", 100, required=True),
        "address": _text(address, "地址", 200),
        "contact_name": _text(contact_name, "联系人", 50),
        "contact_phone": _text(contact_phone, "联系电话", 20),
        "active": active,
    }
    before = None
    if venue is None:
        venue = HonorVenue(created_by=actor.name, **values)
        session.add(venue)
    else:
        venue = get_venue(session, actor, venue.id)
        before = audit.snapshot(venue)
        for key, value in values.items():
            setattr(venue, key, value)
    session.flush()
    action = "honor_venue.create" if before is None else "honor_venue.update"
    audit.record(
        session, actor, action, "honor_venue", venue.id, before=before, after=audit.snapshot(venue)
    )
    return venue


def save_offer(
    session: Session,
    actor: Actor,
    *,
    venue: HonorVenue,
    offer: HonorOffer | None = None,
    title: str,
    schedule: str = "",
    free_uses: int = 1,
    active: bool = True,
) -> HonorOffer:
    """Add an offer to a venue (``offer`` None) or change one; audited."""
    policy.authorize(actor, Action.HONOR_SERVICE_EDIT)
    venue = get_venue(session, actor, venue.id)
    if not 1 <= free_uses <= MAX_FREE_USES:
        raise Invalid(f"每年免费次数须在1到{MAX_FREE_USES}之间", code="honor_offer_uses")
    values = {
        "title": _text(title, "优惠内容", 100, required=True),
        "schedule": _text(schedule, "开放时间", 100),
        "free_uses": free_uses,
        "active": active,
    }
    before = None
    if offer is None:
        offer = HonorOffer(venue_id=venue.id, created_by=actor.name, **values)
        session.add(offer)
    else:
        offer = get_offer(session, actor, offer.id)
        if offer.venue_id != venue.id:
            raise NotFound("未找到该优惠项目", code="honor_offer_not_found")
        before = audit.snapshot(offer)
        for key, value in values.items():
            setattr(offer, key, value)
    session.flush()
    action = "honor_offer.create" if before is None else "honor_offer.update"
    audit.record(
        session, actor, action, "honor_offer", offer.id, before=before, after=audit.snapshot(offer)
    )
    return offer


def offers_for(session: Session, member: Member) -> list[HonorOffer]:
    """The active offers open to the member: those of active venues kept by the member's own
    organization or one above it."""
    member_path = session.scalar(select(Organization.path).where(Organization.id == member.org_id))
    return list(
        session.scalars(
            select(HonorOffer)
            .join(HonorVenue, HonorOffer.venue_id == HonorVenue.id)
            .join(Organization, HonorVenue.org_id == Organization.id)
            .where(
                HonorOffer.active.is_(True),
                HonorVenue.active.is_(True),
                literal(member_path or "").startswith(Organization.path),
            )
            .order_by(HonorVenue.name, HonorVenue.id, HonorOffer.id)
        )
    )
