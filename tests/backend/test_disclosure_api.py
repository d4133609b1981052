"""The kiosk's disclosure board over HTTP: who sees which tier, caching, items and images."""

from __future__ import annotations

from datetime import date, timedelta

from backend.services import disclosure, disclosure_workflow
from backend.services.dues_year import hall_today
from backend.services.media import NewMedia
from backend.settings import DuesSettings
from tests.backend.test_disclosure_helpers import PNG_1PX, categories, published
from tests.builders import SYSTEM

# The board runs on the hall's calendar (Asia/Shanghai), not the server's UTC date.
TODAY = hall_today(DuesSettings())


def _board(build, db):  # type: ignore[no-untyped-def]
    """A district with one item of every kind, a member of branch b1 with a card, a kiosk."""
    orgs = build.district()
    categories(db)
    member = build.member(orgs["b1"], name="陈晓红")
    neighbour = build.member(orgs["b2"], name="周建国")
    uid = build.card(member)
    items = {
        "public": published(db, orgs["c1"], "街道党工委班子分工公示", category="组织设置与分工"),
        "party": published(db, orgs["c1"], "党工委理论学习中心组学习安排", tier="party"),
        "unit_own": published(db, orgs["b1"], "第一支部党费收缴情况", tier="unit"),
        "unit_parent": published(db, orgs["g1"], "总支委员会会议纪要", tier="unit"),
        "unit_sibling": published(db, orgs["b2"], "第二支部党费收缴情况", tier="unit"),
        "unit_other": published(db, orgs["b3"], "机关支部民主评议结果", tier="unit"),
        "concerned_own": published(
            db, orgs["b1"], "谈心谈话安排（本人）", tier="concerned", recipient_ids=(member.id,)
        ),
        "concerned_other": published(
            db, orgs["b2"], "谈心谈话安排（他人）", tier="concerned", recipient_ids=(neighbour.id,)
        ),
        "expired": published(
            db,
            orgs["c1"],
            "已过期的公示",
            publish_on=TODAY - timedelta(days=30),
            expires_on=TODAY - timedelta(days=1),
        ),
        "future": published(db, orgs["c1"], "明天才公开的通知", publish_on=TODAY + timedelta(1)),
    }
    withdrawn = published(db, orgs["c1"], "已撤回的公示")
    disclosure_workflow.withdraw(db, SYSTEM, withdrawn, reason="内容有误")
    items["withdrawn"] = withdrawn
    draft = disclosure.create_document(
        db,
        SYSTEM,
        org=orgs["c1"],
        category=items["public"].category,
        title="还在起草的内容",
        body_md="草稿",
    )
    items["draft"] = draft
    key = build.device()
    db.commit()
    return items, uid, key


def _session(client, key: str, uid: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key})
    assert r.status_code == 201
    return {"X-Device-Key": key, "X-Kiosk-Session": r.json["token"]}


def _titles(client, headers: dict[str, str], **params: object) -> set[str]:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/kiosk/disclosure", headers=headers, query_string=params)
    assert r.status_code == 200, r.json
    return {i["title"] for i in r.json["items"]}


def test_a_board_without_a_card_shows_only_the_public_tier(client, build, db) -> None:
    items, _uid, key = _board(build, db)
    headers = {"X-Device-Key": key}
    assert _titles(client, headers) == {"街道党工委班子分工公示"}
    for hidden in items.values():
        if hidden is not items["public"]:
            r = client.get(f"/api/v1/kiosk/disclosure/{hidden.id}", headers=headers)
            assert r.status_code == 404, hidden.title
            assert r.json["message"] == "该公开内容不存在或已撤下"
    counts = client.get("/api/v1/kiosk/disclosure/categories", headers=headers).json
    by_name = {c["name"]: c["count"] for c in counts["categories"]}
    assert by_name["组织设置与分工"] == 1 and by_name["政策文件"] == 0
    assert counts["total"] == 1 and len(counts["categories"]) == 15


def test_a_member_session_adds_party_and_own_unit_items_only(client, build, db) -> None:
    items, uid, key = _board(build, db)
    headers = _session(client, key, uid)
    assert _titles(client, headers) == {
        "街道党工委班子分工公示",
        "党工委理论学习中心组学习安排",
        "第一支部党费收缴情况",
        "总支委员会会议纪要",
        "谈心谈话安排（本人）",
    }
    for name in ("unit_sibling", "unit_other", "concerned_other", "withdrawn", "draft"):
        r = client.get(f"/api/v1/kiosk/disclosure/{items[name].id}", headers=headers)
        assert r.status_code == 404, name
    r = client.get(f"/api/v1/kiosk/disclosure/{items['unit_own'].id}", headers=headers)
    assert r.json["tier_label"] == "本组织内公开"
    assert r.json["organization"] == "幸福社区第一党支部"
    counts = client.get("/api/v1/kiosk/disclosure/categories", headers=headers).json
    assert counts["total"] == 5
    # Card removed: the kiosk ends the session and the board is public again.
    client.delete("/api/v1/kiosk/session", headers=headers)
    r = client.get("/api/v1/kiosk/disclosure", headers=headers)
    assert r.status_code == 401 and r.json["message"] == "查询已结束，请重新刷卡"


