"""Console sign-in: CSRF, expiry, lock-out bookkeeping, roles, safe redirects (both databases)."""

from __future__ import annotations

import re

from sqlalchemy import select

from backend.models import Role, User
from tests.builders import PASSWORD, Builders
from tests.console.conftest import page_text


def _people(build: Builders, db) -> dict:  # type: ignore[no-untyped-def]
    o = build.district()
    build.user(o["district"], "admin", Role.ADMIN)
    build.user(o["c1"], "c1admin", Role.ADMIN)
    build.user(o["b1"], "counter", Role.COUNTER)
    db.commit()
    return o


def test_forms_need_a_csrf_token_but_the_api_does_not(client, build, db) -> None:  # type: ignore[no-untyped-def]
    _people(build, db)
    refused = client.post("/console/login", data={"username": "admin", "password": PASSWORD})
    assert refused.status_code == 400
    assert "页面已过期或来源不明" in page_text(refused)
    form = page_text(client.get("/console/login"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    signed_in = client.post(
        "/console/login", data={"username": "admin", "password": PASSWORD, "csrf_token": token}
    )
    assert signed_in.status_code == 302 and signed_in.location.endswith("/console/")
    api = client.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    assert api.status_code == 200 and api.json["token"]


def test_pages_need_sign_in_and_come_back_after(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _people(build, db)
    first = client.get("/console/members?q=张")
    assert first.status_code == 302 and "/console/login" in first.location
    assert client.get("/").location.endswith("/console/")
    response = client.post(
        "/console/login?next=/console/members%3Fq%3D%E5%BC%A0",
        data={"username": "admin", "password": PASSWORD},
    )
    assert response.location.endswith("/console/members?q=%E5%BC%A0") or response.location.endswith(
        "/console/members?q=张"
    )


def test_sign_in_never_redirects_off_site(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _people(build, db)
    response = client.post(
        "/console/login?next=https://evil.example/console/",
        data={"username": "admin", "password": PASSWORD},
    )
    assert response.location.endswith("/console/") and "evil" not in response.location


def test_idle_session_expires(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _people(build, db)
    sign_in("admin")
    assert client.get("/console/members").status_code == 200
    with client.session_transaction() as session:
        session["seen_at"] -= 31 * 60
    response = client.get("/console/members", follow_redirects=True)
    assert "长时间未操作，已自动退出，请重新登录" in page_text(response)
    assert client.get("/console/members").status_code == 302  # and the session is gone


def test_failed_passwords_are_counted_and_lock_the_account(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _people(build, db)
    sign_in("admin")  # switches CSRF off for this client
    client.post("/console/logout")
    for _ in range(2):
        response = client.post("/console/login", data={"username": "counter", "password": "x1"})
        assert response.status_code == 400 and "用户名或密码错误" in page_text(response)
    db.expire_all()
    user = db.scalar(select(User).where(User.username == "counter"))
    assert user.failed_logins == 2
    db.rollback()  # end the read: a SQLite transaction here would block the app's writes
    for _ in range(3):
        client.post("/console/login", data={"username": "counter", "password": "x1"})
    locked = client.post("/console/login", data={"username": "counter", "password": PASSWORD})
    assert "账户已锁定，请15分钟后再试" in page_text(locked)


def test_roles_and_levels_gate_the_administration_pages(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _people(build, db)
    sign_in("counter")
    refused = client.get("/console/users")
    assert refused.status_code == 403
    assert "您的账户没有使用此功能的权限" in page_text(refused)
    assert "用户与权限" not in page_text(client.get("/console/members"))
    client.post("/console/logout")
    sign_in("c1admin")
    assert client.get("/console/users").status_code == 200
    devices = client.get("/console/devices")
    assert devices.status_code == 403 and "“管理查询机”须由区级工作人员办理" in page_text(devices)
    assert client.get("/console/audit").status_code == 403


def test_sign_out_ends_the_session(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _people(build, db)
    sign_in("admin")
    response = client.post("/console/logout", follow_redirects=True)
    assert "您已安全退出" in page_text(response)
    assert client.get("/console/").status_code == 302


def test_change_own_password(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _people(build, db)
    sign_in("counter")
    wrong = client.post(
        "/console/password", data={"current": "nope", "new": "Better2025", "again": "Better2025"}
    )
    assert wrong.status_code == 400 and "原密码不正确" in page_text(wrong)
    mismatch = client.post(
        "/console/password", data={"current": PASSWORD, "new": "Better2025", "again": "Better2026"}
    )
    assert "两次输入的新密码不一致" in page_text(mismatch)
    done = client.post(
        "/console/password",
        data={"current": PASSWORD, "new": "Better2025", "again": "Better2025"},
        follow_redirects=True,
    )
    assert "密码已修改" in page_text(done)
    client.post("/console/logout")
    sign_in("counter", "Better2025")
