"""The member import in real Chromium: a spreadsheet with a bad row → the row number and reason
on screen → the fixed file → imported, and the new members in the roll.

Screenshots go to test-artifacts/console/.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook

from backend.models import Role
from backend.services.idnumber import compose_id_number
from tests.console.conftest import LiveHall, browser_sign_in, shot

HEADER = ["姓名", "性别", "身份证号", "入党日期", "转正日期", "党员类别", "组织编码", "联系电话"]


def _workbook(path: Path, rows: list[list[str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _people() -> list[list[str]]:
    return [
        [name, sex, compose_id_number("110105", birth, seq), "2012-07-01", "2013-07-01", "正式"]
        + ["01010101", phone]
        for name, sex, birth, seq, phone in (
            ("周卫国", "男", date(1986, 4, 3), 13, "13911112222"),
            ("吴秀兰", "女", date(1990, 8, 21), 24, "13911113333"),
            ("郑𬌗", "男", date(1975, 1, 9), 35, ""),
        )
    ]


def test_import_members_with_a_bad_row_then_the_fixed_file(
    live_hall: LiveHall, page, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    live_hall.app.config["IMPORT_DIR"] = str(tmp_path / "imports")
    orgs = live_hall.build.district()
    live_hall.build.user(orgs["b1"], "b1clerk", Role.ORG_STAFF)
    live_hall.commit()
    rows = _people()
    good_id = rows[1][2]
    rows[1][2] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")
    bad_file = _workbook(tmp_path / "党员名单.xlsx", rows)

    browser_sign_in(page, live_hall, "b1clerk")
    page.wait_for_url("**/console/")
    page.click("nav >> text=导入导出")
    shot(page, "imports-00-page")
    page.set_input_files("#members-file", str(bad_file))
    page.click("#upload-members button[type=submit]")
    page.wait_for_selector("#import-errors")
    assert "共3行数据，其中1行有误，未导入任何数据" in page.inner_text("#import-message")
    cells = page.locator("#import-errors tbody tr").first.locator("td").all_inner_texts()
    assert cells == ["3", "身份证号", "身份证号校验位不正确，请核对"]
    assert page.locator("#confirm-import").count() == 0
    shot(page, "imports-01-bad-row")

    rows[1][2] = good_id
    fixed_file = _workbook(tmp_path / "党员名单（改）.xlsx", rows)
    page.set_input_files("#reupload-file", str(fixed_file))
    page.click("#reupload button[type=submit]")
    page.wait_for_selector("#confirm-import")
    assert page.inner_text("[data-stat=ok]") == "3"
    assert "郑𬌗" in page.inner_text("#import-sample")
    shot(page, "imports-02-preview")
    # Hold the progress polls at 40 % to see the bar move, then let the real answers through.
    held = [True]

    def poll(route) -> None:  # type: ignore[no-untyped-def]
        if held[0]:
            status = {"state": "importing", "stage": "写入", "done": 1200, "total": 3000}
            route.fulfill(json=status | {"percent": 40})
        else:
            route.continue_()

    page.route("**/status", poll)
    page.click("#confirm-import")
    page.wait_for_selector("text=写入 1200 / 3000 行（40%）")
    assert page.eval_on_selector("#import-progress progress", "bar => bar.value") == 1200
    shot(page, "imports-03-progress")
    held[0] = False
    page.wait_for_selector("#to-members")
    assert page.inner_text("#import-message") == "已导入3名党员，卡号00001至00003。"
    shot(page, "imports-04-done")
    page.click("#to-members")
    names = page.locator("#member-table tbody td.name").all_inner_texts()
    assert sorted(names) == sorted(["周卫国", "吴秀兰", "郑𬌗"])
    shot(page, "imports-05-members")
