"""Demo honor services (党员荣誉服务): partner venues and units with their offers, kept by the
district so every demo member may use them, and one use already issued at the window, so a
newcomer finds the window-11 pages filled. The demo card of the 1949年前入党的老党员 is eligible
by 党龄 (docs/demo.md, docs/honor-services.md)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Member, Organization
from backend.services import honor_service_rules, honor_service_uses, honor_services
from backend.services.actor import Actor

# (name, address, contact, phone, [(offer, schedule, free uses a year)])
VENUES = (
    (
        "示范区革命历史纪念馆",
        "示范区和平路8号",
        "刘馆长",
        "010-66668888",
        [("免费参观讲解一次", "周二至周日 9:00-16:30", 1)],
    ),
    (
        "示范区全民健身中心",
        "示范区体育路2号",
        "陈经理",
        "010-88886666",
        [("免费游泳一次", "每天 8:00-20:00", 1), ("免费乒乓球场地一小时", "工作日 9:00-17:00", 2)],
    ),
    (
        "仁心社区卫生服务中心",
        "示范区幸福街16号",
        "周主任",
        "010-65551234",
        [("免费健康体检一次", "工作日上午，请提前一天预约", 1)],
    ),
)


def load_demo_honor_services(session: Session, actor: Actor, today: date) -> int:
    """Add the demo venues and offers and issue one use; returns the number of offers."""
    district = session.scalar(
        select(Organization).where(Organization.parent_id.is_(None)).order_by(Organization.id)
    )
    assert district is not None
    offers = []
    for name, address, contact, phone, items in VENUES:
        venue = honor_services.save_venue(
            session,
            actor,
            org=district,
            name=name,
            address=address,
            contact_name=contact,
            contact_phone=phone,
        )
        for title, schedule, uses in items:
            offers.append(
                honor_services.save_offer(
                    session, actor, venue=venue, title=title, schedule=schedule, free_uses=uses
                )
            )
    eligible = honor_service_rules.eligible_members(session, actor, today)
    # The newest eligible member: the showcase card holders come first and stay untouched.
    member = session.scalars(eligible.order_by(Member.id.desc())).first()
    if member is not None:
        honor_service_uses.issue(session, actor, member, offers[0].id, today=today)
    return len(offers)
