"""The kiosk world's honor services: one partner venue kept by the district with two offers, and
the veteran rule lowered to 20 years of 党龄 so the world's members (joined 2005) are eligible."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from backend.services import honor_service_rules, honor_services
from tests.builders import SYSTEM


def honor_services_world(session: Session, district: dict[str, Any]) -> dict[str, Any]:
    venue = honor_services.save_venue(
        session,
        SYSTEM,
        org=district["district"],
        name="示范区革命历史纪念馆",
        address="示范区和平路8号",
    )
    once = honor_services.save_offer(
        session, SYSTEM, venue=venue, title="免费参观讲解一次", schedule="周二至周日"
    )
    twice = honor_services.save_offer(
        session, SYSTEM, venue=venue, title="免费观影一次", free_uses=2
    )
    honor_service_rules.set_rule(session, SYSTEM, "veteran", enabled=True, threshold=20)
    return {"venue": venue.name, "once": once.title, "twice": twice.title}
