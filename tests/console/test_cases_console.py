"""Member cases in the console (docs/cases.md): accepted at the counter with the member's record
filled in, routed, answered by the routed branch, closed; the inbox filters and exports; an
overdue case on the red-warnings page; statistics with export."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from backend.models import Case, Role
from backend.services import cases, hall_clock
from backend.services.actor import Actor
from tests.console.conftest import page_text


def test_counter_accepts_desk_routes_branch_replies_desk_closes(client, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="孙就业")
    build.user(orgs["district"], "chuangkou", Role.COUNTER)
    build.user(orgs["c1"], "dangwei")
    build.user(orgs["b2"], "shequ")
    card_no, b2 = member.card_no, str(orgs["b2"].id)
    db.commit()
    sign_in("chuangkou")
    form = client.get(f"/console/cases/new?member={card_no}")
    assert "孙就业" in page_text(form) and "幸福社区第一党支部" in page_text(form)
    bad = client.post("/console/cases/new", data={"member": card_no, "case_type": "talk",
                                                   "topic": "反映问题"})  # fmt: skip
    assert bad.status_code == 400 and "请选择约谈对象" in page_text(bad)
    r = client.post(
        "/console/cases/new",
        data={"member": card_no, "case_type": "employment", "topic": "求职登记"},
    )
    assert r.status_code == 302
    found = db.query(Case).one()
    number, case_id = found.number, found.id
    db.rollback()  # the test's session must not hold SQLite's write lock while the app writes
    detail = page_text(client.get(r.headers["Location"]))
    assert number in detail and "受理回执" in detail and "/v/sl/" in detail
    assert "route-form" not in detail  # the counter accepts; routing is desk work
    client.post("/console/logout")

    sign_in("dangwei")
    r = client.post(f"/console/cases/{case_id}/route", data={"org_id": b2, "note": "社区就业岗"})
    assert r.status_code == 302
    routed = page_text(client.get(f"/console/cases/{case_id}"))
    assert "已转办" in routed and "转办至幸福社区第二党支部；社区就业岗" in routed
    client.post("/console/logout")

    sign_in("shequ")
    inbox = page_text(client.get("/console/cases?state=routed"))
    assert number in inbox and "孙就业" in inbox
    client.post(f"/console/cases/{case_id}/reply", data={"text": "已推荐社区公益岗位"})
    client.post("/console/logout")

    sign_in("dangwei")
    client.post(f"/console/cases/{case_id}/close", data={"outcome": "已上岗"})
    detail = page_text(client.get(f"/console/cases/{case_id}"))
    assert "已办结" in detail and "已推荐社区公益岗位" in detail
    export = client.get("/console/cases?state=all&format=xlsx")
    sheet = load_workbook(io.BytesIO(export.data)).active
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert number in values and "已推荐社区公益岗位" in values


def test_overdue_case_on_the_warnings_page_and_statistics(
    client, build, db, sign_in, settings
) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b3"], name="周转正")
    build.user(orgs["c2"], "jiguan")
    build.user(orgs["c1"], "dangwei")
    today = hall_clock.today()
    late = cases.accept(
        db,
        Actor.system("test"),
        settings.cases,
        member.id,
        case_type="hardship",
        today=today - timedelta(days=settings.cases.hardship_days + 1),
        topic="因病致困",
    )
    db.commit()
    sign_in("jiguan")
    board = page_text(client.get("/console/warnings"))
    assert "党员诉求逾期未答复" in board and late.number in board and "周转正" in board
    listed = page_text(client.get("/console/cases?state=overdue"))
    assert late.number in listed
    stats = page_text(client.get(f"/console/cases/stats?year={late.year}"))
    assert "机关党支部" in stats
    export = client.get(f"/console/cases/stats?year={late.year}&format=xlsx")
    assert export.status_code == 200
    client.post("/console/logout")
    sign_in("dangwei")  # another 党工委: sees neither the case nor its warning
    assert late.number not in page_text(client.get("/console/warnings"))
    assert client.get(f"/console/cases/{late.id}").status_code == 404
