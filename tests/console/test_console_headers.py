"""Console and API headers (CSP, framing, referrer, nosniff), Secure cookies over HTTPS, the
access and error log without personal data, and the console under its CSP in real Chromium."""

from __future__ import annotations

import logging
import sys
from dataclasses import replace

from backend import create_app
from backend.logging_setup import NoDataFormatter
from backend.models import Role
from tests.builders import PASSWORD, Builders
from tests.console.conftest import LiveHall, browser_sign_in, shot


def _admin(build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    build.user(build.district()["district"], "admin", Role.ADMIN)
    db.commit()


def test_every_response_carries_the_security_headers(client, build, db) -> None:  # type: ignore[no-untyped-def]
    _admin(build, db)
    for response in (
        client.get("/console/login"),
        client.get("/api/v1/openapi.json"),
        client.get("/api/v1/members"),  # a 401
        client.get("/console/nowhere"),  # a 404
    ):
        headers = response.headers
        csp = headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert headers["X-Frame-Options"] == "DENY"
        assert headers["X-Content-Type-Options"] == "nosniff"
        assert headers["Referrer-Policy"] == "same-origin"
        assert "Strict-Transport-Security" not in headers  # plain HTTP here


def test_cookies_are_secure_over_https(app, client, build, db, settings) -> None:  # type: ignore[no-untyped-def]
    _admin(build, db)
    app.config["WTF_CSRF_ENABLED"] = False
    login = {"username": "admin", "password": PASSWORD}
    plain = client.post("/console/login", data=login)
    assert "Secure" not in plain.headers["Set-Cookie"]
    https = app.test_client().post("/console/login", data=login, base_url="https://hall.example")
    assert "Secure" in https.headers["Set-Cookie"] and "HttpOnly" in https.headers["Set-Cookie"]
    assert https.headers["Strict-Transport-Security"].startswith("max-age=")

    behind_proxy = create_app(replace(settings, trusted_proxies=1))
    behind_proxy.config["WTF_CSRF_ENABLED"] = False
    proxied = behind_proxy.test_client().post(
        "/console/login", data=login, headers={"X-Forwarded-Proto": "https"}
    )
    assert "Secure" in proxied.headers["Set-Cookie"]
    forced = create_app(replace(settings, secure_cookies=True))
    forced.config["WTF_CSRF_ENABLED"] = False
    assert "Secure" in forced.test_client().post("/console/login", data=login).headers["Set-Cookie"]
    for extra in (behind_proxy, forced):
        extra.extensions["hall"].engine.dispose()


def test_access_log_names_no_one(app, client, build, db, caplog) -> None:  # type: ignore[no-untyped-def]
    _admin(build, db)
    app.config["WTF_CSRF_ENABLED"] = False
    client.post("/console/login", data={"username": "admin", "password": PASSWORD})
    caplog.clear()  # the sign-in's own line, when an earlier test left the logger at INFO
    with caplog.at_level(logging.INFO, logger="backend.access"):
        client.get("/console/members?q=张伟&id=110105198005170011")
        client.get("/console/members/123456")
    lines = [r.getMessage() for r in caplog.records if r.name == "backend.access"]
    assert lines[0].startswith("GET /console/members 200 ")
    assert lines[1].startswith("GET /console/members/<int:member_id> 404 ")
    assert not any("张伟" in line or "110105" in line or "123456" in line for line in lines)


def test_error_lines_keep_the_place_but_not_the_data() -> None:
    typed = "姓名=张伟 身份证号=110105198005170011"  # as a database error repeats parameters
    try:
        raise ValueError(typed)
    except ValueError:
        record = logging.LogRecord("backend", logging.ERROR, __file__, 1, "boom", None, None)
        record.exc_info = sys.exc_info()
    text = NoDataFormatter("%(message)s").format(record)
    assert "test_error_lines_keep_the_place_but_not_the_data" in text
    assert text.rstrip().endswith("builtins.ValueError")
    assert "张伟" not in text and "110105" not in text


def test_the_console_works_under_its_csp_in_chromium(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    build = live_hall.build
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    live_hall.commit()
    violations: list[str] = []
    page.on(
        "console",
        lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/orgs/{orgs['c1'].id}/new")
    # The type picker submits itself on change (console.js, no inline handler).
    page.select_option("#f-type-pick", "branch")
    page.wait_for_url("**type=branch**")
    page.goto(f"{live_hall.url}/console/members")
    page.goto(f"{live_hall.url}/console/warnings")
    shot(page, "csp-warnings")
    assert violations == []
