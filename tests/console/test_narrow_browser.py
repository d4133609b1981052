"""The console on a 390 px phone (or a small counter tablet) in real Chromium: the menu folds
behind 菜单 and opens, no page scrolls sideways (wide tables scroll inside their own box), forms
take one column, the skip link works from the keyboard and focus is visible; the header's search
box finds a member.

Screenshots go to test-artifacts/console/.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from backend.models import Role
from tests.console.conftest import LiveHall, browser_sign_in, shot

WIDTH = 390
YEAR = 2025


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": WIDTH, "height": 844}, locale="zh-CN")
    tab = context.new_page()
    tab.set_default_timeout(10_000)
    tab.on("dialog", lambda dialog: dialog.accept())
    yield tab
    context.close()


def _district(hall: LiveHall) -> dict:
    build = hall.build
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    for n, org in enumerate(("b1", "b1", "b2", "b3")):
        member = build.member(orgs[org], name=f"欧阳{'一二三四'[n]}明")
        build.ledger(member, YEAR, paid_months={1, 2})
    hall.commit()
    return orgs


def _no_sideways_scroll(page: Any) -> None:
    widths = page.evaluate("() => [document.scrollingElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1] == WIDTH, f"{page.url}: page is {widths[0]} px wide"


def test_the_menu_folds_and_opens_and_nothing_scrolls_sideways(live_hall: LiveHall, phone) -> None:  # type: ignore[no-untyped-def]
    orgs = _district(live_hall)
    page = phone
    page.goto(f"{live_hall.url}/console/login")
    _no_sideways_scroll(page)
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    menu, toggle = page.locator("#console-menu"), page.locator("#menu-toggle")
    assert toggle.is_visible() and not menu.is_visible()
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.click()
    assert menu.is_visible() and toggle.get_attribute("aria-expanded") == "true"
    shot(page, "narrow-01-menu-open")
    toggle.click()
    assert not menu.is_visible()
    toggle.click()
    menu.locator("text=党员名册").click()
    page.wait_for_url("**/console/members")
    assert not menu.is_visible()  # a new page starts with the menu folded
    # the roll's table is wider than the phone: it scrolls inside its own box
    table = page.locator("#member-table")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")
    _no_sideways_scroll(page)
    shot(page, "narrow-02-members")
    # the filter form takes one column: every field starts at the same left edge
    lefts = page.locator("#filters .field").evaluate_all(
        "fs => fs.map(f => Math.round(f.getBoundingClientRect().left))"
    )
    assert len(set(lefts)) == 1
    for path in (
        "/console/",
        f"/console/finance/ledger?org_id={orgs['c1'].id}&year={YEAR}",
        f"/console/finance/remittance?org_id={orgs['c1'].id}&year={YEAR}&end_month=3",
        f"/console/finance/reports?year={YEAR}",
        "/console/finance/waivers",
        "/console/members/new",
        "/console/orgs",
        "/console/admin/audit",
    ):
        page.goto(live_hall.url + path)
        assert page.locator("h1").first.is_visible()
        _no_sideways_scroll(page)
    shot(page, "narrow-03-audit")


def test_the_skip_link_and_the_focus_ring_work_by_keyboard(live_hall: LiveHall, phone) -> None:  # type: ignore[no-untyped-def]
    _district(live_hall)
    page = phone
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/members")
    skip = page.locator("a.skip-link")
    assert skip.bounding_box()["y"] < 0  # out of sight until focused
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "跳到主要内容"
    box = skip.bounding_box()
    assert box["y"] >= 0 and box["x"] >= 0  # on screen now
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    shot(page, "narrow-04-skip-link")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    # the next Tab goes on inside the content, past the header and the menu
    page.keyboard.press("Tab")
    assert page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_the_header_search_finds_a_member(live_hall: LiveHall, phone) -> None:  # type: ignore[no-untyped-def]
    _district(live_hall)
    page = phone
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.fill("#global-q", "欧阳三")
    page.keyboard.press("Enter")
    page.wait_for_url("**/console/search?q=*")
    rows = page.locator("#search-results tbody tr").all_inner_texts()
    assert len(rows) == 1 and "欧阳三明" in rows[0] and "幸福社区第二党支部" in rows[0]
    _no_sideways_scroll(page)
    shot(page, "narrow-05-search")
    page.click("#search-results >> text=欧阳三明")
    page.wait_for_url("**/console/members/*")
    _no_sideways_scroll(page)
