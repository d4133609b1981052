"""The console in real Chromium against a real HTTP server: what a desk clerk sees and does.

Screenshots go to test-artifacts/console/.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date

from backend.models import Role
from backend.services import hall_clock
from backend.services.idnumber import compose_id_number
from tests.console.conftest import LiveHall, browser_sign_in, shot


def _district(hall: LiveHall) -> dict:
    build = hall.build
    o = build.district()
    build.user(o["district"], "admin", Role.ADMIN)
    build.user(o["b1"], "b1clerk", Role.ORG_STAFF)
    members = {
        "张小明": build.member(o["b1"], name="张小明"),
        "李芳": build.member(o["b1"], name="李芳", sex="F", birth=date(1998, 3, 2)),
        "王建国": build.member(
            o["b2"], name="王建国", birth=date(1930, 2, 1), joined=date(1948, 6, 1)
        ),
        "赵红": build.member(o["b3"], name="赵红", sex="F"),
    }
    hall.commit()
    return {"orgs": o, "members": members}


def test_sign_in_shows_the_start_page(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    _district(live_hall)
    page.goto(live_hall.url + "/")
    assert "/console/login" in page.url
    shot(page, "01-login")
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    assert "示范区委 · 工作概况" in page.inner_text("h1")
    assert page.inner_text("[data-stat=members]") == "4"
    assert "admin（系统管理员，示范区委）" in page.inner_text("header")
    shot(page, "02-home")


def test_branch_user_sees_only_its_branch(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    data = _district(live_hall)
    browser_sign_in(page, live_hall, "b1clerk")
    page.wait_for_url("**/console/")
    page.click("nav >> text=党员名册")
    names = page.locator(
        "#member-table tbody td:nth-child(3)"
    ).all_inner_texts()  # after the tick box
    assert sorted(names) == ["张小明", "李芳"]
    shot(page, "03-members-branch")
    other = data["members"]["王建国"]
    response = page.goto(f"{live_hall.url}/console/members/{other.id}")
    assert response.status == 404
    assert "未找到该党员，或不在您的管理范围内" in page.inner_text("main")
    assert "王建国" not in page.content()
    # The menu has no administration entries for a branch clerk.
    assert page.locator("nav >> text=用户与权限").count() == 0


def test_add_member_with_bad_id_then_fix_it(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    data = _district(live_hall)
    browser_sign_in(page, live_hall, "b1clerk")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/members/new")
    good = compose_id_number("110105", date(1990, 4, 12), 123)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    page.select_option("#f-org_id", str(data["orgs"]["b1"].id))
    page.fill("#f-name", "陈𬌗")
    page.fill("#f-id_number", bad)
    page.fill("#f-joined_date", "2015-07-01")
    page.fill("#f-phone", "139 1234 5678")
    page.fill("#f-monthly_dues", "25")
    page.click("#member-form button[type=submit]")
    assert page.inner_text("#err-id_number") == "身份证号校验位不正确，请核对"
    assert page.input_value("#f-name") == "陈𬌗"  # what was typed is kept
    shot(page, "04-member-bad-id")
    page.fill("#f-id_number", good)
    page.click("#member-form button[type=submit]")
    page.wait_for_url("**/console/members/*")
    assert "已登记党员陈𬌗，党员编号01010101" in page.inner_text(".flash")
    info = page.inner_text("#member-info")
    assert good in info and "13912345678" in info and "1990-04-12" in info and "25.00 元" in info
    shot(page, "05-member-saved")


def test_org_node_summary_matches_the_data(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    data = _district(live_hall)
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.click("nav >> text=组织机构")
    page.click("#org-tree >> text=第一街道党工委")
    stats = {
        key: page.inner_text(f"[data-stat={key}]")
        for key in ("members", "probationary", "women", "young", "college", "pre1949", "orgs")
    }
    # 第一街道党工委: 张小明 (b1), 李芳 (b1, woman, 27), 王建国 (b2, joined 1948); 3 orgs below.
    young = sum(1 for m in ("张小明", "李芳") if _age(data["members"][m].birth_date) <= 35)
    assert stats == {
        "members": "3",
        "probationary": "0",
        "women": "1",
        "young": str(young),
        "college": "3",
        "pre1949": "1",
        "orgs": "3",
    }
    text = page.inner_text("#summary-text")
    assert "下属党组织3个（党委0个、党总支1个、党支部2个）" in text
    assert "女党员1名，占33.3%" in text
    children = page.inner_text("#children")
    assert "幸福社区党总支" in children and "3" in children
    assert page.locator("svg.chart:not(.pie)").count() == 2
    shot(page, "06-org-node")


def _age(birth: date) -> int:
    today = hall_clock.today()
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _kiosk_tap(hall: LiveHall, key: str, uid: str) -> int:
    request = urllib.request.Request(
        f"{hall.url}/api/v1/kiosk/card-session",
        data=json.dumps({"uid": uid}).encode(),
        headers={"Content-Type": "application/json", "X-Device-Key": key},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_issue_a_card_with_the_desk_reader_then_report_it_lost(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    data = _district(live_hall)
    key = live_hall.build.device("大厅一号机")
    live_hall.commit()
    member = data["members"]["张小明"]
    browser_sign_in(page, live_hall, "b1clerk")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/members/{member.id}")
    # The keyboard-wedge reader types a 10-digit decimal UID and Enter into the focused box.
    assert page.evaluate("document.activeElement.id") == "f-uid"
    page.keyboard.type("0305419896")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert f"已为张*明发放党员卡（卡号{member.card_no}）" in page.inner_text(".flash")
    assert "正常" in page.inner_text("#card-table")
    assert _kiosk_tap(live_hall, key, "12345678") == 201  # 0305419896 == 0x12345678
    shot(page, "07-card-issued")
    page.click("#card-table >> text=挂失")
    page.wait_for_load_state()
    assert "已挂失，查询机上立即失效" in page.inner_text(".flash")
    assert "已挂失" in page.inner_text("#card-table")
    assert _kiosk_tap(live_hall, key, "12345678") in (403, 404, 410)
    shot(page, "08-card-lost")
    # A replacement card: a hex UID typed by hand.
    page.fill("#f-uid", "A1B2C3D4")
    page.click("#card-form button[type=submit]")
    page.wait_for_load_state()
    assert "补发党员卡" in page.inner_text(".flash")
    assert _kiosk_tap(live_hall, key, "A1B2C3D4") == 201


def test_lock_out_after_repeated_wrong_passwords(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    _district(live_hall)
    limit = live_hall.settings.login_max_failures
    for _ in range(limit):
        browser_sign_in(page, live_hall, "b1clerk", "wrong-password-1")
        assert "用户名或密码错误" in page.inner_text(".form-message")
    browser_sign_in(page, live_hall, "b1clerk")  # the right password, too late
    message = page.inner_text(".form-message")
    assert "密码错误次数过多，账户已锁定" in message
    assert f"{live_hall.settings.login_lockout_minutes}分钟后再试" in message
    assert "/console/login" in page.url
    shot(page, "09-locked")


def test_warnings_members_devices_and_audit_pages(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    data = _district(live_hall)
    build = live_hall.build
    today = hall_clock.today()
    behind = data["members"]["李芳"]
    for year in (today.year - 1, today.year):
        build.ledger(behind, year)  # nothing paid: more than six months behind
    build.member(data["orgs"]["b2"], name="孙新来", monthly_fen=None)
    build.device("一楼大厅")
    live_hall.commit()
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.click("nav >> text=红色预警")
    assert "李芳" in page.inner_text("#final-table")
    assert "孙新来" in page.inner_text("#pending-table")
    shot(page, "10-warnings")
    page.click("nav >> text=党员名册")
    page.select_option("#f-behind", "ge6")
    page.click("#filters button[type=submit]")
    first = page.locator("#member-table tbody tr").all_inner_texts()[0]
    assert first.strip().startswith("0101010100002")  # after the (empty) tick box cell
    shot(page, "11-members-behind")
    page.click("nav >> text=查询机管理")
    assert "一楼大厅" in page.inner_text("#device-table")
    shot(page, "12-devices")
    page.click("nav >> text=操作日志")
    page.fill("#f-who", "test")
    page.click("form.filters button[type=submit]")
    assert "登记党员" in page.inner_text("#audit-table")
    shot(page, "13-audit")
