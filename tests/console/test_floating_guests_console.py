"""Floating members arriving from elsewhere in the console: registered at the desk in Chromium,
a mistake shown next to its field with nothing saved, the stay ended."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from backend.models import FloatingGuest
from tests.console.conftest import LiveHall, browser_sign_in, page_text, shot
from tests.receiving import receiving_district


def test_the_auditor_sees_guests_but_no_form(client, sign_in, db, build) -> None:  # type: ignore[no-untyped-def]
    from backend.models import Role

    world = receiving_district(build)
    build.user(world.orgs["district"], "shenji", Role.AUDITOR)
    db.commit()
    sign_in("shenji")
    html = page_text(client.get("/console/floating-guests"))
    assert "没有登记的流入党员" in html and "guest-form" not in html


def test_register_a_floating_member_in_the_browser(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    world = receiving_district(live_hall.build)
    b1 = world.orgs["b1"].id
    live_hall.commit()
    browser_sign_in(page, live_hall, "counter")
    page.wait_for_url("**/console/")
    page.click("nav >> text=流入党员")
    page.fill("#f-name", "陈流入")
    page.select_option("#f-sex", "F")
    page.fill("#f-card_number", "44030000-2026-L0123")
    page.fill("#f-card_valid_until", (world.today - timedelta(days=1)).isoformat())
    page.fill("#f-home_org", "深圳市南山区某街道党工委")
    page.select_option("#f-host_org_id", str(b1))
    page.click("#guest-form button[type=submit]")
    assert "过期" in page.inner_text("#err-card_valid_until")
    session = live_hall.build.session
    assert session.scalar(select(func.count()).select_from(FloatingGuest)) == 0
    session.rollback()
    page.fill("#f-card_valid_until", (world.today + timedelta(days=300)).isoformat())
    page.click("#guest-form button[type=submit]")
    assert "已登记流动党员陈流入，编入幸福社区第一党支部参加活动" in page.inner_text(
        ".flash.success"
    )
    row = page.inner_text("#guests-table tbody tr")
    assert "44030000-2026-L0123" in row and "深圳市南山区某街道党工委" in row
    shot(page, "floating-guests-01")
    page.fill("#guests-table input[name=reason]", "返回原籍")
    page.click("#guests-table form.leave button")
    assert "陈流入已离开" in page.inner_text(".flash.success")
    assert "没有登记的流入党员" in page.inner_text("#guests-table")
