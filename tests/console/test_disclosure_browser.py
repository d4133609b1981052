"""Disclosure and the honor roll in real Chromium against a real HTTP server: one clerk writes
an item with a PDF, a second person passes the secrecy review and publishes it, and the kiosk
API serves it; then it is withdrawn. Screenshots go to test-artifacts/console/."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select

from backend.models import Role, User
from backend.services import disclosure, hall_clock
from backend.services.actor import Actor
from backend.services.disclosure_categories import ensure_default_categories, find_category
from backend.services.dues_year import hall_today
from backend.services.media import NewMedia
from tests.backend.test_disclosure_helpers import PNG_1PX
from tests.builders import SYSTEM
from tests.console.conftest import LiveHall, browser_sign_in, shot
from tests.console.test_disclosure_console import make_pdf

TITLE = "关于2025年下半年党课安排的通知"
ACTIVITY = "七一主题党日活动"


def _kiosk_get(hall: LiveHall, key: str, path: str) -> tuple[int, dict]:
    request = urllib.request.Request(f"{hall.url}{path}", headers={"X-Device-Key": key})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def _setup(hall: LiveHall) -> str:
    build = hall.build
    orgs = build.district()
    ensure_default_categories(build.session, SYSTEM)
    build.user(orgs["c1"], "writer", Role.ORG_STAFF)
    build.user(orgs["c1"], "checker", Role.ORG_STAFF)
    key = build.device("大厅一号机")
    hall.commit()
    return key


def test_write_review_publish_then_the_kiosk_shows_it(  # type: ignore[no-untyped-def]
    live_hall: LiveHall, page, tmp_path: Path
) -> None:
    key = _setup(live_hall)
    pdf = tmp_path / "党课安排表.pdf"
    pdf.write_bytes(make_pdf(2))
    photo = tmp_path / "课堂.png"
    photo.write_bytes(PNG_1PX)

    browser_sign_in(page, live_hall, "writer")
    page.wait_for_url("**/console/")
    page.click("nav >> text=党务公开")
    page.click("#new-item")
    page.fill("#f-title", TITLE)
    page.select_option("#f-category_id", label="党课安排")
    assert page.is_checked("#tier-public")
    assert "大厅查询机不刷卡即可浏览" in page.inner_text("#tiers")
    page.fill(
        "#f-body_md", "# 安排\n\n每月第一周周五下午在党员服务大厅上党课。\n\n- 七月：党章学习"
    )
    page.click("#preview-button")
    assert page.inner_text("#preview h2") == "安排"
    assert "• 七月：党章学习" in page.inner_text("#preview")
    shot(page, "disclosure-01-preview")
    broken = tmp_path / "损坏.pdf"
    broken.write_bytes(make_pdf(2)[:900])
    page.set_input_files("#f-files", str(broken))
    page.click("#save")
    assert page.inner_text("#err-files") == (
        "PDF文件损坏.pdf已损坏或格式不正确，无法转换为图片，请重新导出后上传"
    )
    assert page.input_value("#f-title") == TITLE  # what was typed is kept
    shot(page, "disclosure-01b-broken-pdf")
    page.set_input_files("#f-files", [str(pdf), str(photo)])
    page.click("#save")
    page.wait_for_url("**/console/disclosure/*")
    flash = page.inner_text(".flash")
    assert "PDF已转换为2页图片，查询机上逐页显示" in flash and "已保存1个图片或附件" in flash
    assert page.locator("#preview img").count() == 3  # two PDF pages and the photo
    assert "党课安排表.pdf" in page.inner_text("#attachments")
    shot(page, "disclosure-02-draft")
    page.click("#submit-review")
    assert "已提交保密审查" in page.inner_text(".flash")
    page.click("#approve")
    assert "不能审核自己起草的内容，请由其他工作人员进行保密审查" in page.inner_text(".flash")
    shot(page, "disclosure-03-self-review-refused")

    page.click("header >> text=退出")
    browser_sign_in(page, live_hall, "checker")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/disclosure")
    page.click("#status-tabs >> [data-status=submitted]")
    page.click(f"#disclosure-table >> text={TITLE}")
    page.fill("#f-note", "不涉及国家秘密和工作秘密")
    page.click("#approve")
    assert "保密审查已通过，可以发布" in page.inner_text(".flash")
    page.click("#publish")  # the confirm dialog is accepted by the fixture
    page.wait_for_load_state()
    assert "已发布，查询机将在1分钟内显示" in page.inner_text(".flash")
    info = page.inner_text("#doc-info")
    assert "checker" in info and "不涉及国家秘密和工作秘密" in info
    shot(page, "disclosure-04-published")

    status, board = _kiosk_get(live_hall, key, "/api/v1/kiosk/disclosure")
    assert status == 200
    item = next(i for i in board["items"] if i["title"] == TITLE)
    assert item["category"] == "党课安排" and item["date"] == hall_clock.today().isoformat()
    _status, document = _kiosk_get(live_hall, key, f"/api/v1/kiosk/disclosure/{item['id']}")
    captions = [b["text"] for b in document["blocks"] if b["type"] == "image"]
    assert captions == ["《党课安排表》第1/2页", "《党课安排表》第2/2页", ""]

    page.fill("#f-reason", "安排调整，另行通知")
    page.click("#withdraw")
    page.wait_for_load_state()
    assert "已撤回，查询机将在1分钟内撤下" in page.inner_text(".flash")
    shot(page, "disclosure-05-withdrawn")
    page.click("nav >> text=党务公开")
    assert "已撤回（1）" in page.inner_text("#status-tabs")
    assert TITLE in page.inner_text("#disclosure-table")
    shot(page, "disclosure-06-list")
    _status, board = _kiosk_get(live_hall, key, "/api/v1/kiosk/disclosure")
    assert TITLE not in [i["title"] for i in board["items"]]


def _item_with_files(hall: LiveHall, expires_on: date) -> int:
    """A draft by "writer" with an expiry date, a photo in the body and an attachment."""
    session = hall.build.session
    writer = session.scalar(select(User).where(User.username == "writer"))
    item = disclosure.create_document(
        session,
        Actor.for_user(writer),
        org=writer.org,
        category=find_category(session, "党的活动"),
        title=ACTIVITY,
        body_md="七一主题党日在服务大厅举行。\n\n![合影](photo.png)\n\n会后参观党史展览。",
        publish_on=hall_today(hall.settings.dues),
        expires_on=expires_on,
        files=[
            NewMedia("合影.png", PNG_1PX, ref="photo.png"),
            NewMedia("签到表.txt", "签到表".encode(), attachment=True),
        ],
    )
    hall.commit()
    return item.id


def test_clear_the_expiry_date_and_delete_one_attachment(  # type: ignore[no-untyped-def]
    live_hall: LiveHall, page
) -> None:
    key = _setup(live_hall)
    expires_on = hall_today(live_hall.settings.dues) + timedelta(days=30)
    item_id = _item_with_files(live_hall, expires_on)
    confirms: list[str] = []
    page.on("dialog", lambda dialog: confirms.append(dialog.message))

    browser_sign_in(page, live_hall, "writer")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/disclosure/{item_id}")
    assert f"至 {expires_on.isoformat()}" in page.inner_text("#doc-info")
    page.click("#edit")
    assert page.input_value("#f-expires_on") == expires_on.isoformat()
    page.fill("#f-expires_on", "")
    page.click("#save")
    page.wait_for_url(f"**/console/disclosure/{item_id}")
    assert "修改已保存" in page.inner_text(".flash")
    assert "至 长期" in page.inner_text("#doc-info")

    sheet = page.locator("#files tr", has_text="签到表.txt")
    sheet_id = sheet.get_attribute("data-media")
    sheet.locator("button", has_text="删除").click()
    page.wait_for_load_state()
    assert confirms == ["确定删除附件“签到表.txt”？"]
    assert page.inner_text(".flash") == (
        "已删除附件“签到表.txt”。请提交保密审查，由其他工作人员审核后发布。"
    )
    files = page.inner_text("#files")
    assert "签到表.txt" not in files and "合影.png" in files
    assert page.locator("#attachments").count() == 0
    assert page.locator("#preview img").count() == 1  # the photo is still in the body
    assert "删除图片或附件（需重新审核）" in page.inner_text("#history")
    shot(page, "disclosure-07-attachment-deleted")
    page.click("#submit-review")

    page.click("header >> text=退出")
    browser_sign_in(page, live_hall, "checker")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/disclosure/{item_id}")
    page.click("#approve")
    page.click("#publish")
    page.wait_for_load_state()
    assert "已发布" in page.inner_text(".flash")
    assert page.locator("#files button").count() == 0  # a published item keeps its files
    assert "合影.png" in page.inner_text("#files")

    status, shown = _kiosk_get(live_hall, key, f"/api/v1/kiosk/disclosure/{item_id}")
    assert status == 200 and shown["title"] == ACTIVITY
    assert shown["expires_on"] is None and shown["attachments"] == []
    assert [b["text"] for b in shown["blocks"] if b["type"] == "image"] == ["合影"]
    status, gone = _kiosk_get(live_hall, key, f"/api/v1/kiosk/media/{sheet_id}")
    assert status == 404 and gone["message"] == "图片或附件不存在或已撤下"


def test_honor_roll_entry_with_photo_and_consent(  # type: ignore[no-untyped-def]
    live_hall: LiveHall, page, tmp_path: Path
) -> None:
    _setup(live_hall)
    photo = tmp_path / "李先锋.png"
    photo.write_bytes(PNG_1PX)
    browser_sign_in(page, live_hall, "writer")
    page.wait_for_url("**/console/")
    page.click("nav >> text=光荣榜")
    page.click("#new-honor")
    page.fill("#f-title", "优秀共产党员")
    page.fill("#f-awarding_body", "中共第一街道工作委员会")
    page.fill("#f-person_name", "李先锋")
    page.fill("#f-citation", "扎根社区二十年，带领党员志愿者服务群众。")
    page.set_input_files("#f-photo", str(photo))
    page.check("input[name=photo_consent]")
    shot(page, "honors-01-form")
    page.click("#save")
    page.wait_for_url("**/console/honors")
    assert "列入光荣榜" in page.inner_text(".flash")
    row = page.inner_text("#honor-table tbody tr")
    assert "李先锋" in row and "优秀共产党员" in row and "显示" in row
    assert page.locator("#honor-table img.thumb").count() == 1
    shot(page, "honors-02-list")
