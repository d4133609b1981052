"""三会一课 in Chromium: a branch's staff member finds the page in the menu, plans a 支委会,
records it with one member present and one absent with a reason, and sees the branch's
completion rate for the month (docs/meetings.md)."""

from __future__ import annotations

from backend.models import Role
from backend.services import hall_clock
from tests.console.conftest import LiveHall, browser_sign_in, shot


def test_plan_record_and_see_the_rate_in_the_browser(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    build = live_hall.build
    orgs = build.district()
    build.member(orgs["b1"], name="张一")
    absent = build.member(orgs["b1"], name="李二")
    build.user(orgs["b1"], "zhibu", Role.ORG_STAFF)
    live_hall.commit()
    today = hall_clock.today()
    browser_sign_in(page, live_hall, "zhibu")
    page.wait_for_url("**/console/")
    page.click("nav >> text=三会一课")
    page.click("#meeting-new")
    page.select_option("#f-org_id", str(orgs["b1"].id))
    page.select_option("#f-kind", "committee")
    page.fill("#f-topic", "研究发展党员工作")
    page.fill("#f-held_on", today.isoformat())
    page.fill("#f-start_time", "14:30")
    page.click("#meeting-form button[type=submit]")
    assert "已计划支委会：研究发展党员工作" in page.inner_text(".flash.success")
    assert "应到 2 人，实到 0 人" in page.inner_text("#meeting-summary")
    page.fill("#f-minutes", "传达上级精神，讨论发展对象。")
    page.check("#attendance-table tr:has-text('张一') input[name=present]")
    page.fill(f"input[name=reason_{absent.id}]", "出差")
    page.click("#record-save")
    assert "会议记录已保存" in page.inner_text(".flash.success")
    assert "应到 2 人，实到 1 人" in page.inner_text("#meeting-summary")
    assert page.input_value(f"input[name=reason_{absent.id}]") == "出差"
    shot(page, "meeting-recorded")
    page.goto(f"{live_hall.url}/console/meetings")
    page.click("#rates-link")
    row = page.inner_text(f"#r{orgs['b1'].id}")
    # this month: 支委会 met, 党小组会 not (and the quarter's rules in a quarter's last month)
    due = 4 if today.month % 3 == 0 else 2
    assert f"{100 // due}.{(1000 // due) % 10}%" in row and "党小组会" in row
    shot(page, "meeting-rates")
