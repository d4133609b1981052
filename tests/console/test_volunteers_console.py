"""Volunteer pages of the console (docs/volunteers.md): a branch's staff keep a team, put a
member on it by card number, log an activity, sign the member in and change their hours; the
roster and the sign-in sheet print as xlsx and PDF; the statistics page and its export show the
hours; another branch's staff do not see the team."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook
from sqlalchemy import select

from backend.models import Role, VolunteerTeam
from backend.services import hall_clock
from tests.builders import Builders
from tests.console.conftest import page_text


def _cells(data: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(data)).active
    return [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]


def test_a_team_its_member_an_activity_and_the_hours(client, sign_in, build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["b1"], "zhibu")
    build.user(orgs["b2"], "zhibu2")
    build.user(orgs["district"], "shenji", Role.AUDITOR)
    member = build.member(orgs["b1"], name="欧阳小明", phone="13912345678")
    card_no, member_id = member.card_no, member.id
    db.commit()
    sign_in("zhibu")
    r = client.post(
        "/console/volunteers",
        data={
            "org_id": orgs["b1"].id,
            "name": "第一支部志愿服务队",
            "leader": "陈队长",
            "phone": "13700001111",
        },
    )
    assert r.status_code == 302, page_text(r)
    team_id = db.scalar(select(VolunteerTeam.id))
    db.rollback()
    bad = client.post(f"/console/volunteers/{team_id}/join", data={"card_no": "99999"})
    assert bad.status_code == 400 and "没有这个卡号的党员" in page_text(bad)
    r = client.post(f"/console/volunteers/{team_id}/join", data={"card_no": card_no})
    assert r.status_code == 302
    page = page_text(client.get(f"/console/volunteers/{team_id}"))
    assert "欧阳小明" in page and "后台登记" in page

    today = hall_clock.today()
    r = client.post(
        f"/console/volunteers/{team_id}/activities",
        data={
            "held_on": today.isoformat(),
            "place": "幸福社区广场",
            "description": "义务理发",
            "hours": "2",
        },
    )
    assert r.status_code == 302, page_text(r)
    activity_url = r.headers["Location"]
    activity_id = int(re.search(r"/activities/(\d+)", activity_url).group(1))
    r = client.post(
        f"/console/volunteers/activities/{activity_id}/participants", data={"card_no": card_no}
    )
    assert r.status_code == 302
    r = client.post(
        f"/console/volunteers/activities/{activity_id}/participants/{member_id}/hours",
        data={"hours": "2.5"},
    )
    assert r.status_code == 302
    page = page_text(client.get(f"/console/volunteers/activities/{activity_id}"))
    assert "已签到 1 人，共 2.5 小时" in page

    sheet = client.get(f"/console/volunteers/activities/{activity_id}/sign-in-sheet.xlsx")
    rows = _cells(sheet.data)
    assert rows[0] == ["第一支部志愿服务队志愿服务活动签到表"]
    assert [1, "欧阳小明", "幸福社区第一党支部", "2.5"] == rows[4][:4]
    assert "13912345678" not in str(rows)
    roster = client.get(f"/console/volunteers/{team_id}/roster.xlsx")
    assert any(row[:2] == [1, "欧阳小明"] for row in _cells(roster.data))
    pdf = client.get(f"/console/volunteers/{team_id}/roster.pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")

    stats = page_text(client.get(f"/console/volunteers/stats?year={today.year}"))
    assert "第一支部志愿服务队" in stats and "2.5" in stats
    export = client.get(f"/console/volunteers/stats?year={today.year}&by=member&format=xlsx")
    assert ["欧阳小明", card_no, "第一支部志愿服务队", "幸福社区第一党支部", 1, "2.5"] in _cells(
        export.data
    )

    client.post("/console/logout")
    sign_in("zhibu2")
    assert client.get(f"/console/volunteers/{team_id}").status_code == 404
    assert "第一支部志愿服务队" not in page_text(client.get("/console/volunteers"))
    client.post("/console/logout")
    sign_in("shenji")  # the auditor reads, never changes
    assert "第一支部志愿服务队" in page_text(client.get("/console/volunteers"))
    refused = client.post(f"/console/volunteers/{team_id}/join", data={"card_no": card_no})
    assert refused.status_code == 403


def test_activity_photos_are_checked_images(client, sign_in, build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    from backend.services import volunteer_activities, volunteer_teams
    from tests.builders import SYSTEM

    orgs = build.district()
    build.user(orgs["b1"], "zhibu")
    team = volunteer_teams.create_team(
        db, SYSTEM, volunteer_teams.TeamData(org_id=orgs["b1"].id, name="银龄队", leader="陈")
    )
    today = hall_clock.today()
    data = volunteer_activities.ActivityData(team.id, today, "广场", "义诊", "2")
    activity_id = volunteer_activities.create_activity(db, SYSTEM, data, today=today).id
    db.commit()
    sign_in("zhibu")
    url = f"/console/volunteers/activities/{activity_id}"
    fake = client.post(
        f"{url}/photos",
        data={"photo": (io.BytesIO(b"not an image"), "合影.png")},
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    assert "不是PNG、JPEG、GIF或WebP图片" in page_text(fake)
    png = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(png, format="PNG")
    client.post(
        f"{url}/photos",
        data={"photo": (io.BytesIO(png.getvalue()), "合影.png")},
        content_type="multipart/form-data",
    )
    page = page_text(client.get(url))
    photo_url = re.search(r'src="(/console/volunteers/activities/\d+/photos/\d+)"', page).group(1)
    shown = client.get(photo_url)
    assert shown.status_code == 200 and shown.data == png.getvalue()
    assert shown.mimetype == "image/png"
