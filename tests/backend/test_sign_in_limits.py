"""Sign-in limits that hold under parallel requests, on SQLite and on the real PostgreSQL: the
account lock-out, the per-address limit, and an audit row for each failed sign-in."""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy import func, select

from backend import create_app
from backend.models import AuditEntry, User
from backend.services import users
from backend.settings import Settings
from tests.builders import PASSWORD, Builders

PARALLEL = 32


def _post_in_parallel(app, bodies_and_addresses):  # type: ignore[no-untyped-def]
    """POST /auth/login from one thread per request, all released at once; the codes."""
    barrier = threading.Barrier(len(bodies_and_addresses))
    codes: list[str] = []
    lock = threading.Lock()

    def attempt(body: dict[str, str], address: str) -> None:
        client = app.test_client()
        barrier.wait()
        r = client.post("/api/v1/auth/login", json=body, environ_base={"REMOTE_ADDR": address})
        with lock:
            codes.append(r.json["code"] if r.status_code != 200 else "ok")

    threads = [threading.Thread(target=attempt, args=pair) for pair in bodies_and_addresses]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return Counter(codes)


def _failed_audits(db) -> int:  # type: ignore[no-untyped-def]
    db.rollback()
    count = db.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "user.login_failed")
    )
    db.rollback()  # end the read: on SQLite an open transaction would block the app's writes
    return int(count or 0)


@pytest.fixture
def roomy_app(settings: Settings):  # type: ignore[no-untyped-def]
    """Every parallel sign-in gets a turn at the password check (the default turns would refuse
    most of them as busy, test_a_sign_in_past_the_turns_is_refused_at_once): these tests are
    about the counts."""
    application = create_app(replace(settings, sign_in_check_turns=PARALLEL))
    application.config["TESTING"] = True
    yield application
    application.extensions["hall"].engine.dispose()


def test_parallel_wrong_passwords_cannot_pass_the_lockout(roomy_app, settings) -> None:  # type: ignore[no-untyped-def]
    """Today's defect: 32 parallel guesses all had their password checked under a limit of 5."""
    app = roomy_app
    db = app.extensions["hall"].session_factory()
    build = Builders(db, settings)
    build.user(build.district()["b1"], "target")
    db.commit()
    guesses = [
        ({"username": "target", "password": f"guess{i}"}, f"10.1.0.{i}") for i in range(PARALLEL)
    ]
    codes = _post_in_parallel(app, guesses)
    assert sum(codes.values()) == PARALLEL
    # Only the allowed number of guesses reached the password check; the rest were refused.
    assert codes["bad_credentials"] == settings.login_max_failures, codes
    assert codes["locked"] == PARALLEL - settings.login_max_failures, codes
    assert _failed_audits(db) == settings.login_max_failures
    locked = app.test_client().post(
        "/api/v1/auth/login", json={"username": "target", "password": PASSWORD}
    )
    assert locked.status_code == 403 and "账户已锁定" in locked.json["message"]
    db.close()


@pytest.fixture
def strict_app(settings: Settings):  # type: ignore[no-untyped-def]
    application = create_app(
        replace(settings, login_address_max_failures=6, sign_in_check_turns=PARALLEL)
    )
    application.config["TESTING"] = True
    yield application
    application.extensions["hall"].engine.dispose()


