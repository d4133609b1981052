"""The demo's member cases (docs/cases.md, docs/demo.md): every type in several states, one past
its due day on the demo 党工委's red-warnings board; and the whole loop with a demo card — a
hardship application at the kiosk, routed and answered by the demo staff, the reply on the next
tap."""

from __future__ import annotations

from collections import Counter

import pytest
from sqlalchemy import select

from backend.models import Case, CaseState, CaseType, User
from backend.services import demo, users, warnings_board
from backend.services.actor import Actor
from backend.services.dues_year import hall_today

MEMBERS = 150


@pytest.fixture(autouse=True)
def fast_password_hashes(monkeypatch):  # type: ignore[no-untyped-def]
    """The demo users' scrypt hashes are most of a small demo's time; tests need not pay."""
    from werkzeug.security import generate_password_hash

    def quick(password: str, method: str = "") -> str:
        return generate_password_hash(password, method="pbkdf2:sha256:1")

    monkeypatch.setattr(users, "generate_password_hash", quick)


@pytest.fixture
def report(db, settings, tmp_path):  # type: ignore[no-untyped-def]
    result = demo.generate(
        db, settings, member_count=MEMBERS, device_key_path=tmp_path / "kiosk-device.key"
    )
    db.commit()
    return result


def test_every_case_type_in_several_states_and_one_overdue(db, report, settings) -> None:  # type: ignore[no-untyped-def]
    found = db.scalars(select(Case)).all()
    assert {c.case_type for c in found} == set(CaseType)
    assert set(Counter(c.state for c in found)) == set(CaseState)
    dangwei = Actor.for_user(db.scalar(select(User).where(User.username == "dangwei01")))
    board = warnings_board.board(db, dangwei, hall_today(settings.dues), settings.dues)
    assert board.cases is not None and board.cases.total == 1
    assert board.cases.rows[0].type_label == "困难救助"


def test_a_demo_card_asks_for_hardship_aid_and_reads_the_reply(client, report) -> None:  # type: ignore[no-untyped-def]
    card = report.demo_cards[0]
    device = {"X-Device-Key": report.device_key}

    def tap() -> dict[str, str]:
        r = client.post("/api/v1/kiosk/card-session", json={"uid": card.uid}, headers=device)
        assert r.status_code == 201, r.json
        return {**device, "X-Kiosk-Session": r.json["token"]}

    kiosk = tap()
    before = client.get("/api/v1/kiosk/session/cases", headers=kiosk).json["cases"]
    assert before and before[0]["reply"]  # the demo's replied suggestion
    r = client.post(
        "/api/v1/kiosk/session/cases", json={"type": "hardship", "topic": "因病致困"}, headers=kiosk
    )
    assert r.status_code == 201, r.json
    number = r.json["number"]
    login = client.post("/api/v1/auth/login", json={"username": "admin", "password": "Demo2026"})
    staff = {"Authorization": f"Bearer {login.json['token']}"}
    (case,) = [c for c in client.get("/api/v1/cases", headers=staff).json["items"]
               if c["number"] == number]  # fmt: skip
    routed = client.post(
        f"/api/v1/cases/{case['id']}/route", json={"org_id": case["org_id"]}, headers=staff
    )
    assert routed.status_code == 200, routed.json
    replied = client.post(
        f"/api/v1/cases/{case['id']}/reply", json={"text": "支部书记明天上门看望"}, headers=staff
    )
    assert replied.status_code == 200, replied.json
    mine = client.get("/api/v1/kiosk/session/cases", headers=tap()).json["cases"]
    assert (mine[0]["number"], mine[0]["reply"]) == (number, "支部书记明天上门看望")
