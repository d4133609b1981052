"""发展党员 and 换届 in the console: an application registered at the desk, a move refused with the
rule named, the deadline on the red-warnings page, an election recorded with its committee, and
the case page worked in Chromium."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from backend.models import CommitteeSeat, DevelopmentCase, Role
from backend.services.dues_year import hall_today
from backend.services.idnumber import compose_id_number
from backend.services.probation import add_years
from backend.settings import DuesSettings
from tests.console.conftest import LiveHall, browser_sign_in, page_text, shot

TODAY = hall_today(DuesSettings())


def test_a_case_at_the_desk_and_its_warning(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["b1"], "zhibu")
    build.user(orgs["district"], "shenji", Role.AUDITOR)
    db.commit()
    b1 = str(orgs["b1"].id)  # read before the test's session ends a transaction
    sign_in("zhibu")
    applied = TODAY - timedelta(days=120)
    r = client.post(
        "/console/development",
        data={
            "name": "王申请",
            "id_number": compose_id_number("110105", date(1999, 9, 9), 3),
            "org_id": b1,
            "applied_on": applied.isoformat(),
            "education": "大学本科",
        },
    )
    assert r.status_code == 302, page_text(r)
    case_id = db.scalar(select(DevelopmentCase.id))
    db.rollback()  # end the test's read before the console writes again
    # Too young: the rule is named next to the date and nothing is saved.
    r = client.post(
        "/console/development",
        data={
            "name": "未成年",
            "id_number": compose_id_number("110105", TODAY - timedelta(days=365 * 17), 5),
            "org_id": b1,
            "applied_on": TODAY.isoformat(),
        },
    )
    assert r.status_code == 400 and "年满十八周岁方可申请入党" in page_text(r)
    r = client.post(
        f"/console/development/{case_id}/talk",
        data={"date": (applied + timedelta(days=5)).isoformat()},
        follow_redirects=True,
    )
    assert "已保存" in page_text(r)
    r = client.post(
        f"/console/development/{case_id}/advance",
        data={"date": (applied + timedelta(days=10)).isoformat()},
        follow_redirects=True,
    )
    assert "已保存，当前为：入党积极分子" in page_text(r)
    r = client.post(
        f"/console/development/{case_id}/advance",
        data={"date": TODAY.isoformat()},
        follow_redirects=True,
    )
    html = page_text(r)
    assert "入党积极分子经一年以上培养考察方可列为发展对象" in html or "材料不全" in html
    warnings = page_text(client.get("/console/warnings"))
    assert "发展党员到期事项" in warnings and "思想汇报到期" in warnings and "王申请" in warnings

    client.post("/console/logout")
    sign_in("shenji")
    page = page_text(client.get(f"/console/development/{case_id}"))
    assert "王申请" in page and "form-advance" not in page  # the auditor reads, never moves


def test_an_election_is_recorded_with_its_committee(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    secretary = build.member(orgs["b1"], name="李书记")
    deputy = build.member(orgs["b1"], name="赵副书记", birth=date(1982, 4, 4))
    build.user(orgs["b1"], "zhibu")
    db.commit()
    b1, secretary_id, deputy_id = orgs["b1"].id, secretary.id, deputy.id
    sign_in("zhibu")
    start = add_years(TODAY, -3) + timedelta(days=10)
    r = client.post(
        f"/console/terms/{b1}",
        data={
            "term_start": start.isoformat(),
            "with_committee": "1",
            "seat_member": [str(deputy_id), str(secretary_id), ""],
            "seat_post": ["副书记", "书记", ""],
        },
    )
    assert r.status_code == 302, page_text(r)
    seats = {s.member_id: s.post for s in db.scalars(select(CommitteeSeat))}
    assert seats == {secretary_id: "书记", deputy_id: "副书记"}
    db.rollback()
    overview = page_text(client.get("/console/terms"))
    assert "幸福社区第一党支部" in overview and str(add_years(start, 3).year) in overview
    warnings = page_text(client.get("/console/warnings"))
    assert "党组织换届提醒" in warnings and "幸福社区第一党支部" in warnings
    roster = page_text(client.get("/console/members"))
    assert roster.index("李书记") < roster.index("赵副书记")


def test_work_a_case_in_the_browser(live_hall: LiveHall, page) -> None:  # type: ignore[no-untyped-def]
    build = live_hall.build
    orgs = build.district()
    build.member(orgs["b1"], name="联系人丙")
    build.user(orgs["b1"], "zhibu")
    live_hall.commit()
    browser_sign_in(page, live_hall, "zhibu")
    page.wait_for_url("**/console/")
    page.click("nav >> text=发展党员")
    page.fill("#f-name", "陈积极")
    page.fill("#f-id_number", compose_id_number("110105", date(1998, 1, 8), 11))
    page.select_option("#f-org_id", str(orgs["b1"].id))
    page.fill("#f-applied_on", (TODAY - timedelta(days=40)).isoformat())
    page.click("#case-form button[type=submit]")
    assert "已登记陈积极的入党申请" in page.inner_text(".flash.success")
    assert "入党谈话到期" in page.inner_text("#deadlines")
    page.click("#form-advance button")
    assert "须先登记入党谈话" in page.inner_text(".flash.error")
    page.click("#form-talk button")
    page.click("#form-advance button")
    assert page.inner_text("#stage") == "入党积极分子"
    page.select_option("select[name=contact_ids]", label="联系人丙")
    page.click("#form-people button")
    assert "已保存培养联系人和入党介绍人" in page.inner_text(".flash.success")
    assert "联系人丙" in page.inner_text("#dates-table")
    shot(page, "development-case-01")
