"""The honor roll in the console over HTTP (both databases): entries with photos shown on the
kiosk only with consent, visibility, refusals in Chinese, and the donors' consent."""

from __future__ import annotations

import io

from sqlalchemy import select

from backend.models import Donation, HonorEntry, Role
from backend.services import fund, hall_clock
from tests.backend.test_disclosure_helpers import PNG_1PX
from tests.builders import SYSTEM
from tests.console.conftest import page_text
from tests.console.test_disclosure_console import read


def _setup(build, db) -> dict:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["c1"], "c1staff", Role.ORG_STAFF)
    build.user(orgs["b3"], "b3staff", Role.ORG_STAFF)
    member = build.member(orgs["b1"], name="陈晓红")
    key = build.device()
    today = hall_clock.today()
    for name, org, consent in (("王捐赠", orgs["b1"], False), ("赵机关", orgs["b3"], True)):
        data = fund.DonationData(
            donor_name=name,
            amount_fen=50_000,
            donated_on=today,
            receiving_org_id=org.id,
            consent_public=consent,
        )
        fund.record_donation(db, SYSTEM, data, today=today)
    ids = {"b1": orgs["b1"].id, "c1": orgs["c1"].id, "member_no": member.member_no, "key": key}
    db.commit()
    return ids


def _honor_form(ids: dict, **changes: object) -> dict:
    form = {
        "kind": "person",
        "title": "优秀共产党员",
        "year": str(hall_clock.today().year),
        "awarding_body": "中共示范区委",
        "org_id": str(ids["b1"]),
        "person_name": "李先锋",
        "citation": "扎根社区二十年，带领党员志愿者服务群众。",
    }
    form.update({k: v for k, v in changes.items() if v is not None})
    return form


def _kiosk(client, key: str) -> dict:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/kiosk/honors", headers={"X-Device-Key": key})
    assert r.status_code == 200
    return r.json


def _entry_ids(db) -> list[int]:  # type: ignore[no-untyped-def]
    return read(db, lambda: list(db.scalars(select(HonorEntry.id).order_by(HonorEntry.id))))


def test_a_photo_shows_on_the_kiosk_only_with_consent(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    ids = _setup(build, db)
    key = ids["key"]
    sign_in("c1staff")
    form = _honor_form(ids)
    form["photo"] = (io.BytesIO(PNG_1PX), "li.png")
    r = client.post("/console/honors/new", data=form, follow_redirects=True)
    html = page_text(r)
    assert f"已将李先锋“优秀共产党员”（{hall_clock.today().year}年）列入光荣榜" in html
    assert "未同意公开" in html
    (entry_id,) = _entry_ids(db)
    person = _kiosk(client, key)["people"][0]["entries"][0]
    assert person["name"] == "李先锋" and person["unit"] == "幸福社区第一党支部"
    assert person["photo_url"] is None

    r = client.post(f"/console/honors/{entry_id}/consent", data={"on": "1"}, follow_redirects=True)
    assert "李先锋：已记录本人同意，查询机光荣榜显示照片" in page_text(r)
    photo_url = _kiosk(client, key)["people"][0]["entries"][0]["photo_url"]
    assert client.get(photo_url, headers={"X-Device-Key": key}).data == PNG_1PX
    assert client.get(f"/console/honors/{entry_id}/photo").data == PNG_1PX

    r = client.post(f"/console/honors/{entry_id}/visible", data={"on": "0"}, follow_redirects=True)
    assert "李先锋：已从光荣榜隐藏" in page_text(r)
    assert _kiosk(client, key)["people"] == []
    assert client.get(photo_url, headers={"X-Device-Key": key}).status_code == 404

    r = client.post(
        f"/console/honors/{entry_id}",
        data={"citation": "更正后的事迹。", "visible": "1"},
        follow_redirects=True,
    )
    assert "光荣榜条目已保存" in page_text(r)
    person = _kiosk(client, key)["people"][0]["entries"][0]
    assert person["citation"] == "更正后的事迹。" and person["photo_url"] is None


def test_entries_are_checked_and_members_named_from_the_roll(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    ids = _setup(build, db)
    sign_in("c1staff")
    r = client.post("/console/honors/new", data=_honor_form(ids, title="先进基层党组织"))
    assert r.status_code == 400
    assert "“先进基层党组织”是授予党组织的称号" in page_text(r)
    r = client.post("/console/honors/new", data=_honor_form(ids, person_name=""))
    assert "请填写受表彰人姓名" in page_text(r)
    r = client.post("/console/honors/new", data=_honor_form(ids, year="1900"))
    assert "表彰年度1900不正确" in page_text(r)
    form = _honor_form(ids, photo_consent="1")
    form["photo"] = (io.BytesIO(b"not a picture"), "li.png")
    r = client.post("/console/honors/new", data=form)
    assert "图片li.png不是PNG、JPEG、GIF或WebP图片" in page_text(r)
    assert _entry_ids(db) == []

    # Named from the roll: the member's own organization, whatever was picked in the list.
    form = _honor_form(ids, person_name="", member_no=ids["member_no"], org_id=str(ids["c1"]))
    client.post("/console/honors/new", data=form)
    group = _honor_form(ids, kind="organization", title="先进基层党组织", org_id=str(ids["c1"]))
    client.post("/console/honors/new", data=group)
    roll = _kiosk(client, ids["key"])
    people = [(e["name"], e["unit"]) for g in roll["people"] for e in g["entries"]]
    assert people == [("陈晓红", "幸福社区第一党支部")]
    assert [e["name"] for g in roll["organizations"] for e in g["entries"]] == ["第一街道党工委"]


def test_donors_consent_is_changed_here_and_scoped(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    ids = _setup(build, db)
    sign_in("c1staff")
    html = page_text(client.get("/console/honors"))
    assert "王捐赠" in html and "赵机关" not in html  # 赵机关 gave to another subtree
    assert "同意公开的 <b>1</b> 位捐赠人" in html
    donation_id = read(db, lambda: _donation_id(db, "王捐赠"))
    listed = _kiosk(client, ids["key"])["donors"]["listed"]
    assert [d["name"] for d in listed] == ["赵机关"]
    r = client.post(
        f"/console/honors/donations/{donation_id}/consent", data={"on": "1"}, follow_redirects=True
    )
    assert "已记录：王捐赠同意在光荣榜公开姓名和金额" in page_text(r)
    donors = _kiosk(client, ids["key"])["donors"]
    assert sorted(d["name"] for d in donors["listed"]) == ["王捐赠", "赵机关"]
    assert donors["anonymous_count"] == 0

    sign_in("b3staff")
    r = client.post(f"/console/honors/donations/{donation_id}/consent", data={"on": "0"})
    assert r.status_code == 404
    assert "未找到该捐赠记录，或不在您的管理范围内" in page_text(r)


def _donation_id(db, name: str) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(Donation.id).where(Donation.donor_name == name))
