"""Small defects district staff found in the console (issue 13, item 6), each with the page or
file a user sees: Chinese 404 pages, one rounding rule for percentages, date inputs, the audit
log in words."""

from __future__ import annotations

import re
from pathlib import Path

from flask import render_template

from backend.models import OrgType, Role
from backend.services.org_stats import OrgSummary
from backend.services.percent import percent_text
from tests.console.conftest import page_text


def test_unknown_console_addresses_get_the_chinese_error_page(build, db, client, sign_in) -> None:  # type: ignore[no-untyped-def]
    build.user(build.district()["district"], "admin", Role.ADMIN)
    db.commit()
    for url in ("/console/no-such-page", "/console/finance/nothing/here"):
        r = client.get(url)
        assert r.status_code == 404
        html = page_text(r)
        assert "页面不存在" in html and "Not Found" not in html and 'lang="zh-CN"' in html
    sign_in("admin")
    html = page_text(client.get("/console/members/not-a-number"))
    assert "页面不存在" in html and "Not Found" not in html
    # The JSON API keeps its JSON answer.
    assert client.get("/api/v1/no-such-thing").json["code"] == "http_404"


def test_a_share_rounds_the_same_in_the_text_and_the_chart(app) -> None:  # type: ignore[no-untyped-def]
    # 673 of 2000 is exactly 33.65 %: float formatting gave 33.6 % in the text, 33.7 % in the chart.
    summary = OrgSummary(
        org_counts={OrgType.BRANCH: 3}, members=2000, probationary=0, women=673, young=0,
        college=0, pre_1949=0,
    )  # fmt: skip
    with app.test_request_context("/console/"):
        html = render_template(
            "console/_org_summary.html", summary=summary, org=type("O", (), {"name": "示范区委"})
        )
    assert "女党员673名，占33.7%" in html
    assert "673（33.7%）" in html
    assert "33.6%" not in html
    assert percent_text(2, 3) == "66.7%" and percent_text(1, 8) == "12.5%"
    assert percent_text(0, 0) == "0.0%"


def test_date_fields_are_date_inputs(build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    db.commit()
    client = sign_in("admin")
    pages = {
        "/console/members/new": ["joined_date", "work_start_date", "full_member_date"],
        "/console/audit": ["start", "end"],
        "/console/finance/payments": ["start", "end"],
        "/console/finance/fund/new": ["donated_on"],
    }
    for url, names in pages.items():
        html = page_text(client.get(url))
        for name in names:
            assert re.search(rf'<input id="f-{name}" name="{name}" type="date"', html), (url, name)


def test_the_audit_log_names_people_and_labels_fields_in_chinese(build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    clerk = build.user(orgs["b1"], "b1clerk")
    member = build.member(orgs["b1"], name="欧阳明", monthly_fen=5000)
    db.commit()
    client = sign_in("admin")
    r = client.post(
        f"/console/users/{clerk.id}",
        data={"full_name": "王秀英", "role": "org_staff", "org_id": orgs["b1"].id, "active": "1"},
    )
    assert r.status_code == 302
    html = page_text(client.get("/console/audit?entity_type=user"))
    assert f"用户 {clerk.id}<" not in html and "用户 王秀英（b1clerk）" in html
    html = page_text(client.get("/console/audit?entity_type=member"))
    assert "党员 欧阳明" in html
    assert "<th>姓名</th>" in html or "<th>名称</th>" in html  # the field, labelled in Chinese
    assert "<th>月交党费（元）</th><td>50.00</td>" in html and "monthly_dues_fen" not in html
    assert '{"' not in html  # no raw JSON
    assert member.id


def test_names_in_the_ledger_do_not_wrap(build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    build.ledger(build.member(orgs["b1"], name="欧阳明"), 2025)
    db.commit()
    html = page_text(sign_in("admin").get("/console/finance/ledger?year=2025"))
    # The browser test measures the cell; here: the class that keeps it on one line.
    assert '<td class="name">欧阳明</td>' in html
    css = (Path(__file__).parents[2] / "backend/console/static/console.css").read_text("utf-8")
    assert re.search(r"table\.grid td\.name \{ white-space: nowrap; min-width: [^;]+; \}", css)