def test_list_is_newest_first_with_page_meta_and_category_filter(client, build, db) -> None:
    orgs = build.district()
    categories(db)
    for n in range(1, 6):
        published(
            db, orgs["c1"], f"党课安排第{n}期", category="党课安排", publish_on=date(2026, 3, n)
        )
    published(db, orgs["c1"], "另一栏目", category="党史资料", publish_on=date(2026, 3, 9))
    key = build.device()
    db.commit()
    r = client.get(
        "/api/v1/kiosk/disclosure",
        headers={"X-Device-Key": key},
        query_string={"category": "party_lectures", "page": 2, "per_page": 2},
    )
    body = r.json
    assert [i["title"] for i in body["items"]] == ["党课安排第3期", "党课安排第2期"]
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (2, 2, 5, 3)
    assert body["category"]["name"] == "党课安排"
    first = body["items"][0]
    assert first["date"] == "2026-03-03" and first["organization"] == "第一街道党工委"
    assert first["summary"] == "正文第一段。"
    beyond = client.get(
        "/api/v1/kiosk/disclosure",
        headers={"X-Device-Key": key},
        query_string={"category": "party_lectures", "page": 9, "per_page": 2},
    ).json
    assert beyond["items"] == [] and beyond["total"] == 5
    bad = client.get(
        "/api/v1/kiosk/disclosure", headers={"X-Device-Key": key}, query_string={"per_page": 500}
    )
    assert bad.status_code == 400
    unknown = client.get(
        "/api/v1/kiosk/disclosure", headers={"X-Device-Key": key}, query_string={"category": "nope"}
    )
    assert unknown.status_code == 404 and unknown.json["message"] == "没有这个公开栏目"


def test_etag_answers_304_until_something_is_published(client, build, db) -> None:
    orgs = build.district()
    categories(db)
    published(db, orgs["c1"], "第一条公示")
    key = build.device()
    db.commit()
    headers = {"X-Device-Key": key}
    first = client.get("/api/v1/kiosk/disclosure", headers=headers)
    etag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, max-age=30"
    again = client.get("/api/v1/kiosk/disclosure", headers=headers | {"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    published(db, orgs["c1"], "第二条公示")
    db.commit()
    fresh = client.get("/api/v1/kiosk/disclosure", headers=headers | {"If-None-Match": etag})
    assert fresh.status_code == 200 and fresh.headers["ETag"] != etag
    assert [i["title"] for i in fresh.json["items"]] == ["第二条公示", "第一条公示"]


def test_document_reads_as_blocks_with_its_own_images(client, build, db) -> None:
    orgs = build.district()
    categories(db)
    document = published(
        db,
        orgs["b1"],
        "主题党日活动",
        category="三会一课/主题党日",
        tier="party",
        body="## 活动情况\n\n全体党员参加。\n\n![合影](photos/a.png)",
        files=(
            NewMedia("a.png", PNG_1PX, ref="photos/a.png"),
            NewMedia("签到表.xlsx", b"PK\x03\x04xlsx", attachment=True),
        ),
    )
    member = build.member(orgs["b2"], name="赵敏")
    uid = build.card(member)
    key = build.device()
    db.commit()
    public = {"X-Device-Key": key}
    assert client.get(f"/api/v1/kiosk/disclosure/{document.id}", headers=public).status_code == 404
    headers = _session(client, key, uid)
    body = client.get(f"/api/v1/kiosk/disclosure/{document.id}", headers=headers).json
    assert body["blocks"][:2] == [
        {"type": "heading", "text": "活动情况", "level": 2, "url": None},
        {"type": "paragraph", "text": "全体党员参加。", "level": None, "url": None},
    ]
    image = body["blocks"][2]
    assert image["type"] == "image" and image["text"] == "合影"
    assert body["attachments"][0]["name"] == "签到表.xlsx"
    # The image of a Party-wide item needs the member's session, like the item itself.
    assert client.get(image["url"], headers=public).status_code == 404
    r = client.get(image["url"], headers=headers)
    assert r.status_code == 200 and r.data == PNG_1PX and r.mimetype == "image/png"
    assert (
        client.get(image["url"], headers=headers | {"If-None-Match": r.headers["ETag"]}).status_code
        == 304
    )
    attachment = client.get(body["attachments"][0]["url"], headers=headers)
    disposition = attachment.headers["Content-Disposition"]
    assert "attachment" in disposition
    # A raw Chinese name cannot travel in an HTTP header (real servers drop the connection):
    # the name goes RFC 5987-encoded and the header itself is plain ASCII.
    disposition.encode("ascii")
    assert "filename*=UTF-8''%E7%AD%BE%E5%88%B0%E8%A1%A8.xlsx" in disposition
    # Withdrawn: the item and its image are gone at once.
    disclosure_workflow.withdraw(db, SYSTEM, document, reason="更正")
    db.commit()
    assert client.get(image["url"], headers=headers).status_code == 404
