"""The console's other lists at district scale (audit log, users, honors, the warnings board),
through the test client on both databases: paged in SQL, sorted on whitelisted columns, exported
as xlsx. Helpers and the dues lists: ``test_console_lists``."""

from __future__ import annotations

import re

from backend.models import Role
from tests.console.conftest import page_text
from tests.console.test_console_lists import NAMES, rows_of, three_members, xlsx_rows


def test_audit_log_pages_sorts_filters_and_exports(app, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    three_members(build, db)
    app.config["CONSOLE_PER_PAGE"] = 2
    client = sign_in("admin")
    html = page_text(client.get("/console/audit?group=member."))
    assert "共 3 条" in html and len(re.findall(r'<tr data-id="', html)) == 2
    assert 'aria-sort="descending"' in html  # newest first, and the header says so
    ids = [int(i) for i in re.findall(r'<tr data-id="(\d+)"', html)]
    assert ids == sorted(ids, reverse=True)
    html = page_text(client.get("/console/audit?group=member.&sort=at&dir=asc&page=2"))
    assert "第 3–3 条" in html
    assert 'name="start" type="date"' in html.replace('id="f-start" ', "")
    x = client.get("/console/audit?group=member.&format=xlsx")
    body = [r for r in xlsx_rows(x.data) if r[3] == "登记党员"]
    assert len(body) == 3 and all(isinstance(r[0], int) for r in body)


def test_the_warnings_board_previews_and_links_to_the_paged_lists(build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    from backend.services import hall_clock

    orgs = build.district()
    this_year = hall_clock.today().year
    for i in range(23):
        member = build.member(orgs["b1"], name=f"欠交{NAMES[i]}", monthly_fen=1000)
        build.ledger(member, this_year - 1)
        build.ledger(member, this_year)
    build.user(orgs["district"], "admin", Role.ADMIN)
    db.commit()
    client = sign_in("admin")
    html = page_text(client.get("/console/warnings"))
    assert len(rows_of(html, "final-table")) == 20 and "共 23 人，仅列出前 20 人" in html
    assert 'id="final-all"' in html and "behind=ge6" in html
    html = page_text(client.get("/console/members?behind=ge6"))
    assert "共 23 条" in html


def test_users_list_sorts_pages_and_exports(app, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    three_members(build, db)  # admin, b1clerk, b1secretary
    app.config["CONSOLE_PER_PAGE"] = 2
    client = sign_in("admin")
    html = page_text(client.get("/console/users?sort=username&dir=desc"))
    names = re.findall(r'/console/users/\d+">([^<]+)</a>', html)
    assert names == ["b1secretary", "b1clerk"] and "共 3 条" in html
    html = page_text(client.get("/console/users?sort=username&dir=desc&page=2"))
    assert re.findall(r'/console/users/\d+">([^<]+)</a>', html) == ["admin"]
    x = client.get("/console/users?sort=username&format=xlsx")
    assert [r[0] for r in xlsx_rows(x.data)[2:]] == ["admin", "b1clerk", "b1secretary"]


def test_honors_list_sorts_and_exports(app, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs, _people = three_members(build, db)
    client = sign_in("admin")
    for year in (2023, 2025, 2024):
        r = client.post(
            "/console/honors/new",
            data={"year": year, "title": "优秀共产党员", "kind": "person", "person_name": "李先锋",
                  "org_id": orgs["b1"].id, "awarding_body": "示范区委"},
        )  # fmt: skip
        assert r.status_code == 302, page_text(r)
    app.config["CONSOLE_PER_PAGE"] = 2
    html = page_text(client.get("/console/honors?sort=year&dir=asc"))
    table = html.split('id="honor-table"')[1].split("</table>")[0]
    assert re.findall(r'<tr data-entry="\d+">\s*<td>(\d+)</td>', table) == ["2023", "2024"]
    x = client.get("/console/honors?sort=year&dir=desc&format=xlsx")
    assert [r[0] for r in xlsx_rows(x.data)[2:]] == [2025, 2024, 2023]
