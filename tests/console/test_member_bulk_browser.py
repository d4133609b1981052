"""Bulk actions on the member roll in real Chromium: "全选本页" ticks every row, the ticked
members are exported, two are moved to another branch (the confirm prompt is accepted by the
fixture), and the roll's filters survive the round trip.

Screenshots go to test-artifacts/console/.
"""

from __future__ import annotations

from openpyxl import load_workbook

from backend.models import Role
from tests.console.conftest import LiveHall, browser_sign_in, shot


def test_tick_export_and_move_members(live_hall: LiveHall, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    build = live_hall.build
    orgs = build.district()
    build.user(orgs["c1"], "c1staff", Role.ORG_STAFF)
    for name in ("张一", "张二", "张三"):
        build.member(orgs["b1"], name=name)
    build.member(orgs["b2"], name="李四")
    live_hall.commit()
    browser_sign_in(page, live_hall, "c1staff")
    page.wait_for_url("**/console/")
    page.fill("#global-q", "张")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/search?q=*")
    assert len(page.locator("#search-results tbody tr").all()) == 3
    page.goto(f"{live_hall.url}/console/members?org_id={orgs['b1'].id}")
    boxes = page.locator("#member-table input[name=member_id]")
    assert boxes.count() == 3
    page.check("#select-all")
    assert all(boxes.nth(i).is_checked() for i in range(3))
    with page.expect_download() as info:
        page.click("#bulk-export")
    target = tmp_path / "picked.xlsx"
    info.value.save_as(target)
    names = {row[2] for row in load_workbook(target).active.iter_rows(values_only=True)}
    assert {"张一", "张二", "张三"} <= names and "李四" not in names

    page.uncheck("#select-all")
    page.locator("#member-table tr", has_text="张一").locator("input[type=checkbox]").check()
    page.locator("#member-table tr", has_text="张三").locator("input[type=checkbox]").check()
    page.select_option("#f-to_org_id", str(orgs["b2"].id))
    shot(page, "bulk-01-picked")
    page.click("#bulk-move")
    page.wait_for_selector("text=已将2名党员转入")
    assert page.url.endswith(f"/console/members?org_id={orgs['b1'].id}")  # filters kept
    left = page.locator("#member-table tbody td:nth-child(3)").all_inner_texts()
    assert left == ["张二"]
    page.goto(f"{live_hall.url}/console/members?org_id={orgs['b2'].id}")
    moved = sorted(page.locator("#member-table tbody td:nth-child(3)").all_inner_texts())
    assert moved == ["张一", "张三", "李四"]
    shot(page, "bulk-02-moved")
