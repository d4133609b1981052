"""The organization tree's node summary in real Chromium: text, figures and the pies by category,
including the share of members who joined before 1949. Screenshot in test-artifacts/console/."""

from __future__ import annotations

from datetime import date

from backend.models import Role
from tests.console.conftest import LiveHall, browser_sign_in, shot


def test_node_summary_shows_pies_and_the_pre_1949_share(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    build = live_hall.build
    o = build.district()
    build.user(o["district"], "admin", Role.ADMIN)
    build.member(o["b1"], name="张小明")
    build.member(o["b1"], name="李芳", sex="F", birth=date(1998, 3, 2))
    build.member(o["b2"], name="王建国", birth=date(1930, 2, 1), joined=date(1948, 6, 1))
    build.member(o["b3"], name="赵红", sex="F", birth=date(1926, 1, 1), joined=date(1949, 10, 1))
    live_hall.commit()

    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.click("nav >> text=组织机构")
    page.click("#org-tree >> text=示范区委")
    # 4 members; 王建国 joined before 1949-10-01 (赵红 on the day itself does not count)
    assert page.inner_text("[data-stat=pre1949]") == "1"
    assert page.inner_text("[data-stat=pre1949-share]") == "25.0%"
    assert "1949年10月1日前入党1名，占25.0%" in page.inner_text("#summary-text")

    pies = page.locator("#node-pies figure")
    assert pies.count() == 8
    joined = page.locator("#node-pies figure[data-group=joined]")
    assert joined.locator("figcaption").inner_text() == "入党时间"
    legend = joined.locator("svg").text_content()
    assert "1949年10月1日前入党 1（25.0%）" in legend and "1949年10月1日后入党 3（75.0%）" in legend
    assert joined.locator("svg path[data-slice]").count() == 2
    sex = page.locator("#node-pies figure[data-group=sex] svg")
    assert "男 2（50.0%）" in sex.text_content() and "女 2（50.0%）" in sex.text_content()
    assert joined.locator("svg").bounding_box()["width"] > 200  # drawn, not collapsed
    shot(page, "07-org-node-pies")
