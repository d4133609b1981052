"""Paged, sorted lists in real Chromium: the district ledger and the audit log at the sizes
district staff work with; clicking headers, the first/last links and jump-to-page.

Screenshots go to test-artifacts/console/.
"""

from __future__ import annotations

from backend.models import Role
from tests.console.conftest import LiveHall, browser_sign_in, shot

YEAR = 2025
SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def _ledger_district(hall: LiveHall, count: int = 62) -> list[str]:
    build = hall.build
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    names = []
    for i in range(count):
        name = SURNAMES[i % 31] + SURNAMES[(i * 7 + 3) % 31] + SURNAMES[(i * 11 + 5) % 31]
        member = build.member(orgs["b1"] if i % 2 else orgs["b2"], name=name, monthly_fen=1000 + i)
        build.ledger(member, YEAR, paid_months=set(range(1, 1 + i % 5)))
        names.append(name)
    hall.commit()
    return names


def _names(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.locator("#ledger-table tbody td.name").all_inner_texts()


def test_the_district_ledger_pages_sorts_and_jumps(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    names = _ledger_district(live_hall)
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/finance/ledger?year={YEAR}")
    assert page.locator("#ledger-table tbody tr").count() == 50
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, height  # was 90,000 px for a district before paging
    # Three-character names stay on one line: every name cell is as tall as one line of text.
    line = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('#ledger-table td.name')).lineHeight)"
        " || 20"
    )
    heights = page.locator("#ledger-table tbody td.name").evaluate_all(
        "cells => cells.map(c => c.getBoundingClientRect().height)"
    )
    row_heights = page.locator("#ledger-table tbody td.name").evaluate_all(
        "cells => cells.map(c => c.scrollWidth <= c.clientWidth)"
    )
    assert all(row_heights) and max(heights) < 2 * line + 10, (heights, line)
    shot(page, "lists-01-ledger-page-1")
    # Sort by name: click the header; click again for the other way.
    page.click("#ledger-table th[data-sort=name] a")
    page.wait_for_url("**sort=name**")
    assert _names(page) == sorted(names)[:50]
    assert page.get_attribute("#ledger-table th[data-sort=name]", "aria-sort") == "ascending"
    page.click("#ledger-table th[data-sort=name] a")
    page.wait_for_url("**dir=desc**")
    assert _names(page) == sorted(names, reverse=True)[:50]
    # The last page, then back to the first; the sort is kept.
    page.click(".pager a[data-page=last]")
    page.wait_for_url("**page=2**")
    assert _names(page) == sorted(names, reverse=True)[50:]
    assert "第 51–62 条" in page.inner_text(".pager")
    shot(page, "lists-02-ledger-last-page")
    page.click(".pager a[data-page=first]")
    page.wait_for_url("**page=1**")
    assert _names(page) == sorted(names, reverse=True)[:50]
    # Jump to page 2 by number.
    page.fill(".pager form.jump input[name=page]", "2")
    page.click(".pager form.jump button")
    page.wait_for_url("**page=2**")
    assert _names(page) == sorted(names, reverse=True)[50:]
    assert "dir=desc" in page.url and "sort=name" in page.url


def test_the_audit_log_pages_sorts_and_jumps(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    build = live_hall.build
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    for i in range(12):
        build.member(orgs["b1"], name=f"审计{SURNAMES[i]}")
    live_hall.commit()
    live_hall.app.config["CONSOLE_PER_PAGE"] = 5
    browser_sign_in(page, live_hall, "admin")
    page.wait_for_url("**/console/")
    page.goto(f"{live_hall.url}/console/audit?group=member.")
    ids = [int(x) for x in page.locator("#audit-table tbody tr[data-id]").evaluate_all(
        "rows => rows.map(r => r.dataset.id)")]  # fmt: skip
    assert len(ids) == 5 and ids == sorted(ids, reverse=True)  # newest first
    assert "共 12 条" in page.inner_text(".pager")
    shot(page, "lists-03-audit")
    # Oldest first, by clicking the time header twice (it starts newest first).
    page.click("#audit-table th[data-sort=at] >> nth=1 >> a")
    page.wait_for_url("**sort=at**")
    first_ids = page.locator("#audit-table tbody tr[data-id]").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.id))"
    )
    assert first_ids == sorted(first_ids)
    page.fill(".pager form.jump input[name=page]", "3")
    page.click(".pager form.jump button")
    page.wait_for_url("**page=3**")
    last_ids = page.locator("#audit-table tbody tr[data-id]").evaluate_all(
        "rows => rows.map(r => Number(r.dataset.id))"
    )
    assert len(last_ids) == 2 and min(last_ids) > max(first_ids)
    assert page.locator(".pager a[data-page=last]").count() == 0  # on the last page already
    # The filters keep the sort; the dates are date pickers.
    assert page.get_attribute("#f-start", "type") == "date"
    page.fill("#f-who", "system")
    page.click("#audit-filters button[type=submit]")
    page.wait_for_url("**who=**")
    assert "sort=at" in page.url and "page=" not in page.url
