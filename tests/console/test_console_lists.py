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
    assert sum(1 for r in xlsx_rows(x.data) if r[2] in {p.name for p in people}) == 62


def three_members(build, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    people = [
        build.member(orgs["b1"], name="张三", monthly_fen=5000),
        build.member(orgs["b1"], name="李四", monthly_fen=1000),
        build.member(orgs["b2"], name="王五", monthly_fen=2000),
    ]
    for person in people:
        build.ledger(person, YEAR)
    build.user(orgs["district"], "admin", Role.ADMIN)
    build.user(orgs["b1"], "b1clerk")
    build.user(orgs["b1"], "b1secretary")
    db.commit()
    return orgs, people


def test_payments_page_sort_filter_and_export(app, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, date, datetime

    from backend.services import hall_clock, payments
    from backend.services.actor import Actor

    _orgs, people = three_members(build, db)
    for day, person in enumerate(people, start=2):
        outcome = payments.pay(
            db, Actor.system("t"), build.settings.dues, person, idempotency_key=f"list-pay-{day}",
            months=[f"{YEAR}-04"], today=date(YEAR, 4, day),
        )  # fmt: skip
        outcome.payment.created_at = hall_clock.stored(datetime(YEAR, 4, day, 2, tzinfo=UTC))
    db.commit()
    app.config["CONSOLE_PER_PAGE"] = 2
    client = sign_in("admin")
    url = f"/console/finance/payments?start={YEAR}-04-01&end={YEAR}-04-30"
    html = page_text(client.get(url))
    assert len(rows_of(html, "payments-table")) == 2 and "共 3 条，第 1–2 条" in html
    assert '有效缴费合计 <strong id="payments-total">80.00</strong>' in html  # all 3, not a page
    html = page_text(client.get(url + "&page=2"))
    assert len(rows_of(html, "payments-table")) == 1 and "第 3–3 条" in html
    html = page_text(client.get(url + "&sort=amount&dir=asc"))
    assert cells(html, "payments-table", "name") == ["李四", "王五"]
    html = page_text(client.get(f"/console/finance/payments?start={YEAR}-04-03&end={YEAR}-04-30"))
    assert "共 2 条" in html
    # With no dates given, the filter shows the ones used: this month to today.
    html = page_text(client.get("/console/finance/payments"))
    today = hall_clock.today()
    assert f'value="{today.replace(day=1).isoformat()}"' in html
    assert f'value="{today.isoformat()}"' in html and 'type="date"' in html
    x = client.get(url + "&sort=amount&dir=desc&page=2&format=xlsx")
    body = [r for r in xlsx_rows(x.data) if r[2] in {"张三", "李四", "王五"}]
    assert [r[2] for r in body] == ["张三", "王五", "李四"]  # every page, in the chosen order
    assert [r[5] for r in body] == [50, 20, 10]  # amounts as numbers
    assert "filename*=UTF-8''" in x.headers["Content-Disposition"]


def test_waivers_page_sort_filter_and_export(app, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    _orgs, people = three_members(build, db)
    app.config["CONSOLE_PER_PAGE"] = 2
    clerk = sign_in("b1clerk")
    for person in people[:2]:
        r = clerk.post(
            "/console/finance/waivers/new",
            data={"member": person.card_no, "kind": "waive", "year": YEAR, "start_month": 5,
                  "end_month": 6, "reason": "重病住院", "evidence": "支部党员大会决议"},
        )  # fmt: skip
        assert r.status_code == 302
    clerk.post("/console/logout")
    client = sign_in("admin")
    html = page_text(client.get("/console/finance/waivers"))
    assert '<option value="open" selected>待审批</option>' in html  # the default, shown
    assert "共 2 条" in html
    html = page_text(client.get("/console/finance/waivers?state=approved"))
    assert "共 0 条" in html and "没有符合条件的减免申请" in html
    html = page_text(client.get("/console/finance/waivers?state=all&sort=member&dir=asc"))
    names = re.findall(r'<td class="name">(\S+?)<br>', html)
    assert names == sorted(p.name for p in people[:2])
    x = client.get("/console/finance/waivers?state=all&format=xlsx")
    assert sorted(r[0] for r in xlsx_rows(x.data) if r[0] in {"张三", "李四"}) == ["张三", "李四"]


def test_donations_page_sort_filter_and_export(app, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs, _people = three_members(build, db)
    app.config["CONSOLE_PER_PAGE"] = 2
    client = sign_in("admin")
    for n, amount in enumerate(["500", "20", "1000"], start=1):
        r = client.post(
            "/console/finance/fund/new",
            data={"donor_kind": "person", "donor_name": f"捐赠人{n}", "amount": amount,
                  "donated_on": f"{YEAR}-05-0{n}", "method": "cash",
                  "receiving_org_id": orgs["b1"].id},
        )  # fmt: skip
        assert r.status_code == 302
    html = page_text(client.get(f"/console/finance/fund?year={YEAR}"))
    assert len(rows_of(html, "donations-table")) == 2 and "共 3 条" in html
    assert 'data-page="last"' in html
    html = page_text(client.get(f"/console/finance/fund?year={YEAR}&sort=amount&dir=desc"))
    assert (
        html.index("捐赠人3") < html.index("捐赠人1")
        and "捐赠人2" not in html.split("fund-totals")[0]
    )
    assert "共 0 条" in page_text(client.get(f"/console/finance/fund?year={YEAR - 1}"))
    x = client.get(f"/console/finance/fund?year={YEAR}&sort=amount&dir=asc&format=xlsx")
    body = [r for r in xlsx_rows(x.data) if isinstance(r[5], int | float)]
    assert [r[5] for r in body] == [20, 500, 1000]


def test_batch_detail_is_paged_and_sorted(app, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, date, datetime

    from backend.services import hall_clock, payments
    from backend.services.actor import Actor

    orgs, people = three_members(build, db)
    for n, person in enumerate(people[:2]):
        outcome = payments.pay(
            db, Actor.system("t"), build.settings.dues, person, idempotency_key=f"batch-key-{n}",
            months=[f"{YEAR}-03", f"{YEAR}-04"], today=date(YEAR, 4, 3),
        )  # fmt: skip
        outcome.payment.created_at = hall_clock.stored(datetime(YEAR, 4, 3, 2, tzinfo=UTC))
    db.commit()
    client = sign_in("admin")
    r = client.post(
        "/console/finance/remittance",
        data={"org_id": orgs["g1"].id, "year": YEAR, "start_month": 1, "end_month": 6},
    )
    assert r.status_code == 302, page_text(r)
    batch_url = r.headers["Location"]
    app.config["CONSOLE_PER_PAGE"] = 3
    html = page_text(client.get(batch_url + "?sort=amount&dir=desc"))
    assert "共 4 条，第 1–3 条" in html
    assert cells(html, "batch-detail", "name") == ["张三", "张三", "李四"]
    assert "120.00" in html.split('id="batch-detail"')[1]  # the total covers every page
    html = page_text(client.get(batch_url + "?sort=amount&dir=desc&page=2"))
    assert cells(html, "batch-detail", "name") == ["李四"]
    x = client.get(batch_url + "?format=xlsx")
    assert sum(1 for r in xlsx_rows(x.data) if r[1] in {"张三", "李四"}) == 4


def test_reminders_page_sort_filter_and_export(app, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    from backend.services import hall_clock

    orgs = build.district()
    this_year = hall_clock.today().year
    big = build.member(orgs["b1"], name="欠多", monthly_fen=5000)
    small = build.member(orgs["b2"], name="欠少", monthly_fen=1000)
    paid = build.member(orgs["b1"], name="交清", monthly_fen=1000)
    for year in (this_year - 1, this_year):
        build.ledger(big, year)
        build.ledger(small, year)
        build.ledger(paid, year, paid_months=set(range(1, 13)))
    build.user(orgs["district"], "admin", Role.ADMIN)
    db.commit()
    app.config["CONSOLE_PER_PAGE"] = 1
    client = sign_in("admin")
    html = page_text(client.get("/console/finance/reminders?sort=arrears&dir=asc"))
    assert "共 2 条" in html and cells(html, "reminders-table", "name") == ["欠少"]
    assert re.search(r'<option value="\d+" selected>\S+ 示范区委', html)  # the default org
    html = page_text(client.get("/console/finance/reminders?sort=arrears&dir=asc&page=2"))
    assert cells(html, "reminders-table", "name") == ["欠多"] and "交清" not in html
    html = page_text(client.get(f"/console/finance/reminders?org_id={orgs['b2'].id}"))
    assert "共 1 条" in html and cells(html, "reminders-table", "name") == ["欠少"]
    x = client.get("/console/finance/reminders?sort=arrears&dir=desc&format=xlsx")
    body = [r for r in xlsx_rows(x.data) if r[1] in {"欠多", "欠少", "交清"}]
    assert [r[1] for r in body] == ["欠多", "欠少"] and isinstance(body[0][4], int)
    assert isinstance(body[0][5], int)  # the run of unpaid months beside the months owed
    assert body[0][6] > body[1][6] and "党费" in body[0][7]


def test_assessment_worksheet_pages_sorts_and_exports(app, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs, people = three_members(build, db)
    app.config["CONSOLE_PER_PAGE"] = 2
    client = sign_in("admin")
    url = f"/console/finance/assessment?org_id={orgs['c1'].id}&year={YEAR}"
    html = page_text(client.get(url + "&sort=name&dir=asc"))
    assert "共 3 名党员" in html and "共 3 条，第 1–2 条" in html
    assert cells(html, "worksheet-table", "name") == sorted(p.name for p in people)[:2]
    assert "无法核定" in html  # no base yet: the summary counts all three, the table shows two
    # The jump box sits outside the worksheet form (no nested forms).
    worksheet = html.split('<form method="post" id="worksheet">', 1)[1].split("</form>", 1)[0]
    assert 'class="jump"' not in worksheet and 'class="jump"' in html
    html = page_text(client.get(url + "&sort=name&dir=asc&page=2"))
    assert cells(html, "worksheet-table", "name") == sorted(p.name for p in people)[2:]
    x = client.get(url + "&sort=name&dir=desc&format=xlsx")
    body = [r for r in xlsx_rows(x.data) if r[1] in {p.name for p in people}]
    assert [r[1] for r in body] == sorted((p.name for p in people), reverse=True)
    assert all(r[5] in (50, 10, 20) for r in body)  # current amounts as numbers
