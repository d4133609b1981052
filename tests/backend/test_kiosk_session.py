"""Kiosk card sessions over HTTP: a tap shows that member's own, masked record only."""

from __future__ import annotations

from backend.services import hall_clock
from tests.builders import Builders


def _setup(build: Builders, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="王𬌗", monthly_fen=7650)
    other = build.member(orgs["b2"], name="李四")
    uid = build.card(member)
    build.card(other)
    build.ledger(member, hall_clock.today().year, paid_months={1})
    key = build.device()
    db.commit()
    return member, uid, key


def test_tap_shows_masked_summary_of_that_member(client, build, db) -> None:
    member, uid, key = _setup(build, db)
    r = client.post("/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key})
    assert r.status_code == 201, r.json
    body = r.json
    summary = body["member"]
    assert summary["name_masked"] == "王*"
    assert summary["id_masked"].startswith("110") and "*" in summary["id_masked"]
    assert member.id_number not in r.get_data(as_text=True)
    assert summary["phone_masked"] == "139****5678"
    assert summary["org_name"] == "幸福社区第一党支部"
    assert summary["monthly_dues"] == "76.50"
    assert summary["months"][0]["state"] == "paid"
    assert len(summary["months"]) == 12
    # The session token reads the same member back, and only with the same device.
    again = client.get(
        "/api/v1/kiosk/session", headers={"X-Device-Key": key, "X-Kiosk-Session": body["token"]}
    )
    assert again.json["name_masked"] == "王*"


def test_unknown_card_gets_a_chinese_message(client, build, db) -> None:
    _member, _uid, key = _setup(build, db)
    r = client.post(
        "/api/v1/kiosk/card-session", json={"uid": "DEADBEEF"}, headers={"X-Device-Key": key}
    )
    assert r.status_code == 404
    assert r.json["code"] == "card_unknown"
    assert "识别" in r.json["message"]


def test_ended_session_no_longer_reads_the_member(client, build, db) -> None:
    _member, uid, key = _setup(build, db)
    token = client.post(
        "/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key}
    ).json["token"]
    headers = {"X-Device-Key": key, "X-Kiosk-Session": token}
    assert client.delete("/api/v1/kiosk/session", headers=headers).status_code == 204
    r = client.get("/api/v1/kiosk/session", headers=headers)
    assert r.status_code == 401
    assert r.json["code"] == "session_expired"


def test_device_key_cannot_call_staff_endpoints(client, build, db) -> None:
    _member, _uid, key = _setup(build, db)
    r = client.post(
        "/api/v1/dues/assess",
        json={"category": "employed", "base": "5100.00"},
        headers={"X-Device-Key": key},
    )
    assert r.status_code == 403
    assert r.json["code"] == "device_not_allowed"


def test_manual_entry_with_card_number_and_id_tail(client, build, db) -> None:
    member, _uid, key = _setup(build, db)
    r = client.post(
        "/api/v1/kiosk/card-session",
        json={"card_no": member.card_no, "id_last6": member.id_number[-6:]},
        headers={"X-Device-Key": key},
    )
    assert r.status_code == 201
    assert r.json["member"]["name_masked"] == "王*"
    wrong = client.post(
        "/api/v1/kiosk/card-session",
        json={"card_no": member.card_no, "id_last6": "000000"},
        headers={"X-Device-Key": key},
    )
    assert wrong.status_code == 404


def test_a_session_in_use_slides_its_expiry(client, build, db) -> None:  # type: ignore[no-untyped-def]
    """A member still reading is not cut off after two minutes; an idle session still ends."""
    from datetime import timedelta

    from sqlalchemy import select

    from backend.models import KioskSession
    from backend.models.base import utcnow

    _member, uid, key = _setup(build, db)
    token = client.post(
        "/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key}
    ).json["token"]
    headers = {"X-Device-Key": key, "X-Kiosk-Session": token}
    row = db.scalar(select(KioskSession))
    row.expires_at = utcnow() + timedelta(seconds=5)
    db.commit()
    assert client.get("/api/v1/kiosk/session", headers=headers).status_code == 200
    db.expire_all()
    assert db.scalar(select(KioskSession)).expires_at > utcnow() + timedelta(seconds=100)
    db.rollback()
    row = db.scalar(select(KioskSession))
    row.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert client.get("/api/v1/kiosk/session", headers=headers).status_code == 401
