"""The dues desk's pages in real Chromium: a quarterly report downloaded as xlsx, a remittance
batch made and confirmed, and a branch clerk kept to its own branch.

Screenshots go to test-artifacts/console/.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from openpyxl import load_workbook

from backend.models import Role
from backend.services import hall_clock, payments
from backend.services.actor import Actor
from tests.console.conftest import LiveHall, browser_sign_in, shot

YEAR = 2025


def _district(hall: LiveHall) -> dict:
    build = hall.build
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    build.user(orgs["b1"], "b1clerk", Role.ORG_STAFF)
    zhang = build.member(orgs["b1"], name="张三", monthly_fen=5000)
    li = build.member(orgs["b2"], name="李四", monthly_fen=1000)
    wang = build.member(orgs["b3"], name="王五", monthly_fen=2000)
    build.ledger(zhang, YEAR, paid_months={1, 2, 3})
    build.ledger(li, YEAR, paid_months={1})
    build.ledger(wang, YEAR)
    for member, key in ((zhang, "browser-pay-zhang"), (li, "browser-pay-li")):
        outcome = payments.pay(
            build.session,
            Actor.system("t"),
            hall.settings.dues,
            member,
            idempotency_key=key,
            months=[f"{YEAR}-04"],
            today=date(YEAR, 4, 3),
        )
        outcome.payment.created_at = hall_clock.stored(datetime(YEAR, 4, 3, 2, tzinfo=UTC))
    hall.commit()
    return orgs


def test_quarterly_report_and_its_xlsx_in_the_browser(live_hall: LiveHall, page, tmp_path) -> None:  # type: ignore[no-untyped-def]
    _district(live_hall)
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.click("nav >> text=收缴统计")
    page.fill("#f-year", str(YEAR))
    page.select_option("#f-quarter", "1")
    page.click("#report-filters button[type=submit]")
    assert page.inner_text("#report-title").startswith("示范区委2025年第一季度党费收缴统计表")
    rows = page.locator("#report-table tbody tr").all_inner_texts()
    assert any("第一街道党工委" in r and "180.00" in r and "160.00" in r for r in rows)
    shot(page, "finance-01-report")
    # drill down to the 总支 of 第一街道
    page.click("#report-table >> text=第一街道党工委")
    page.click("#report-table >> text=幸福社区党总支")
    assert "幸福社区党总支2025年第一季度" in page.inner_text("#report-title")
    with page.expect_download() as info:
        page.click("#dl-xlsx")
    download = info.value
    assert download.suggested_filename == "幸福社区党总支2025年第一季度党费收缴统计表.xlsx"
    target = tmp_path / "report.xlsx"
    download.save_as(target)
    ws = load_workbook(target).active
    rows = {row[1]: row for row in ws.iter_rows(values_only=True) if row and row[1]}
    assert rows["幸福社区第一党支部"][2] == 150 and rows["幸福社区第一党支部"][3] == 150
    assert rows["幸福社区第二党支部"][2] == 30 and rows["幸福社区第二党支部"][3] == 10
    assert abs(rows["合计"][5] - 0.889) < 1e-9  # a rate: a number shown as a percentage


def test_remittance_batch_in_the_browser(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    orgs = _district(live_hall)
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.goto(
        f"{live_hall.url}/console/finance/remittance?org_id={orgs['c1'].id}&year={YEAR}&end_month=6"
    )
    lines = page.locator("#outstanding-table tbody tr").all_inner_texts()
    assert len(lines) == 2 and "幸福社区第一党支部" in lines[0] and "50.00" in lines[0]
    page.select_option("#f-start_month", "4")
    page.click("#outstanding-filters button[type=submit]")
    page.click("#create-batch button[type=submit]")
    page.wait_for_url("**/finance/remittance/*")
    assert page.inner_text("#batch-state") == "待确认"
    detail = page.inner_text("#batch-detail")
    assert "张三" in detail and "李四" in detail and "60.00" in detail
    shot(page, "finance-02-batch-draft")
    page.click("#confirm-batch")  # the data-confirm prompt is accepted by the fixture
    page.wait_for_selector("text=已确认汇缴")
    assert page.inner_text("#batch-state") == "已汇缴"
    shot(page, "finance-03-batch-confirmed")
    page.goto(
        f"{live_hall.url}/console/finance/remittance?org_id={orgs['c1'].id}&year={YEAR}&end_month=6"
    )
    assert "没有待汇缴的党费" in page.inner_text("#outstanding-table")


def test_a_branch_clerk_cannot_open_another_branchs_report(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    orgs = _district(live_hall)
    browser_sign_in(page, live_hall, "b1clerk")
    page.wait_for_url("**/console/")
    page.click("nav >> text=收缴统计")
    options = page.locator("#f-org_id option").all_inner_texts()
    assert options == ["01010101 幸福社区第一党支部"]
    page.fill("#f-year", str(YEAR))
    page.click("#report-filters button[type=submit]")
    assert "张三" in page.inner_text("#report-table")
    response = page.goto(
        f"{live_hall.url}/console/finance/reports?year={YEAR}&org_id={orgs['b2'].id}"
    )
    assert response.status == 404
    assert "未找到该党组织，或不在您的管理范围内" in page.inner_text("main")
    assert "李四" not in page.content()
    shot(page, "finance-04-branch-scope")


def test_the_remittance_form_acts_on_the_organization_and_period_shown(
    live_hall: LiveHall, page
) -> None:  # type: ignore[no-untyped-def]
    """The district admin opens 党费汇缴 from the menu: the selector, the heading and the batch
    form all name the same 党委 (the district never remits); a 4—6月 batch holds April's
    receipts only, not the January one; a refused form comes back without the CSRF token in
    the address."""
    orgs = _district(live_hall)
    january = payments.pay(
        live_hall.build.session,
        Actor.system("t"),
        live_hall.settings.dues,
        live_hall.build.member(orgs["b1"], name="赵六", monthly_fen=3000),
        idempotency_key="browser-pay-zhao-jan",
        months=[f"{YEAR}-01"],
        today=date(YEAR, 1, 10),
    )
    january.payment.created_at = hall_clock.stored(datetime(YEAR, 1, 10, 2, tzinfo=UTC))
    live_hall.commit()
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.click("nav >> text=党费汇缴")
    selected = page.locator("#f-org_id option:checked").inner_text()
    assert selected == "01010000 第一街道党工委"
    assert "示范区委" not in page.locator("#f-org_id").inner_text()
    assert "第一街道党工委" in page.inner_text("#outstanding-heading")

    page.fill("#f-year", str(YEAR))
    page.select_option("#f-start_month", "4")
    page.select_option("#f-end_month", "6")
    page.click("#outstanding-filters button[type=submit]")
    assert page.locator("#f-org_id option:checked").inner_text() == selected
    assert "第一街道党工委" in page.inner_text("#outstanding-heading")
    assert page.locator("#create-batch input[name=org_id]").get_attribute("value") == str(
        orgs["c1"].id
    )
    # every form carrying the CSRF token posts it; none puts it in a URL
    methods = page.locator("form:has(input[name=csrf_token])").evaluate_all(
        "forms => forms.map(f => f.method)"
    )
    assert methods and set(methods) == {"post"}
    lines = page.locator("#outstanding-table tbody tr").all_inner_texts()
    assert "30.00" not in " ".join(lines)  # 赵六's January receipt is not in 4—6月
    assert "1 笔（30.00 元）" in page.inner_text("#earlier-outstanding")
    shot(page, "finance-05-remittance-period")
    page.click("#create-batch button[type=submit]")
    page.wait_for_url("**/finance/remittance/*")
    assert "第一街道党工委" in page.inner_text(".kv")
    assert "2025年4月至6月" in page.inner_text(".kv")
    detail = page.inner_text("#batch-detail")
    assert "张三" in detail and "李四" in detail and "赵六" not in detail

    # a second batch while the draft is open is refused; the page keeps org and period
    page.goto(f"{live_hall.url}/console/finance/remittance?org_id={orgs['c1'].id}"
              f"&year={YEAR}&start_month=4&end_month=6")  # fmt: skip
    page.click("#create-batch button[type=submit]")
    page.wait_for_selector("text=该组织还有待确认的汇缴批次")
    assert "csrf_token" not in page.url
    assert page.locator("#f-org_id option:checked").inner_text() == selected
    assert page.locator("#f-start_month option:checked").inner_text() == "4月"
