"""Member cases in real Chromium (docs/cases.md): the counter accepts a talk request from the
member's record, the desk schedules it, the branch records who attended and replies, the desk
closes it; the inbox filters by type. Screenshots go to test-artifacts/console/."""

from __future__ import annotations

from backend.models import Role
from tests.console.conftest import LiveHall, browser_sign_in, shot


def _sign_out(page, hall: LiveHall) -> None:  # type: ignore[no-untyped-def]
    page.context.clear_cookies()
    page.goto(f"{hall.url}/console/login")


def test_a_talk_request_from_the_counter_to_its_outcome(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    build = live_hall.build
    orgs = build.district()
    member = build.member(orgs["b1"], name="吴约谈")
    build.user(orgs["district"], "chuangkou", Role.COUNTER)
    build.user(orgs["c1"], "dangwei")
    build.user(orgs["b1"], "zhibu")
    card_no = member.card_no
    live_hall.commit()

    browser_sign_in(page, live_hall, "chuangkou")
    page.wait_for_url("**/console/")
    page.click("nav >> text=党员诉求")
    page.click("#new-case")
    page.fill("#case-lookup #f-member", card_no or "")
    page.click("#case-lookup button[type=submit]")
    assert "吴约谈" in page.inner_text("#member-prefill")
    page.select_option("#f-case_type", "talk")
    page.select_option("#f-talk_with", "committee_secretary")
    page.fill("#case-form #f-topic", "工作建议")
    page.click("#case-submit")
    number = page.inner_text("#case-number")
    assert number.startswith("SL") and page.inner_text("#case-state") == "已受理"
    assert page.locator("#route-form").count() == 0
    shot(page, "cases-01-accepted")
    _sign_out(page, live_hall)

    browser_sign_in(page, live_hall, "dangwei")
    page.goto(f"{live_hall.url}/console/cases?type=talk")
    page.click(f"#cases-table >> text={number}")
    page.fill("#f-talk_time", "14:30")
    page.fill("#f-place", "街道党工委会议室")
    page.fill("#f-talk-person", "党工委书记")
    page.click("#schedule-form button[type=submit]")
    assert page.inner_text("#case-state") == "已转办"
    assert "14:30，街道党工委会议室" in page.inner_text("#case-facts")
    _sign_out(page, live_hall)

    browser_sign_in(page, live_hall, "zhibu")
    page.goto(f"{live_hall.url}/console/cases?state=routed")
    page.click(f"#cases-table >> text={number}")
    page.fill("#f-text", "已约谈，建议已采纳")
    page.fill("#f-attendees", "党工委书记、支部书记")
    page.click("#reply-form button[type=submit]")
    assert page.inner_text("#case-state") == "已答复"
    _sign_out(page, live_hall)

    browser_sign_in(page, live_hall, "dangwei")
    page.goto(f"{live_hall.url}/console/cases?state=replied")
    page.click(f"#cases-table >> text={number}")
    page.fill("#f-outcome", "建议已纳入街道年度计划")
    page.click("#close-form button[type=submit]")
    assert page.inner_text("#case-state") == "已办结"
    steps = page.inner_text("#case-steps")
    assert "约谈安排" in steps and "建议已纳入街道年度计划" in steps
    shot(page, "cases-02-closed")
