"""The console's lists at district scale, through the test client on both databases: each list
is paged in SQL, sorts on whitelisted columns with a stable order, shows its filters' defaults,
and exports the whole filtered, sorted list as xlsx."""

from __future__ import annotations

import io
import re

from openpyxl import load_workbook

from backend.models import Role
from tests.console.conftest import page_text

YEAR = 2025
NAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"


def rows_of(html: str, table_id: str) -> list[str]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr[ >]", body.split("<tbody>", 1)[1])


def cells(html: str, table_id: str, css: str) -> list[str]:
    body = html.split(f'id="{table_id}"', 1)[1].split("</tbody>", 1)[0]
    return re.findall(rf'<td class="{css}">([^<]*)</td>', body)


def xlsx_rows(data: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))


def many_members(build, db, count: int = 62):  # type: ignore[no-untyped-def]
    orgs = build.district()
    people = []
    for i in range(count):
        org = orgs["b1"] if i % 2 else orgs["b2"]
        name = f"{NAMES[i % len(NAMES)]}{NAMES[(i * 7) % len(NAMES)]}{i:02d}"
        member = build.member(org, name=name, monthly_fen=1000 + i * 10)
        build.ledger(member, YEAR, paid_months=set(range(1, 1 + i % 4)))
        people.append(member)
    build.user(orgs["district"], "admin", Role.ADMIN)
    db.commit()
    return orgs, people


def test_the_district_ledger_is_paged_and_sorted(build, db, sign_in) -> None:
    _orgs, people = many_members(build, db)
    client = sign_in("admin")
    html = page_text(client.get(f"/console/finance/ledger?year={YEAR}"))
    assert len(rows_of(html, "ledger-table")) == 50  # not every member on one page
    assert "共 62 条，第 1–50 条" in html and "共 2 页" in html
    assert 'data-page="last"' in html and 'name="page"' in html  # last page and jump-to-page
    # The filters say what is shown: the user's own organization and the year.
    assert re.search(r'<option value="\d+" selected>\S+ 示范区委', html)
    assert f'name="year" type="number" min="2000" max="2100" step="1" value="{YEAR}"' in html
    html2 = page_text(client.get(f"/console/finance/ledger?year={YEAR}&page=2"))
    assert len(rows_of(html2, "ledger-table")) == 12 and "第 51–62 条" in html2
    # Sorted by name, descending; every member exactly once over the pages.
    names = []
    url = f"/console/finance/ledger?year={YEAR}"
    for n in (1, 2):
        page = page_text(client.get(f"{url}&sort=name&dir=desc&page={n}"))
        names += cells(page, "ledger-table", "name")
    assert names == sorted((p.name for p in people), reverse=True)
    assert 'aria-sort="descending"' in page
    # By arrears (computed in SQL), largest first; the tie-breaker keeps the order stable.
    page = page_text(client.get(f"{url}&sort=arrears&dir=desc"))
    assert page == page_text(client.get(f"{url}&sort=arrears&dir=desc"))
    # An unknown sort key falls back to the default order, never reaches SQL.
    assert client.get(f"/console/finance/ledger?year={YEAR}&sort=id;drop").status_code == 200
    # The export is the whole ledger, not the page.
    x = client.get(f"/console/finance/ledger?year={YEAR}&page=2&format=xlsx")
    assert sum(1 for r in xlsx_rows(x.data) if r[1] in {p.name for p in people}) == 62
