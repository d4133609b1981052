"""Honor services in the console over HTTP (both databases): venues and offers kept by the desk,
the rules as settings, the eligible members listed and exported, a notice issued at the window
and refused the second time, the year's uses, 补打 (docs/honor-services.md)."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import load_workbook
from sqlalchemy import select

from backend.models import AuditEntry, HonorOffer, HonorUse, HonorVenue, Role
from backend.services import hall_clock
from tests.console.conftest import page_text
from tests.console.test_disclosure_console import read


def _setup(build, db) -> dict:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["district"], "desk", Role.ORG_STAFF)
    build.user(orgs["district"], "window", Role.COUNTER)
    build.user(orgs["c2"], "c2staff", Role.ORG_STAFF)
    old = build.member(orgs["b1"], name="王老党", birth=date(1945, 3, 2), joined=date(1970, 7, 1))
    build.member(orgs["b1"], name="李青年", joined=date(2010, 7, 1))
    ids = {"district": orgs["district"].id, "old": old.id}
    db.commit()
    return ids


def test_the_desk_keeps_venues_the_window_issues_notices(  # type: ignore[no-untyped-def]
    client, sign_in, build, db
) -> None:
    ids = _setup(build, db)
    sign_in("desk")
    r = client.post(
        "/console/honor-services/venues/new",
        data={"name": "", "org_id": str(ids["district"]), "active": "1"},
    )
    assert r.status_code == 400 and "请填写场所或单位名称" in page_text(r)
    r = client.post(
        "/console/honor-services/venues/new",
        data={
            "name": "示范区游泳馆",
            "address": "体育路2号",
            "contact_name": "陈经理",
            "contact_phone": "010-88886666",
            "org_id": str(ids["district"]),
            "active": "1",
        },
    )
    assert r.status_code == 302
    venue_id = read(db, lambda: db.scalar(select(HonorVenue.id)))
    url = f"/console/honor-services/venues/{venue_id}/offers/new"
    r = client.post(url, data={"title": "免费游泳一次", "free_uses": "0", "active": "1"})
    assert r.status_code == 400 and "每年免费次数须在1到12之间" in page_text(r)
    r = client.post(
        url, data={"title": "免费游泳一次", "schedule": "每天 8:00-20:00", "free_uses": "1",
                   "active": "1"},
    )  # fmt: skip
    assert r.status_code == 302
    home = page_text(client.get("/console/honor-services"))
    assert "示范区游泳馆" in home and "免费游泳一次（每天 8:00-20:00），每年1次" in home
    # The rules are settings: 党龄 60 and up leaves no one, 50 brings 王老党 back.
    client.post(
        "/console/honor-services/rules",
        data={"model_enabled": "1", "model_threshold": "5", "volunteer_threshold": "20",
              "veteran_enabled": "1", "veteran_threshold": "60"},
    )  # fmt: skip
    assert "王老党" not in page_text(client.get("/console/honor-services/eligible"))
    client.post(
        "/console/honor-services/rules",
        data={"model_enabled": "1", "model_threshold": "5", "volunteer_threshold": "20",
              "veteran_enabled": "1", "veteran_threshold": "50"},
    )  # fmt: skip
    eligible = page_text(client.get("/console/honor-services/eligible"))
    assert "王老党" in eligible and "李青年" not in eligible and "老党员（党龄）" in eligible
    sheet = load_workbook(
        io.BytesIO(client.get("/console/honor-services/eligible?format=xlsx").data)
    ).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert any(row[:3] == ["王老党", rows[-1][1], "幸福社区第一党支部"] for row in rows)
    client.post("/console/logout")

    sign_in("window")
    offer_id = read(db, lambda: db.scalar(select(HonorOffer.id)))
    issue = f"/console/honor-services/issue/{ids['old']}"
    assert "剩余" in page_text(client.get(issue))
    r = client.post(issue, data={"offer_id": str(offer_id)})
    assert r.status_code == 302, page_text(r)
    notice = page_text(client.get(r.headers["Location"]))
    year = hall_clock.today().year
    assert f"荣誉服务通知单 {year}000001" in notice and "示范区游泳馆" in notice
    use_id = read(db, lambda: db.scalar(select(HonorUse.id)))
    png = client.get(f"/console/honor-services/uses/{use_id}/notice.png")
    assert png.status_code == 200 and png.data[:4] == b"\x89PNG"
    again = client.post(issue, data={"offer_id": str(offer_id)})
    assert again.status_code == 400 and "本年度不能再次使用" in page_text(again)
    r = client.post(f"/console/honor-services/uses/{use_id}/reprint")
    assert r.status_code == 302
    assert "第1次补打" in page_text(client.get(r.headers["Location"]))
    uses = page_text(client.get("/console/honor-services/uses"))
    assert f"{year}000001" in uses and "王老党" in uses and "服务窗口" in uses
    # The window may not change the venues.
    assert client.get("/console/honor-services/venues/new").status_code == 403
    actions = read(
        db,
        lambda: db.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.like("honor%"))
            .order_by(AuditEntry.id)
        ).all(),
    )
    assert actions == [
        "honor_venue.create",
        "honor_offer.create",
        "honor_rule.update",  # volunteers off (the box left unticked)
        "honor_rule.update",  # 党龄 60
        "honor_rule.update",  # 党龄 50; the unchanged rules are not written
        "honor_use.create",
        "honor_use.reprint",
    ]


def test_another_committees_staff_see_neither_the_venue_nor_the_member(  # type: ignore[no-untyped-def]
    client, sign_in, build, db
) -> None:
    ids = _setup(build, db)
    sign_in("desk")
    client.post(
        "/console/honor-services/venues/new",
        data={"name": "示范区纪念馆", "org_id": str(ids["district"]), "active": "1"},
    )
    client.post("/console/logout")
    sign_in("c2staff")
    assert "示范区纪念馆" not in page_text(client.get("/console/honor-services"))
    venue_id = read(db, lambda: db.scalar(select(HonorVenue.id)))
    assert client.get(f"/console/honor-services/venues/{venue_id}").status_code == 404
    assert client.get(f"/console/honor-services/issue/{ids['old']}").status_code == 404
    assert "王老党" not in page_text(client.get("/console/honor-services/eligible"))
