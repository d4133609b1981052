"""Binding a staff card and signing in with it check scrypt hashes with no transaction open
(docs/transactions.md), on both databases.

Proven two ways while the real check runs: ``password_matches`` is wrapped (the real check still
runs inside) to assert that the request's session (``flask.g.db``) has no transaction open, and
to let another writer commit a change and wait for it at most 5 s. On SQLite a request holding
its write transaction would make that writer wait out the busy timeout; on PostgreSQL the
writer is never blocked, so there the open-transaction assertion is what proves it.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from flask import g

from backend.models import User
from backend.services import staff_cards
from tests.builders import PASSWORD, Builders

STAFF_UID = "A1B2C3D4"


class _HashWatch:
    """Stands in for ``password_matches`` around the real one and notes what it saw."""

    def __init__(self, app: Any, writer_id: int) -> None:
        self.app, self.writer_id = app, writer_id
        self.calls: list[tuple[bool, bool]] = []  # (transaction open, writer got through)
        self.real = staff_cards.password_matches

    def __call__(self, stored_hash: str, secret: str) -> bool:
        open_transaction = g.db.in_transaction()
        done = threading.Event()

        def write() -> None:
            with self.app.extensions["hall"].session_factory() as session:
                writer = session.get(User, self.writer_id)
                writer.full_name = f"改名{len(self.calls)}"
                session.commit()
            done.set()

        thread = threading.Thread(target=write, daemon=True)
        thread.start()
        got_through = done.wait(5)
        self.calls.append((open_transaction, got_through))
        result = self.real(stored_hash, secret)
        thread.join(35)
        return result


@pytest.fixture
def watch(app, client, build: Builders, db, monkeypatch) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["b1"], "branch1")
    other = build.user(orgs["b2"], "branch2")
    device = build.device("hall-kiosk")
    db.commit()
    r = client.post("/api/v1/auth/login", json={"username": "branch1", "password": PASSWORD})
    assert r.status_code == 200, r.json
    hashes = _HashWatch(app, other.id)
    monkeypatch.setattr(staff_cards, "password_matches", hashes)
    return {
        "hashes": hashes,
        "staff": {"Authorization": f"Bearer {r.json['token']}"},
        "device": {"X-Device-Key": device},
    }


def test_binding_a_staff_card_checks_the_password_outside_any_transaction(
    client, watch: dict[str, Any]
) -> None:
    bind = "/api/v1/auth/staff-card"
    wrong = client.post(
        bind, json={"uid": STAFF_UID, "pin": "2468", "password": "nope"}, headers=watch["staff"]
    )
    assert wrong.status_code == 400 and wrong.json["message"] == "登录密码不正确"
    ok = client.post(
        bind, json={"uid": STAFF_UID, "pin": "2468", "password": PASSWORD}, headers=watch["staff"]
    )
    assert ok.status_code == 204, ok.json
    assert watch["hashes"].calls == [(False, True), (False, True)]

    signed_in = client.post(
        "/api/v1/auth/card-login", json={"uid": STAFF_UID, "pin": "2468"}, headers=watch["device"]
    )
    assert signed_in.status_code == 200 and signed_in.json["user"]["username"] == "branch1"


def test_an_unknown_staff_card_is_hashed_outside_any_transaction(
    client, watch: dict[str, Any]
) -> None:
    r = client.post(
        "/api/v1/auth/card-login", json={"uid": "04D5E6F7", "pin": "2468"}, headers=watch["device"]
    )
    assert r.status_code == 401 and r.json["message"] == "这张卡不是已登记的工作证"
    assert watch["hashes"].calls == [(False, True)]