def test_one_address_cannot_lock_every_account(strict_app, settings) -> None:  # type: ignore[no-untyped-def]
    session = strict_app.extensions["hall"].session_factory()
    build = Builders(session, settings)
    orgs = build.district()
    for name in ("one", "two", "three", "four"):
        build.user(orgs["b1"], name)
    session.commit()
    client = strict_app.test_client()
    attacker = {"REMOTE_ADDR": "192.0.2.7"}
    for name in ("one", "two", "three"):
        for _ in range(2):
            r = client.post(
                "/api/v1/auth/login",
                json={"username": name, "password": "wrong-1"},
                environ_base=attacker,
            )
            assert r.status_code == 401
    refused = client.post(
        "/api/v1/auth/login",
        json={"username": "four", "password": "wrong-1"},
        environ_base=attacker,
    )
    assert refused.status_code == 429
    assert refused.json["message"] == "本机登录失败次数过多，请15分钟后再试，或联系管理员"
    # Refused before the password check: "four" has no failure counted, no audit row.
    session.rollback()
    four = session.scalar(select(User).where(User.username == "four"))
    assert four is not None and four.failed_logins == 0 and four.locked_until is None
    assert _failed_audits(session) == 6
    # Nobody was locked out, and the owner signs in from another address.
    ok = client.post(
        "/api/v1/auth/login",
        json={"username": "four", "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "192.0.2.8"},
    )
    assert ok.status_code == 200, ok.json
    session.close()


def test_a_flood_from_one_address_is_refused_in_parallel_too(strict_app, settings) -> None:  # type: ignore[no-untyped-def]
    session = strict_app.extensions["hall"].session_factory()
    build = Builders(session, settings)
    orgs = build.district()
    for i in range(PARALLEL):
        build.user(orgs["b1"], f"user{i}")
    session.commit()
    guesses = [
        ({"username": f"user{i}", "password": "wrong-1"}, "192.0.2.9") for i in range(PARALLEL)
    ]
    codes = _post_in_parallel(strict_app, guesses)
    assert codes == Counter({"bad_credentials": 6, "address_limited": PARALLEL - 6}), codes
    assert _failed_audits(session) == 6
    session.close()


def test_each_failed_sign_in_is_audited_without_the_password(client, build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    user = build.user(build.district()["b1"], "clerk")
    db.commit()
    client.post("/api/v1/auth/login", json={"username": "clerk", "password": "Secret-typo-1"})
    client.post("/api/v1/auth/login", json={"username": "nobody", "password": "Secret-typo-2"})
    assert (
        client.post(
            "/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD}
        ).status_code
        == 200
    )
    rows = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "user.login_failed").order_by(AuditEntry.id)
    ).all()
    assert [(r.entity_id, r.after["username"], r.after["reason"]) for r in rows] == [
        (str(user.id), "clerk", "bad_credentials"),
        (None, "nobody", "bad_credentials"),
    ]
    assert {r.after["client_ip"] for r in rows} == {"127.0.0.1"}
    everything = " ".join(str(r.after) for r in rows)
    assert "Secret-typo" not in everything
    # The successful sign-in reset the count and gave the address's attempt back.
    db.expire_all()
    assert db.get(User, user.id).failed_logins == 0


def test_a_refused_address_does_not_wait_for_a_writer(strict_app, settings) -> None:  # type: ignore[no-untyped-def]
    """A flood of bogus sign-ins from an address over its limit must not queue behind the
    database's writers (SQLite's one write lock; a PostgreSQL row lock): the refusal is decided
    by a read. Before, every refusal took the write lock first, so kiosk taps waited behind it."""
    client = strict_app.test_client()
    attacker = {"REMOTE_ADDR": "192.0.2.10"}
    for i in range(6):
        r = client.post(
            "/api/v1/auth/login",
            json={"username": f"nobody{i}", "password": "wrong-1"},
            environ_base=attacker,
        )
        assert r.status_code == 401
    engine = strict_app.extensions["hall"].engine
    holder = engine.connect()
    holder.exec_driver_sql("UPDATE login_throttle SET attempts = attempts")  # a writer, open
    answers: list[int] = []
    try:
        worker = threading.Thread(
            target=lambda: answers.append(
                client.post(
                    "/api/v1/auth/login",
                    json={"username": "nobody", "password": "wrong-1"},
                    environ_base=attacker,
                ).status_code
            )
        )
        worker.start()
        worker.join(timeout=10)
        assert answers == [429], "the refusal waited for the writer"
    finally:
        holder.rollback()
        holder.close()
        worker.join(timeout=60)


def test_a_sign_in_past_the_turns_is_refused_at_once(client, build: Builders, db, settings) -> None:  # type: ignore[no-untyped-def]
    """A sign-in waits for the password check while holding a server thread; with every turn
    taken (a flood's parallel guesses) the next is refused at once instead of waiting — before,
    32 parallel bogus sign-ins held all 8 of waitress's threads for seconds and a kiosk tap
    queued behind them (bench/RESULTS.md). The account is not charged for the refusal."""
    user = build.user(build.district()["b1"], "clerk")
    db.commit()
    with contextlib.ExitStack() as taken:
        for _ in range(settings.sign_in_check_turns):
            taken.enter_context(users.checking_turn(settings.sign_in_check_turns))
        started = time.monotonic()
        busy = client.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD})
        unknown = client.post("/api/v1/auth/login", json={"username": "nobody", "password": "x1"})
        assert time.monotonic() - started < 5
    assert busy.status_code == 429 and busy.json["code"] == "sign_in_busy"
    assert busy.json["message"] == "登录的人较多，请稍候几秒再试"
    assert unknown.status_code == 429 and unknown.json["code"] == "sign_in_busy"
    db.expire_all()
    assert db.get(User, user.id).failed_logins == 0
    assert _failed_audits(db) == 0
    # The turns are free again: the same sign-in goes through.
    ok = client.post("/api/v1/auth/login", json={"username": "clerk", "password": PASSWORD})
    assert ok.status_code == 200, ok.json
