"""我的信息 at the kiosk (issue 15, item 4): the member's own record, masked, with their branch's
secretary and contact and its latest activities — and never anyone else's, whatever is sent."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from backend.models import MeetingKind, MemberStatus
from backend.services import meetings, org_info
from backend.services.dues_year import hall_today
from tests.backend.test_disclosure_helpers import categories, published
from tests.builders import SYSTEM

RECORD = "/api/v1/kiosk/session/record"


def _session(client, uid: str, key: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key})
    assert r.status_code == 201, r.json
    return {"X-Device-Key": key, "X-Kiosk-Session": r.json["token"]}


def _record(client, headers: dict[str, str], **kwargs: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = client.get(RECORD, headers=headers, **kwargs)
    assert r.status_code == 200, r.json
    return r.json


def test_the_member_reads_their_own_masked_record_and_their_branch(
    client, build, db, settings
) -> None:  # type: ignore[no-untyped-def]
    today = hall_today(settings.dues)
    district = build.district()
    b1, b2 = district["b1"], district["b2"]
    member = build.member(b1, name="欧阳小明", phone="13912345678")
    secretary = build.member(b1, name="陈建国")
    org_info.set_seat(db, SYSTEM, b1, secretary, "书记")
    categories(db)
    older = published(db, b1, "第一支部七月主题党日", tier="party", publish_on=today - timedelta(9))
    newer = published(db, b1, "第一支部党费收缴公示", tier="unit", publish_on=today - timedelta(2))
    published(db, b2, "第二支部组织生活会", tier="party")
    published(db, b1, "明天才公开的通知", publish_on=today + timedelta(1))
    for kind, topic, days_ago, recorded in (
        (MeetingKind.THEME_DAY, "重温入党誓词", 5, True),
        (MeetingKind.COMMITTEE, "支委会研究发展对象", 1, True),  # the committee's, not listed
        (MeetingKind.LECTURE, "下周的党课", -7, False),  # not held yet
    ):
        info = meetings.MeetingInput(kind, topic, today - timedelta(days_ago))
        meeting = meetings.plan_meeting(db, SYSTEM, b1.id, info)
        if recorded:
            meetings.record_meeting(db, SYSTEM, meeting, info, minutes="记录", present=[member.id])
    uid, key = build.card(member), build.device()
    db.commit()

    record = _record(client, _session(client, uid, key))

    assert (record["name_masked"], record["id_masked"]) == (
        "欧**明",
        member.id_number[:3] + "*" * 11 + member.id_number[-4:],
    )
    assert record["phone_masked"] == "139****5678"
    assert (record["org_name"], record["status_label"]) == ("幸福社区第一党支部", "正式")
    assert record["joined_on"] == member.joined_date.isoformat()
    assert record["party_age"] is not None and record["party_age"] >= 20
    assert record["secretary_masked"] == "陈*国"  # the 书记 seat before the record's 李书记
    assert record["contact_phone"] == "138****0001"  # the branch's phone is a mobile
    assert [(a["kind_label"], a["title"], a["ref_id"]) for a in record["activities"]] == [
        ("党务公开", newer.title, newer.id),
        ("主题党日", "重温入党誓词", None),
        ("党务公开", older.title, older.id),
    ]
    text = json.dumps(record, ensure_ascii=False)
    for secret in ("欧阳小明", member.id_number, "13912345678", "陈建国", "13800000001"):
        assert secret not in text


def test_probationary_member_has_no_party_age_and_an_office_phone_shows_whole(
    client, build, db
) -> None:  # type: ignore[no-untyped-def]
    branch = build.district()["b3"]
    branch.phone, branch.secretary = "010-87654321", None  # an office phone, no secretary
    member = build.member(branch, name="王芳", status=MemberStatus.PROBATIONARY)
    uid, key = build.card(member), build.device()
    db.commit()

    record = _record(client, _session(client, uid, key))

    assert (record["status_label"], record["party_age"]) == ("预备", None)
    assert record["full_member_on"] is None
    assert record["contact_phone"] == "010-87654321"
    assert (record["secretary_masked"], record["activities"]) == ("", [])


def test_a_session_token_never_yields_another_members_record(client, build, db) -> None:  # type: ignore[no-untyped-def]
    district = build.district()
    mine = build.member(district["b1"], name="张小明", phone="13911112222")
    other = build.member(district["b3"], name="赵大海", phone="13933334444")
    my_uid, other_uid = build.card(mine), build.card(other)
    kiosk_a, kiosk_b = build.device("kiosk-a"), build.device("kiosk-b")
    db.commit()
    headers = _session(client, my_uid, kiosk_a)

    # Whatever names the other member in the request, the answer is the session's own member.
    for extra in (
        {"query_string": {"member_id": other.id, "uid": other_uid, "card_no": other.card_no}},
        {"json": {"member_id": other.id, "uid": other_uid}},
    ):
        record = _record(client, headers, **extra)
        text = json.dumps(record, ensure_ascii=False)
        assert record["name_masked"] == "张*明" and record["org_name"] == "幸福社区第一党支部"
        for theirs in ("赵*海", "机关党支部", "139****4444", other.id_number[-4:], "赵大海"):
            assert theirs not in text

    # The token is bound to its kiosk: another kiosk's key with it gets nothing.
    stolen = {"X-Device-Key": kiosk_b, "X-Kiosk-Session": headers["X-Kiosk-Session"]}
    assert client.get(RECORD, headers=stolen).status_code == 401
    # No token, a made-up one: nothing.
    assert client.get(RECORD, headers={"X-Device-Key": kiosk_a}).status_code == 401
    made_up = {"X-Device-Key": kiosk_a, "X-Kiosk-Session": "x" * 32}
    assert client.get(RECORD, headers=made_up).status_code == 401
    # The next card on the same kiosk replaces the member: the old token answers nothing, the
    # new one answers only the new member.
    theirs = _session(client, other_uid, kiosk_a)
    r = client.get(RECORD, headers=headers)
    assert r.status_code == 401 and r.json["code"] == "session_expired"
    assert _record(client, theirs)["name_masked"] == "赵*海"
    # Ended (card removed): nothing either.
    assert client.delete("/api/v1/kiosk/session", headers=theirs).status_code == 204
    assert client.get(RECORD, headers=theirs).status_code == 401
