"""The demo has honor services to look at: partner venues with offers, a use at the window, and
the veteran's demo card sees its offers at the kiosk (docs/demo.md)."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.models import HonorOffer, HonorUse, HonorVenue
from tests.backend.test_demo import fast_password_hashes, report  # noqa: F401  (fixtures)


def test_the_demo_has_partner_venues_and_an_eligible_card(db, report, client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    assert db.scalar(select(func.count(HonorVenue.id))) == 3
    assert db.scalar(select(func.count(HonorOffer.id))) == 4
    assert db.scalar(select(func.count(HonorUse.id))) == 1
    db.rollback()
    veteran = {c.note: c for c in report.demo_cards}["1949年前入党的老党员"]
    headers = {"X-Device-Key": report.device_key}
    r = client.post("/api/v1/kiosk/card-session", json={"uid": veteran.uid}, headers=headers)
    assert r.status_code == 201, r.json
    headers["X-Kiosk-Session"] = r.json["token"]
    standing = client.get("/api/v1/kiosk/session/honor-services", headers=headers).json
    assert standing["eligible"] and standing["reasons"] == ["老党员（党龄）"]
    assert {o["venue"] for o in standing["offers"]} == {
        "示范区革命历史纪念馆",
        "示范区全民健身中心",
        "仁心社区卫生服务中心",
    }
    assert all(o["left"] == o["free_uses"] for o in standing["offers"])
