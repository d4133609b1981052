"""The development and 换届 endpoints over HTTP: a case opened and moved on by branch staff, a
refusal carrying the rule's name, the 党委's approval refused to a branch, terms due listed."""

from __future__ import annotations

from datetime import date, timedelta

from backend.services.dues_year import hall_today
from backend.services.idnumber import compose_id_number
from backend.services.probation import add_years
from backend.settings import DuesSettings
from tests.builders import PASSWORD

TODAY = hall_today(DuesSettings())


def _login(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json['token']}"}


def test_branch_staff_open_and_move_a_case_and_the_rules_are_named(client, build, db) -> None:
    orgs = build.district()
    contact = build.member(orgs["b1"], name="联系人")
    build.user(orgs["b1"], "zhibu")
    db.commit()
    h = _login(client, "zhibu")
    applied = TODAY - timedelta(days=100)
    r = client.post(
        "/api/v1/development/cases",
        headers=h,
        json={
            "org_id": orgs["b1"].id,
            "name": "申请人",
            "id_number": compose_id_number("110105", date(1995, 5, 5), 5),
            "applied_on": applied.isoformat(),
        },
    )
    assert r.status_code == 201, r.json
    case = r.json
    assert case["stage_label"] == "入党申请人" and "*" in case["id_number"]
    assert case["missing_materials"] == ["谈话记录"]
    base = f"/api/v1/development/cases/{case['id']}"
    r = client.post(f"{base}/talk", headers=h, json={"date": str(applied + timedelta(9))})
    assert r.status_code == 200, r.json
    r = client.post(f"{base}/advance", headers=h, json={"date": str(applied + timedelta(30))})
    assert r.status_code == 200 and r.json["stage"] == "activist", r.json
    client.post(f"{base}/people", headers=h, json={"contact_ids": [contact.id]})
    for key in ("recommendation", "activist_minutes", "assessment_form"):
        client.post(f"{base}/materials", headers=h, json={"key": key, "date": str(TODAY)})
    r = client.post(f"{base}/advance", headers=h, json={"date": str(TODAY)})
    assert r.status_code == 400
    assert r.json["code"] == "rule_activist_year"
    assert "入党积极分子经一年以上培养考察方可列为发展对象" in r.json["message"]
    # 思想汇报 due a quarter after becoming an activist: listed on the case.
    got = client.get(base, headers=h).json
    assert got["contacts"] == ["联系人"]
    assert [d["label"] for d in got["deadlines"]] == ["思想汇报到期"]
    # Approving admission is the 党委's.
    r = client.post(f"{base}/admit", headers=h, json={"date": str(TODAY)})
    assert r.status_code == 403 and r.json["code"] == "level_forbidden"
    rules = client.get("/api/v1/development/rules", headers=h).json
    assert "收到入党申请书后一个月内派人谈话" in {x["name"] for x in rules["time_rules"]}


def test_terms_due_and_an_election_over_http(client, build, db) -> None:
    orgs = build.district()
    secretary = build.member(orgs["b1"], name="书记甲")
    build.user(orgs["b1"], "zhibu")
    db.commit()
    h = _login(client, "zhibu")
    start = add_years(TODAY, -3) + timedelta(days=5)
    r = client.post(
        f"/api/v1/orgs/{orgs['b1'].id}/terms",
        headers=h,
        json={"term_start": str(start), "seats": [{"member_id": secretary.id, "post": "书记"}]},
    )
    assert r.status_code == 201, r.json
    assert r.json["due_on"] == str(add_years(start, 3))
    due = client.get("/api/v1/terms", headers=h, query_string={"days": 30}).json["items"]
    assert [(t["org_name"], t["days_left"]) for t in due] == [("幸福社区第一党支部", 5)]
    r = client.post(
        f"/api/v1/orgs/{orgs['b2'].id}/terms", headers=h, json={"term_start": str(TODAY)}
    )
    assert r.status_code == 404  # another branch: outside the user's subtree
