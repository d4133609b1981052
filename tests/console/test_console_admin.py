"""Users, kiosks (with the heartbeat API) and the audit log, over HTTP on both databases."""

from __future__ import annotations

from sqlalchemy import select

from backend.models import KioskDevice, Role, User
from tests.builders import PASSWORD, Builders
from tests.console.conftest import page_text


def _setup(build: Builders, db) -> dict:  # type: ignore[no-untyped-def]
    o = build.district()
    build.user(o["district"], "admin", Role.ADMIN)
    build.user(o["c1"], "c1admin", Role.ADMIN)
    build.user(o["b3"], "b3clerk", Role.ORG_STAFF)
    key = build.device("一楼大厅")
    db.commit()
    return {"orgs": o, "key": key}


def test_heartbeat_reports_show_on_the_devices_page(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    headers = {"X-Device-Key": data["key"]}
    beat = client.post(
        "/api/v1/kiosk/heartbeat",
        json={"printer": "paper_end", "reader": "ok", "version": "1.0", "screen": "home"},
        headers=headers,
    )
    assert beat.status_code == 200 and beat.json["printer"] == "paper_end"
    assert client.post("/api/v1/kiosk/heartbeat", json={}).status_code == 401
    sign_in("admin")
    page = page_text(client.get("/console/devices"))
    start = page.index("一楼大厅", page.index('id="device-table"'))  # below the alerts
    row = page[start : page.index("</tr>", start)]
    assert "在线" in row and "缺纸" in row and "正常" in row
    alerts = page[page.index('id="kiosk-alerts"') : page.index('id="device-table"')]
    assert "一楼大厅" in alerts and "打印机缺纸" in alerts


def test_register_approve_and_revoke_a_kiosk(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _setup(build, db)
    sign_in("admin")
    created = page_text(client.post("/console/devices", data={"name": "二楼-1"}))
    assert "查询机“二楼-1”已登记" in created
    key = created.split('user-select:all">')[1].split("<")[0]
    pending = client.post("/api/v1/kiosk/heartbeat", json={}, headers={"X-Device-Key": key})
    assert pending.status_code == 403
    device_id = db.scalar(select(KioskDevice.id).where(KioskDevice.name == "二楼-1"))
    db.rollback()  # ids only: a SQLite read transaction left open would block the app
    client.post(f"/console/devices/{device_id}/approved")
    assert (
        client.post("/api/v1/kiosk/heartbeat", json={}, headers={"X-Device-Key": key}).status_code
        == 200
    )
    revoked = client.post(f"/console/devices/{device_id}/revoked", follow_redirects=True)
    assert "查询机二楼-1已停用" in page_text(revoked)
    again = client.post(f"/console/devices/{device_id}/approved", follow_redirects=True)
    assert "已停用的设备不能恢复，请重新登记" in page_text(again)
    duplicate = client.post("/console/devices", data={"name": "二楼-1"})
    assert duplicate.status_code == 400 and "设备名二楼-1已存在" in page_text(duplicate)
    log = page_text(client.get("/console/audit?group=device."))
    assert "批准查询机" in log and "停用查询机" in log and "登记查询机" in log


def test_users_are_managed_inside_the_admins_subtree(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    o = {name: org.id for name, org in data["orgs"].items()}  # ids before any rollback
    sign_in("c1admin")
    listing = page_text(client.get("/console/users"))
    assert "c1admin" in listing and "b3clerk" not in listing
    b3clerk = db.scalar(select(User.id).where(User.username == "b3clerk"))
    db.rollback()
    assert client.get(f"/console/users/{b3clerk}").status_code == 404
    weak = client.post(
        "/console/users/new",
        data={
            "username": "b1new",
            "full_name": "新人",
            "role": "counter",
            "org_id": str(o["b1"]),
            "password": "short",
        },
    )
    assert weak.status_code == 400 and "密码至少8位，且须同时包含字母和数字" in page_text(weak)
    made = client.post(
        "/console/users/new",
        data={
            "username": "b1new",
            "full_name": "新人",
            "role": "counter",
            "org_id": str(o["b1"]),
            "password": "Desk2025ok",
        },
    )
    assert made.status_code == 302
    user_id = db.scalar(select(User.id).where(User.username == "b1new"))
    db.rollback()
    outside = client.post(
        f"/console/users/{user_id}",
        data={"full_name": "新人", "role": "counter", "org_id": str(o["b3"]), "active": "1"},
    )
    assert outside.status_code == 400  # an organization outside the subtree looks absent
    assert "未找到该党组织，或不在您的管理范围内" in page_text(outside)
    client.post(
        f"/console/users/{user_id}",
        data={"full_name": "新人甲", "role": "org_staff", "org_id": str(o["g1"])},
    )
    db.expire_all()
    changed = db.get(User, user_id)
    assert (changed.full_name, changed.role, changed.org_id, changed.active) == (
        "新人甲",
        Role.ORG_STAFF,
        o["g1"],
        False,
    )
    me = db.scalar(select(User.id).where(User.username == "c1admin"))
    db.rollback()
    self_stop = client.post(
        f"/console/users/{me}",
        data={"full_name": "c1admin", "role": "admin", "org_id": str(o["c1"])},
    )
    assert "不能停用自己的账户或修改自己的角色和范围" in page_text(self_stop)


def test_unlock_and_password_reset(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _setup(build, db)
    sign_in("admin")
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"username": "b3clerk", "password": "nope1234"})
    clerk = db.scalar(select(User.id).where(User.username == "b3clerk"))
    db.rollback()
    assert "已锁定" in page_text(client.get(f"/console/users/{clerk}"))
    client.post(f"/console/users/{clerk}/unlock")
    ok = client.post("/api/v1/auth/login", json={"username": "b3clerk", "password": PASSWORD})
    assert ok.status_code == 200
    reset = client.post(
        f"/console/users/{clerk}/password", data={"password": "NewPass99"}, follow_redirects=True
    )
    assert "密码已重置" in page_text(reset)
    old_token = {"Authorization": f"Bearer {ok.json['token']}"}
    assert client.get("/api/v1/auth/me", headers=old_token).status_code == 401
    new = client.post("/api/v1/auth/login", json={"username": "b3clerk", "password": "NewPass99"})
    assert new.status_code == 200
    log = page_text(client.get("/console/audit?group=user.&who=admin"))
    assert "重置密码" in log and "解除锁定" in log and "NewPass99" not in log
