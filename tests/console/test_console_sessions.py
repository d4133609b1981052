"""Ending sign-ins: console sign-out, a password change and an administrator's reset end every
session of that user, in the console and the API alike (both databases)."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from backend.models import Role
from tests.builders import PASSWORD, Builders
from tests.console.conftest import page_text


def _people(build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    o = build.district()
    build.user(o["district"], "admin", Role.ADMIN)
    build.user(o["b1"], "clerk", Role.COUNTER)
    db.commit()


def _console(app: Flask, username: str, password: str = PASSWORD) -> FlaskClient:
    browser = app.test_client()
    r = browser.post("/console/login", data={"username": username, "password": password})
    assert r.status_code == 302, page_text(r)
    return browser


def _api_token(app: Flask, username: str) -> dict[str, str]:
    r = app.test_client().post(
        "/api/v1/auth/login", json={"username": username, "password": PASSWORD}
    )
    assert r.status_code == 200, r.json
    return {"Authorization": f"Bearer {r.json['token']}"}


def _signed_in(browser: FlaskClient) -> bool:
    return browser.get("/console/").status_code == 200


def _api_ok(app: Flask, headers: dict[str, str]) -> bool:
    return app.test_client().get("/api/v1/auth/me", headers=headers).status_code == 200


def test_sign_out_ends_every_session_of_that_user(app, build, db) -> None:  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = False
    _people(build, db)
    office, counter = _console(app, "clerk"), _console(app, "clerk")
    token = _api_token(app, "clerk")
    someone_else = _console(app, "admin")
    assert _signed_in(office) and _signed_in(counter) and _api_ok(app, token)

    office.post("/console/logout")

    assert not _signed_in(office)
    stale = counter.get("/console/", follow_redirects=True)
    assert "登录已失效，请重新登录" in page_text(stale)
    assert not _api_ok(app, token)
    assert _signed_in(someone_else)  # only that user's sessions end


def test_changing_ones_password_ends_the_other_sessions(app, build, db) -> None:  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = False
    _people(build, db)
    here, elsewhere = _console(app, "clerk"), _console(app, "clerk")
    token = _api_token(app, "clerk")
    done = here.post(
        "/console/password",
        data={"current": PASSWORD, "new": "Better2025", "again": "Better2025"},
        follow_redirects=True,
    )
    assert "密码已修改，您在其他地方的登录已退出" in page_text(done)
    assert _signed_in(here)  # the browser that changed it carries on
    assert not _signed_in(elsewhere)
    assert not _api_ok(app, token)


def test_an_administrators_reset_ends_every_session(app, build, db) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    from backend.models import User

    app.config["WTF_CSRF_ENABLED"] = False
    _people(build, db)
    clerk = _console(app, "clerk")
    token = _api_token(app, "clerk")
    admin = _console(app, "admin")
    clerk_id = db.scalar(select(User.id).where(User.username == "clerk"))
    db.rollback()
    r = admin.post(f"/console/users/{clerk_id}/password", data={"password": "Reset2025x"})
    assert r.status_code == 302
    assert not _signed_in(clerk)
    assert not _api_ok(app, token)
    assert _signed_in(admin)
    _console(app, "clerk", "Reset2025x")
