"""A long export in real Chromium: the ledger page's 后台导出 → the progress page → the download
button when done → the xlsx with the ledger's title, headers and Chinese names.

Screenshots go to test-artifacts/console/.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from backend.models import Role
from backend.services.import_jobs import JobState, JobStore
from tests.console.conftest import LiveHall, browser_sign_in, shot

YEAR = 2025


def test_background_ledger_export_with_progress_and_download(
    live_hall: LiveHall, page, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    live_hall.app.config["IMPORT_DIR"] = str(tmp_path / "jobs")
    build = live_hall.build
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    for n, name in enumerate(("张三", "欧阳修远", "郑𬌗")):
        member = build.member(orgs["b1"], name=name, monthly_fen=1000 * (n + 1))
        build.ledger(member, YEAR, paid_months={1, 2})
    live_hall.commit()

    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/finance/ledger?org_id={orgs['b1'].id}&year={YEAR}")
    page.click("#bg-export button[type=submit]")
    page.wait_for_url("**/console/exports/**")
    # The progress page polls until the job is done, then shows the download button.
    page.wait_for_selector("#export-download", timeout=20_000)
    assert "导出完成" in page.inner_text("#job-title")
    assert page.inner_text("#export-message").startswith("已导出")
    shot(page, "exports-01-done")
    with page.expect_download() as info:
        page.click("#export-download")
    download = info.value
    assert download.suggested_filename == f"{orgs['b1'].name}{YEAR}年党费收缴台账.xlsx"
    target = tmp_path / "ledger.xlsx"
    download.save_as(target)
    rows = list(load_workbook(target).active.iter_rows(values_only=True))
    assert rows[0][0] == f"{orgs['b1'].name}{YEAR}年党费收缴台账"
    header = next(row for row in rows if row[0] == "卡号")
    assert header[:5] == ("卡号", "党员编号", "姓名", "性别", "月交")
    names = {row[2] for row in rows}
    assert {"张三", "欧阳修远", "郑𬌗"} <= names


def test_the_progress_bar_follows_a_running_export(
    live_hall: LiveHall, page, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The test plays the export thread (a real one finishes too fast to watch): it moves the
    job's state file on, and the page, polling the status address, follows."""
    live_hall.app.config["IMPORT_DIR"] = str(tmp_path / "jobs")
    orgs = live_hall.build.district()
    admin = live_hall.build.user(orgs["district"], "admin", Role.ADMIN)
    live_hall.commit()
    store = JobStore(tmp_path / "jobs")
    job = store.create_export(user_id=admin.id, kind="members", filename="党员名册.xlsx")

    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/exports/{job.token}")
    assert "正在导出" in page.inner_text("#job-title")
    assert page.inner_text("#import-progress .progress-text").startswith("查询数据")
    job.stage, job.done, job.total = "写入表格", 40, 80
    store.save(job)
    # A locator assertion, not ``wait_for_function``: the console's CSP (no 'unsafe-eval')
    # refuses the string Playwright would evaluate in the page.
    expect(page.locator("#import-progress .progress-text")).to_contain_text("50%")
    assert page.inner_text("#import-progress .progress-text") == "写入表格 40 / 80 行（50%）"
    assert page.get_attribute("#import-progress progress", "value") == "40"
    shot(page, "exports-02-progress")
    store.result(job).write_bytes(b"xlsx")
    job.state, job.message = JobState.DONE, "已导出80行，请下载。"
    store.save(job)
    page.wait_for_selector("#export-download", timeout=10_000)
    assert page.inner_text("#export-message") == "已导出80行，请下载。"
