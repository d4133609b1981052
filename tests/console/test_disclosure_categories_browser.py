"""公开栏目 in real Chromium against a real HTTP server: on a fresh install the administrator
adds the usual categories and one of their own, renames it, moves it up and retires another;
the kiosk API follows each step, and 起草公开内容 offers exactly the categories in use.
Screenshots go to test-artifacts/console/."""

from __future__ import annotations

from backend.models import Role
from tests.console.conftest import LiveHall, browser_sign_in, shot
from tests.console.test_disclosure_browser import _kiosk_get


def _kiosk_names(hall: LiveHall, key: str) -> list[str]:
    status, answer = _kiosk_get(hall, key, "/api/v1/kiosk/disclosure/categories")
    assert status == 200, answer
    return [c["name"] for c in answer["categories"]]


def test_the_administrator_sets_up_the_categories(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    build = live_hall.build
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    key = build.device("大厅一号机")
    live_hall.commit()

    browser_sign_in(page, live_hall, "admin")
    page.click("nav >> text=党务公开")
    page.click("#new-item")
    assert "还没有可用的公开栏目" in page.inner_text("#no-categories")
    page.click("nav >> text=公开栏目")
    assert "还没有公开栏目" in page.inner_text("#category-table")
    page.click("#add-defaults")
    assert "已添加15个常用栏目" in page.inner_text(".flash")
    assert _kiosk_names(live_hall, key)[:2] == ["政策文件", "办理程序和流程"]

    page.click("#add-category")  # nothing typed: told so next to the field
    assert page.inner_text("#err-name") == "请填写栏目名称"
    page.fill("#f-name", "主题教育")
    page.fill("#f-description", "主题教育专题学习安排")
    page.click("#add-category")
    assert "已添加栏目“主题教育”，排在最后" in page.inner_text(".flash")
    row = page.locator('#category-table tr:has(input[name=name][value="主题教育"])')
    row.locator("input[name=name]").fill("主题教育专栏")
    row.locator("button", has_text="保存").click()
    assert "栏目“主题教育”已改名为“主题教育专栏”" in page.inner_text(".flash")
    page.locator('#category-table tr:has(input[name=name][value="主题教育专栏"])').locator(
        "button", has_text="上移"
    ).click()
    assert _kiosk_names(live_hall, key)[-2:] == ["主题教育专栏", "服务党员群众"]

    page.locator("#category-table tr[data-category=party_history]").locator(
        "button", has_text="停用"
    ).click()  # the confirm prompt is accepted by the fixture
    assert "栏目“党史资料”已停用" in page.inner_text(".flash")
    assert "已停用" in page.inner_text("#category-table tr[data-category=party_history]")
    assert "党史资料" not in _kiosk_names(live_hall, key)
    shot(page, "disclosure-categories")

    page.click("nav >> text=党务公开")
    page.click("#new-item")
    offered = page.locator("#f-category_id option").all_inner_texts()
    assert "主题教育专栏" in offered and "党史资料" not in offered
    assert page.locator("#no-categories").count() == 0
