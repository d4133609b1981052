"""The sign-in shield repeats, for a few seconds and without Flask or the database, a refusal
the database just gave an address (backend/sign_in_shield.py, docs/security.md)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from backend import create_app
from backend.sign_in_shield import REFUSED_KEY, REMEMBER_SECONDS, SignInShield


class _Inner:
    """A stand-in for the Flask app (the middleware's own logic is what is tested here; the
    real app under the shield is tested below): refuses the addresses in ``refuses``."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self.refuses: set[str] = set()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.calls.append(environ["REMOTE_ADDR"])
        if environ["REMOTE_ADDR"] in self.refuses:
            environ[REFUSED_KEY] = True
            start_response("429 Too Many Requests", [])
            return [b"db"]
        start_response("401 Unauthorized", [])
        return [b"db"]


def _post(
    shield: SignInShield, address: str, path: str = "/api/v1/auth/login"
) -> tuple[str, bytes]:
    seen: list[str] = []
    body = b"".join(
        shield(
            {"REQUEST_METHOD": "POST", "PATH_INFO": path, "REMOTE_ADDR": address},
            lambda status, headers: seen.append(status),
        )
    )
    return seen[0], body


def test_only_a_refusal_from_the_database_is_repeated_and_only_for_a_while() -> None:
    now = [100.0]
    inner = _Inner()
    shield = SignInShield(inner, "本机登录失败次数过多", {}, clock=lambda: now[0])
    assert _post(shield, "192.0.2.1")[0].startswith("401")
    assert _post(shield, "192.0.2.1")[0].startswith("401")  # a failure alone is not remembered
    inner.refuses.add("192.0.2.1")
    assert _post(shield, "192.0.2.1") == ("429 Too Many Requests", b"db")
    status, body = _post(shield, "192.0.2.1")
    assert status.startswith("429") and "本机登录失败次数过多" in body.decode()
    assert inner.calls.count("192.0.2.1") == 3  # the last one never reached the app
    assert _post(shield, "192.0.2.2")[0].startswith("401")  # other addresses go through
    now[0] += REMEMBER_SECONDS + 0.1
    inner.refuses.clear()  # e.g. an administrator cleared the limit
    assert _post(shield, "192.0.2.1")[0].startswith("401")


def test_other_requests_pass_untouched() -> None:
    inner = _Inner()
    inner.refuses.add("192.0.2.1")
    shield = SignInShield(inner, "x", {})
    _post(shield, "192.0.2.1")
    _post(shield, "192.0.2.1", path="/api/v1/kiosk/card-session")
    assert inner.calls == ["192.0.2.1", "192.0.2.1"]


@pytest.fixture
def strict_app(settings):  # type: ignore[no-untyped-def]
    application = create_app(replace(settings, login_address_max_failures=3))
    application.config["TESTING"] = True
    yield application
    application.extensions["hall"].engine.dispose()


def test_the_real_app_repeats_its_refusal_in_chinese_on_the_api_and_the_console(strict_app) -> None:  # type: ignore[no-untyped-def]
    client = strict_app.test_client()
    attacker = {"REMOTE_ADDR": "192.0.2.20"}
    statuses = [
        client.post(
            "/api/v1/auth/login", json={"username": "x", "password": "y"}, environ_base=attacker
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [401, 401, 401, 429, 429]
    api = client.post(
        "/api/v1/auth/login", json={"username": "x", "password": "y"}, environ_base=attacker
    )
    assert api.status_code == 429
    assert api.json == {
        "code": "address_limited",
        "message": "本机登录失败次数过多，请15分钟后再试，或联系管理员",
    }
    assert api.headers["X-Frame-Options"] == "DENY"
    page = client.post("/console/login", data={"username": "x"}, environ_base=attacker)
    assert page.status_code == 429
    text = page.get_data(as_text=True)
    assert "本机登录失败次数过多" in text and "返回登录页" in text
    other = client.post(
        "/api/v1/auth/login",
        json={"username": "x", "password": "y"},
        environ_base={"REMOTE_ADDR": "192.0.2.21"},
    )
    assert other.status_code == 401
