"""The honor roll: entries with and without photo consent, donors with and without consent."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.errors import Forbidden, Invalid
from backend.models import AuditEntry
from backend.services import honors
from backend.services.actor import Actor
from backend.services.media import NewMedia
from tests.backend.test_disclosure_helpers import PNG_1PX
from tests.builders import SYSTEM

BODY = "中共示范区委员会"


def _roll(build, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="王淑芬")
    consenting = honors.add_honor(
        db,
        SYSTEM,
        kind="person",
        title="优秀共产党员",
        year=2025,
        awarding_body=BODY,
        org=orgs["b1"],
        member=member,
        citation="义务辅导社区青少年八年。",
        photo=NewMedia("wang.png", PNG_1PX),
        photo_consent=True,
    )
    private = honors.add_honor(
        db,
        SYSTEM,
        kind="person",
        title="优秀共产党员",
        year=2025,
        awarding_body=BODY,
        org=orgs["b2"],
        person_name="陈立新",
        citation="防汛抢险冲在一线。",
        photo=NewMedia("chen.png", PNG_1PX),
        photo_consent=False,
    )
    honors.add_honor(
        db,
        SYSTEM,
        kind="person",
        title="优秀党务工作者",
        year=2026,
        awarding_body="中共第一街道工作委员会",
        org=orgs["g1"],
        person_name="赵文斌",
        unit_name="幸福社区党总支组织委员",
    )
    honors.add_honor(
        db,
        SYSTEM,
        kind="organization",
        title="先进基层党组织",
        year=2025,
        awarding_body=BODY,
        org=orgs["b3"],
        citation="机关党建与业务深度融合。",
    )
    for name, fen, consent in (
        ("示范区建筑工程有限公司", 2_000_000, True),
        ("周国庆", 200_000, True),
        ("李卫东", 100_000, False),
        ("吴晓梅", 50_000, False),
    ):
        honors.add_donation(
            db,
            SYSTEM,
            donor_name=name,
            donor_kind="unit" if "公司" in name else "person",
            amount_fen=fen,
            donated_on=date(2026, 7, 1),
            receiving_org=orgs["district"],
            consent_public=consent,
        )
    key = build.device()
    db.commit()
    return orgs, consenting, private, key


def test_roll_groups_people_and_organizations_by_year_and_title(client, build, db) -> None:
    _orgs, consenting, private, key = _roll(build, db)
    r = client.get("/api/v1/kiosk/honors", headers={"X-Device-Key": key})
    assert r.status_code == 200
    body = r.json
    assert [(g["year"], g["title"]) for g in body["people"]] == [
        (2026, "优秀党务工作者"),
        (2025, "优秀共产党员"),
    ]
    zhao = body["people"][0]["entries"][0]
    assert zhao["name"] == "赵文斌" and zhao["unit"] == "幸福社区党总支组织委员"
    assert zhao["awarding_body"] == "中共第一街道工作委员会" and zhao["photo_url"] is None
    wang, chen = body["people"][1]["entries"]
    assert (wang["name"], wang["unit"]) == ("王淑芬", "幸福社区第一党支部")
    assert wang["citation"] == "义务辅导社区青少年八年。"
    assert wang["photo_url"] == f"/api/v1/kiosk/media/{consenting.photo_id}"
    assert chen["name"] == "陈立新" and chen["photo_url"] is None
    org_group = body["organizations"][0]
    assert (org_group["title"], org_group["year"]) == ("先进基层党组织", 2025)
    assert org_group["entries"][0]["name"] == "机关党支部"
    assert r.headers["Cache-Control"] == "private, max-age=30"
    cached = client.get(
        "/api/v1/kiosk/honors", headers={"X-Device-Key": key, "If-None-Match": r.headers["ETag"]}
    )
    assert cached.status_code == 304


def test_a_photo_without_consent_is_never_served(client, build, db) -> None:
    _orgs, consenting, private, key = _roll(build, db)
    headers = {"X-Device-Key": key}
    shown = client.get(f"/api/v1/kiosk/media/{consenting.photo_id}", headers=headers)
    assert shown.status_code == 200 and shown.data == PNG_1PX
    hidden = client.get(f"/api/v1/kiosk/media/{private.photo_id}", headers=headers)
    assert hidden.status_code == 404
    assert hidden.json["message"] == "图片或附件不存在或已撤下"
    # Consent withdrawn: the photo disappears from the roll and from the media URL.
    honors.update_honor(db, SYSTEM, consenting, photo_consent=False)
    db.commit()
    assert (
        client.get(f"/api/v1/kiosk/media/{consenting.photo_id}", headers=headers).status_code == 404
    )
    body = client.get("/api/v1/kiosk/honors", headers=headers).json
    assert all(e["photo_url"] is None for g in body["people"] for e in g["entries"])
    consent_rows = db.scalars(select(AuditEntry).where(AuditEntry.action == "honor.update")).all()
    assert consent_rows[-1].before["photo_consent"] is True
    assert consent_rows[-1].after["photo_consent"] is False


def test_donors_show_by_name_only_with_consent(client, build, db) -> None:
    _orgs, _c, _p, key = _roll(build, db)
    donors = client.get("/api/v1/kiosk/honors", headers={"X-Device-Key": key}).json["donors"]
    assert [(d["name"], d["kind_label"], d["amount"]) for d in donors["listed"]] == [
        ("示范区建筑工程有限公司", "单位", "20000.00"),
        ("周国庆", "个人", "2000.00"),
    ]
    assert donors["anonymous_count"] == 2 and donors["anonymous_total"] == "1500.00"
    assert donors["count"] == 4 and donors["total"] == "23500.00"
    page = client.get("/api/v1/kiosk/honors", headers={"X-Device-Key": key}).get_data(as_text=True)
    assert "李卫东" not in page and "吴晓梅" not in page and "1000.00" not in page


def test_hidden_entries_leave_the_roll(client, build, db) -> None:
    _orgs, consenting, _p, key = _roll(build, db)
    honors.update_honor(db, SYSTEM, consenting, visible=False)
    db.commit()
    body = client.get("/api/v1/kiosk/honors", headers={"X-Device-Key": key}).json
    names = [e["name"] for g in body["people"] for e in g["entries"]]
    assert "王淑芬" not in names and "陈立新" in names


def test_titles_match_the_kind_of_entry_and_scope_is_checked(db, build) -> None:
    orgs = build.district()
    with pytest.raises(Invalid) as wrong_kind:
        honors.add_honor(
            db,
            SYSTEM,
            kind="person",
            title="先进基层党组织",
            year=2025,
            awarding_body=BODY,
            org=orgs["b1"],
            person_name="某人",
        )
    assert wrong_kind.value.message == "“先进基层党组织”是授予党组织的称号"
    with pytest.raises(Invalid) as no_name:
        honors.add_honor(
            db,
            SYSTEM,
            kind="person",
            title="优秀共产党员",
            year=2025,
            awarding_body=BODY,
            org=orgs["b1"],
        )
    assert no_name.value.message == "请填写受表彰人姓名"
    with pytest.raises(Invalid):
        honors.add_donation(
            db,
            SYSTEM,
            donor_name="某单位",
            amount_fen=0,
            donated_on=date(2026, 1, 1),
            receiving_org=orgs["c1"],
        )
    outsider = Actor.for_user(build.user(orgs["c2"], "c2-staff"))
    with pytest.raises(Exception) as out_of_scope:
        honors.add_honor(
            db,
            outsider,
            kind="organization",
            title="先进基层党组织",
            year=2025,
            awarding_body=BODY,
            org=orgs["b1"],
        )
    assert out_of_scope.value.code == "org_not_found"  # type: ignore[attr-defined]
    kiosk = Actor("device", 1, "kiosk:x")
    with pytest.raises(Forbidden):
        honors.add_donation(
            db,
            kiosk,
            donor_name="某人",
            amount_fen=100,
            donated_on=date(2026, 1, 1),
            receiving_org=orgs["c1"],
        )
