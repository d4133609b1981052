"""Assessment through the API: the kiosk vote after a card tap (one per member and round), and a
yearly round's results published to the disclosure board and the honor roll as the kiosk reads
them (docs/appraisal.md)."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from backend.models import AppraisalSubject, DisclosureDocument
from backend.services import appraisal_rounds, appraisal_templates, disclosure_workflow
from backend.services.actor import Actor
from backend.services.disclosure_categories import ensure_default_categories
from backend.settings import AppraisalSettings
from tests.builders import PASSWORD, SYSTEM, Builders

TREE = [
    {
        "name": "工作实绩",
        "weight": 100,
        "children": [
            {"name": "完成情况", "weight": 100, "standard": "按完成情况评分"},
        ],
    }
]


def login(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json['token']}"}


def make_round(db, build: Builders, quarter: int | None):  # type: ignore[no-untyped-def]
    orgs = build.district()
    template = appraisal_templates.create_template(
        db, SYSTEM, kind="org", year=2026, name="测试", tree=TREE
    )
    settings = replace(AppraisalSettings(), excellent_quota_pct=50)
    round_ = appraisal_rounds.create_round(
        db,
        SYSTEM,
        settings,
        template=template,
        org=orgs["district"],
        year=2026,
        quarter=quarter,
        title="2026年度支部考核",
    )
    return orgs, round_


def test_a_member_votes_once_at_the_kiosk(client, db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    orgs, round_ = make_round(db, build, 1)
    member = build.member(orgs["b1"])
    uid = build.card(member)
    key = build.device()
    db.commit()
    r = client.post("/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key})
    headers = {"X-Device-Key": key, "X-Kiosk-Session": r.json["token"]}
    ballots = client.get("/api/v1/kiosk/appraisal/ballots", headers=headers).json["ballots"]
    assert ballots == [
        {
            "round_id": round_.id,
            "title": "2026年度支部考核",
            "org_name": "幸福社区第一党支部",
            "voted": False,
        }
    ]
    vote = {"round_id": round_.id, "choice": "satisfied"}
    r = client.post("/api/v1/kiosk/appraisal/votes", json=vote, headers=headers)
    assert r.status_code == 201 and r.json["message"].startswith("投票成功")
    again = client.post(
        "/api/v1/kiosk/appraisal/votes", json=vote | {"choice": "unsatisfied"}, headers=headers
    )
    assert again.status_code == 409 and "每人限投一次" in again.json["message"]
    assert client.get("/api/v1/kiosk/appraisal/ballots", headers=headers).json["ballots"][0][
        "voted"
    ]
    anonymous = client.post(
        "/api/v1/kiosk/appraisal/votes", json=vote, headers={"X-Device-Key": key}
    )
    assert anonymous.status_code == 401


def test_published_results_reach_the_board_and_the_honor_roll(client, db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    orgs, round_ = make_round(db, build, None)
    ensure_default_categories(db, SYSTEM)
    build.user(orgs["district"], "drafter")
    reviewer = build.user(orgs["district"], "reviewer")
    key = build.device()
    db.commit()
    staff = login(client, "drafter")
    subjects = {
        s.org_id: s.id
        for s in db.scalars(select(AppraisalSubject).where(AppraisalSubject.round_id == round_.id))
    }
    leaf_id = next(n.id for n in round_.template.nodes if n.is_leaf)
    round_id = round_.id
    by_code = {k: subjects[orgs[k].id] for k in ("b1", "b2", "b3")}
    db.rollback()  # the API's requests take the write lock
    for org, points in (("b1", "92"), ("b2", "70"), ("b3", "80")):
        r = client.post(
            f"/api/v1/appraisal/subjects/{by_code[org]}/scores",
            json={"node_id": leaf_id, "rater_kind": "superior", "points": points},
            headers=staff,
        )
        assert r.status_code == 201, r.json
    r = client.post(f"/api/v1/appraisal/rounds/{round_id}/score", headers=staff)
    assert [(s["name"], s["rank"], s["grade"]) for s in r.json["subjects"]] == [
        ("幸福社区第一党支部", 1, "优秀"),
        ("机关党支部", 2, "良好"),
        ("幸福社区第二党支部", 3, "合格"),
    ]
    r = client.post(f"/api/v1/appraisal/rounds/{round_id}/publish", headers=staff)
    assert r.status_code == 200 and r.json["honors"] == 1
    document = db.get(DisclosureDocument, r.json["disclosure_id"])
    checker = Actor.for_user(reviewer)
    disclosure_workflow.submit_review(db, SYSTEM, document)
    disclosure_workflow.approve(db, checker, document)
    disclosure_workflow.publish(db, checker, document)
    db.commit()

    board = client.get("/api/v1/kiosk/disclosure", headers={"X-Device-Key": key}).json
    item = next(i for i in board["items"] if i["title"] == "关于2026年度支部考核结果的公示")
    shown = client.get(f"/api/v1/kiosk/disclosure/{item['id']}", headers={"X-Device-Key": key})
    assert "幸福社区第一党支部" in str(shown.json) and "92.00" in str(shown.json)
    honors = client.get("/api/v1/kiosk/honors", headers={"X-Device-Key": key}).json
    assert [(g["title"], [e["name"] for e in g["entries"]]) for g in honors["organizations"]] == [
        ("先进基层党组织", ["幸福社区第一党支部"])
    ]


MEMBER_TREE = [
    {
        "name": "党员评议",
        "weight": 100,
        "children": [
            {"name": "发挥作用", "weight": 60, "standard": "按实际表现评分"},
            {"name": "遵守纪律", "weight": 40, "standard": "按实际表现评分"},
        ],
    }
]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def test_a_member_appraisal_round_through_the_api(client, db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    """民主评议党员: template and round made through the API, a self-assessment with its
    evidence, the branch's and the 党委's scores, names masked in the results."""
    import base64

    orgs = build.district()
    ensure_default_categories(db, SYSTEM)
    build.member(orgs["b1"], name="李先锋")
    build.member(orgs["b1"], name="王普通")
    build.user(orgs["c1"], "dangwei")
    build.user(orgs["b1"], "zhibu")
    db.commit()
    committee, branch = login(client, "dangwei"), login(client, "zhibu")
    r = client.post(
        "/api/v1/appraisal/templates",
        json={"kind": "member", "year": 2026, "name": "民主评议党员测评表", "tree": MEMBER_TREE},
        headers=committee,
    )
    assert r.status_code == 201 and r.json["version"] == 1
    leaves = {leaf["name"]: leaf for leaf in r.json["tree"][0]["children"]}
    assert set(leaves) == {"发挥作用", "遵守纪律"}
    template = client.get(f"/api/v1/appraisal/templates/{r.json['id']}", headers=branch).json
    r = client.post(
        "/api/v1/appraisal/rounds",
        json={
            "template_id": template["id"],
            "org_id": orgs["b1"].id,
            "year": 2026,
            "title": "2026年度民主评议党员",
            "rater_weights": {"self": 20, "peer": 30, "superior": 50},
        },
        headers=branch,
    )
    assert r.status_code == 201, r.json
    round_id = r.json["id"]
    result = client.get(f"/api/v1/appraisal/rounds/{round_id}", headers=branch).json
    assert [s["name"] for s in result["subjects"]] == ["李*锋", "王*通"]  # masked names
    ids = {s["name"]: s["id"] for s in result["subjects"]}
    node_ids = _leaf_ids(db, template["id"])
    evidence = client.post(
        f"/api/v1/appraisal/subjects/{ids['李*锋']}/evidence",
        json={
            "node_id": node_ids["发挥作用"],
            "filename": "志愿服务.png",
            "content_base64": base64.b64encode(PNG).decode(),
            "note": "社区志愿服务照片",
        },
        headers=branch,
    )
    assert evidence.status_code == 201, evidence.json
    for name, points in (("李*锋", "96"), ("王*通", "78")):
        for leaf in ("发挥作用", "遵守纪律"):
            for kind, headers in (("self", branch), ("superior", committee)):
                r = client.post(
                    f"/api/v1/appraisal/subjects/{ids[name]}/scores",
                    json={"node_id": node_ids[leaf], "rater_kind": kind, "points": points},
                    headers=headers,
                )
                assert r.status_code == 201, r.json
    r = client.post(f"/api/v1/appraisal/rounds/{round_id}/score", headers=branch)
    assert [(s["name"], s["score"], s["grade"]) for s in r.json["subjects"]] == [
        ("李*锋", "96.00", "良好"),  # two members: a 30 % quota admits no 优秀
        ("王*通", "78.00", "良好"),
    ]


def _leaf_ids(db, template_id: int) -> dict[str, int]:  # type: ignore[no-untyped-def]
    from backend.models import AppraisalNode

    ids = {
        n.name: n.id
        for n in db.scalars(select(AppraisalNode).where(AppraisalNode.template_id == template_id))
        if n.is_leaf
    }
    db.rollback()  # the API's requests take the write lock
    return ids


def test_an_excellent_member_goes_on_the_honor_roll(client, db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    from backend.services import appraisal_publish, appraisal_results

    orgs = build.district()
    ensure_default_categories(db, SYSTEM)
    build.member(orgs["b1"], name="李先锋")
    build.member(orgs["b1"], name="王普通")
    key = build.device()
    template = appraisal_templates.create_template(
        db, SYSTEM, kind="member", year=2026, name="民主评议", tree=MEMBER_TREE
    )
    settings = replace(AppraisalSettings(), excellent_quota_pct=50)
    round_ = appraisal_rounds.create_round(
        db,
        SYSTEM,
        settings,
        template=template,
        org=orgs["b1"],
        year=2026,
        quarter=None,
        title="2026年度民主评议党员",
    )
    subjects = db.scalars(select(AppraisalSubject).where(AppraisalSubject.round_id == round_.id))
    for subject in subjects:
        for leaf in (n for n in template.nodes if n.is_leaf):
            points = "95" if subject.member.name == "李先锋" else "80"
            appraisal_rounds.record_score(
                db, SYSTEM, subject, node_id=leaf.id, rater_kind="superior", points=points
            )
    appraisal_results.score_round(db, SYSTEM, settings, round_)
    publication = appraisal_publish.publish_round(db, SYSTEM, round_)
    assert publication.honors == 1
    assert "| 1 | 李*锋 | 95.00 | 优秀 |" in publication.document.body_md
    db.commit()
    honors = client.get("/api/v1/kiosk/honors", headers={"X-Device-Key": key}).json
    assert [(g["title"], [e["name"] for e in g["entries"]]) for g in honors["people"]] == [
        ("优秀共产党员", ["李先锋"])
    ]
