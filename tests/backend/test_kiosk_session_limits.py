"""Kiosk card sessions end at an absolute time however active, and typing the card number of a
card reported lost is refused exactly like tapping it (both databases)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.models import Card, CardState, KioskSession
from backend.models.base import utcnow
from backend.services import cards
from tests.builders import SYSTEM, Builders

URL = "/api/v1/kiosk/card-session"


def _setup(build: Builders, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="王芳", monthly_fen=7650)
    uid = build.card(member)
    key = build.device()
    db.commit()
    return member, uid, {"X-Device-Key": key}


def test_a_busy_session_still_ends_at_its_absolute_end(client, build, db, settings) -> None:  # type: ignore[no-untyped-def]
    _member, uid, device = _setup(build, db)
    token = client.post(URL, json={"uid": uid}, headers=device).json["token"]
    headers = {**device, "X-Kiosk-Session": token}
    row = db.scalar(select(KioskSession))
    assert row.ends_at - row.created_at == timedelta(seconds=settings.kiosk_session_max_seconds)
    # Tapped nine and a half minutes ago and used all along: sliding stops at the end.
    row.created_at = utcnow() - timedelta(seconds=570)
    row.ends_at = utcnow() + timedelta(seconds=30)
    db.commit()
    assert client.get("/api/v1/kiosk/session", headers=headers).status_code == 200
    db.expire_all()
    row = db.scalar(select(KioskSession))
    assert row.expires_at <= row.ends_at  # never slides past it
    row.ends_at = utcnow() - timedelta(seconds=1)
    row.expires_at = utcnow() + timedelta(seconds=100)  # the sliding end alone would allow it
    db.commit()
    ended = client.get("/api/v1/kiosk/session", headers=headers)
    assert ended.status_code == 401 and ended.json["message"] == "查询已结束，请重新刷卡"
    statement = client.post("/api/v1/kiosk/session/statement", headers=headers)
    assert statement.status_code == 401


def test_manual_entry_refuses_a_card_reported_lost_like_a_tap(client, build, db) -> None:  # type: ignore[no-untyped-def]
    member, uid, device = _setup(build, db)
    manual = {"card_no": member.card_no, "id_last6": member.id_number[-6:]}
    opened = client.post(URL, json=manual, headers=device)
    assert opened.status_code == 201
    headers = {**device, "X-Kiosk-Session": opened.json["token"]}
    cards.set_card_state(db, SYSTEM, db.scalar(select(Card)), CardState.LOST)
    db.commit()

    tap = client.post(URL, json={"uid": uid}, headers=device)
    typed = client.post(URL, json=manual, headers=device)
    assert tap.status_code == typed.status_code == 403
    assert typed.json == tap.json
    assert typed.json["message"] == "这张卡已挂失，不能查询。如已找回或需补卡，请到服务窗口办理"
    # A manual session opened before the loss was reported ends too.
    assert client.get("/api/v1/kiosk/session", headers=headers).status_code == 401

    # Once a replacement card is issued, typing the number works again.
    build.card(member)
    db.commit()
    assert client.post(URL, json=manual, headers=device).status_code == 201
