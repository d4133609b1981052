"""Honor services (党员荣誉服务, window 11): eligibility by each rule, the once-a-year free use,
the 荣誉服务通知单 decoded back from the printer's bytes with its QR code verified, 补打, scope
and audit (docs/honor-services.md)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.models import (
    AuditEntry,
    HonorKind,
    HonorOffer,
    Member,
    MemberStatus,
    Role,
    VolunteerActivity,
    VolunteerParticipation,
    VolunteerTeam,
)
from backend.services import (
    honor_service_rules,
    honor_service_uses,
    honor_services,
    honors,
)
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from tests.backend.test_transfers_api import login
from tests.builders import SYSTEM, Builders
from tests.devices.escpos_decoder import decode, lines, native_qrs

TODAY = date(2026, 7, 15)


def printed(document: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The lines and QR codes the printer prints for the document."""
    from devices.printer import PrintDocument, PrinterProfile, render_escpos

    items = decode(render_escpos(PrintDocument.from_dict(document), PrinterProfile()))
    return [line.strip() for line in lines(items)], [q.data.decode() for q in native_qrs(items)]


@pytest.fixture
def orgs(build: Builders) -> dict[str, Any]:
    return build.district()


@pytest.fixture
def park(db, orgs) -> HonorOffer:  # type: ignore[no-untyped-def]
    venue = honor_services.save_venue(
        db,
        SYSTEM,
        org=orgs["district"],
        name="示范区革命历史纪念馆",
        address="示范区和平路8号",
        contact_name="刘馆长",
        contact_phone="010-66668888",
    )
    return honor_services.save_offer(
        db, SYSTEM, venue=venue, title="免费参观一次", schedule="周二至周日 9:00-17:00"
    )


@pytest.fixture
def veteran(build: Builders, orgs) -> Member:  # type: ignore[no-untyped-def]
    return build.member(orgs["b1"], name="王老党", birth=date(1945, 3, 2), joined=date(1970, 7, 1))


@pytest.fixture
def volunteers(db, orgs) -> Callable[[Member, int], None]:  # type: ignore[no-untyped-def]
    """Log ``minutes`` of volunteer service for a member, in two activities of this year and
    one of last year (which must not count)."""
    team = VolunteerTeam(org_id=orgs["district"].id, name="红马甲", leader="刘队长", created_by="t")
    db.add(team)
    db.flush()

    def served(member: Member, minutes: int) -> None:
        for held_on, share in ((date(2025, 12, 20), 600), (date(2026, 3, 1), minutes // 2),
                               (date(2026, 6, 1), minutes - minutes // 2)):  # fmt: skip
            activity = VolunteerActivity(
                team_id=team.id, held_on=held_on, place="社区", description="服务",
                minutes=share, created_by="t",
            )  # fmt: skip
            db.add(activity)
            db.flush()
            db.add(
                VolunteerParticipation(
                    activity_id=activity.id,
                    member_id=member.id,
                    minutes=share,
                    via="staff",
                    recorded_by="t",
                )  # fmt: skip
            )
        db.flush()

    return served


def labels(db, member: Member, today: date = TODAY) -> list[str]:  # type: ignore[no-untyped-def]
    return [r.kind for r in honor_service_rules.reasons(db, member, today)]


def eligible_names(db, actor: Actor = SYSTEM, today: date = TODAY) -> set[str]:  # type: ignore[no-untyped-def]
    stmt = honor_service_rules.eligible_members(db, actor, today)
    return {m.name for m in db.scalars(stmt)}


def test_eligibility_by_each_rule(db, build, orgs, veteran, volunteers) -> None:  # type: ignore[no-untyped-def]
    young = build.member(orgs["b1"], name="李青年", joined=date(2010, 7, 1))
    model = build.member(orgs["b2"], name="赵模范", joined=date(2012, 7, 1))
    helper = build.member(orgs["b3"], name="孙志愿", joined=date(2015, 7, 1))
    probationer = build.member(
        orgs["b1"],
        name="钱预备",
        birth=date(1945, 1, 1),
        joined=date(1970, 1, 1),
        status=MemberStatus.PROBATIONARY,
    )
    honors.add_honor(
        db, SYSTEM, kind=HonorKind.PERSON, title="优秀共产党员", year=2024,
        awarding_body="示范区委", org=model.org, member=model, today=TODAY,
    )  # fmt: skip
    # No volunteer data yet: the volunteer rule finds no one.
    assert eligible_names(db) == {"王老党", "赵模范"}
    volunteers(helper, 25 * 60)
    volunteers(young, 19 * 60 + 30)  # short of 20 hours, though last year's 10 would make it
    assert labels(db, veteran) == ["veteran"]
    assert labels(db, model) == ["model"]
    assert labels(db, helper) == ["volunteer"]
    assert labels(db, young) == [] and labels(db, probationer) == []
    assert eligible_names(db) == {"王老党", "赵模范", "孙志愿"}
    # Each figure is a setting: a commendation counts 5 years by default, 2 after the change.
    honor_service_rules.set_rule(db, SYSTEM, "model", enabled=True, threshold=2)
    assert labels(db, model) == []
    assert labels(db, model, date(2025, 12, 31)) == ["model"]
    honor_service_rules.set_rule(db, SYSTEM, "veteran", enabled=True, threshold=57)
    assert labels(db, veteran) == []  # 党龄 56 on 15 July 2026
    honor_service_rules.set_rule(db, SYSTEM, "volunteer", enabled=False, threshold=20)
    assert eligible_names(db) == set()
    with pytest.raises(Invalid, match="须在1到100之间"):
        honor_service_rules.set_rule(db, SYSTEM, "veteran", enabled=True, threshold=0)
    changes = db.scalars(
        select(AuditEntry.entity_id)
        .where(AuditEntry.action == "honor_rule.update")
        .order_by(AuditEntry.id)
    ).all()
    assert changes == ["model", "veteran", "volunteer"]


def test_veteran_years_count_from_the_full_membership_day(db, build, orgs) -> None:  # type: ignore[no-untyped-def]
    member = build.member(orgs["b1"], name="周老", birth=date(1950, 1, 1), joined=date(1976, 7, 16))
    assert labels(db, member) == []  # 党龄 49 until tomorrow
    assert labels(db, member, date(2026, 7, 16)) == ["veteran"]


def test_a_second_use_in_the_year_is_refused(db, park, veteran) -> None:  # type: ignore[no-untyped-def]
    use = honor_service_uses.issue(db, SYSTEM, veteran, park.id, today=TODAY)
    assert (use.notice_no, use.use_no, use.basis) == ("2026000001", 1, "老党员")
    with pytest.raises(Conflict) as refused:
        honor_service_uses.issue(db, SYSTEM, veteran, park.id, today=TODAY)
    assert refused.value.message == (
        "王*党2026年已享受过“示范区革命历史纪念馆·免费参观一次”（每年免费1次），本年度不能再次使用"
    )
    again = honor_service_uses.issue(db, SYSTEM, veteran, park.id, today=date(2027, 1, 4))
    assert (again.notice_no, again.year) == ("2027000001", 2027)


def test_an_offer_with_two_free_uses_and_the_not_eligible(db, build, orgs, park, veteran) -> None:  # type: ignore[no-untyped-def]
    honor_services.save_offer(
        db, SYSTEM, venue=park.venue, offer=park, title=park.title, free_uses=2
    )
    for n in (1, 2):
        assert honor_service_uses.issue(db, SYSTEM, veteran, park.id, today=TODAY).use_no == n
    with pytest.raises(Conflict, match="每年免费2次"):
        honor_service_uses.issue(db, SYSTEM, veteran, park.id, today=TODAY)
    young = build.member(orgs["b1"], name="李青年", joined=date(2010, 7, 1))
    with pytest.raises(Conflict, match="李\\*年目前不符合荣誉服务的享受条件"):
        honor_service_uses.issue(db, SYSTEM, young, park.id, today=TODAY)


def test_the_unique_constraint_refuses_a_use_number_twice(db, park, veteran, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Two windows at the same moment: both counted no use yet, the database keeps one."""
    honor_service_uses.issue(db, SYSTEM, veteran, park.id, today=TODAY)
    real_count = honor_service_uses.used_count
    monkeypatch.setattr(honor_service_uses, "used_count", lambda *a: 0)  # the race, staged
    with pytest.raises(Conflict, match="本年度不能再次使用"):
        honor_service_uses.issue(db, SYSTEM, veteran, park.id, today=TODAY)
    assert real_count(db, park.id, veteran.id, 2026) == 1


def test_the_notice_printed_at_the_window_decoded_and_verified(  # type: ignore[no-untyped-def]
    client, build, db, orgs, park, veteran, settings
) -> None:
    build.user(orgs["district"], "chuangkou", Role.COUNTER)
    db.commit()
    headers = login(client, "chuangkou")
    r = client.post(
        "/api/v1/honor-services/uses",
        json={"member_id": veteran.id, "offer_id": park.id},
        headers=headers,
    )
    assert r.status_code == 201, r.json
    year = hall_today(settings.dues).year
    paper, qrs = printed(r.json["document"])
    assert paper[0] == "荣誉服务通知单"
    assert "示范区党员服务中心" in paper
    text = "\n".join(paper)
    for expected in (
        f"通知单编号 {year}000001",
        "党员 王*党",
        "享受条件 老党员",
        "合作单位 示范区革命历史纪念馆",
        "服务内容 免费参观一次",
        f"有效期 {year}年12月31日前",
        "开具方式 服务窗口",
    ):
        assert " ".join(expected.split()) in " ".join(text.split()), expected
    assert "王老党" not in text and veteran.id_number not in text
    (qr,) = qrs
    check = client.get(urlsplit(qr).path + "?format=json").json
    assert (check["status_label"], check["kind_label"]) == ("有效", "荣誉服务通知单")
    assert ["党员", "王*党"] in [[f["label"], f["value"]] for f in check["fields"]]
    forged = client.get(urlsplit(qr).path[:-1] + "0?format=json").json
    assert forged["status_label"] == "无效"
    # The second use at the window is refused with the reason, and nothing is counted.
    second = client.post(
        "/api/v1/honor-services/uses",
        json={"member_id": veteran.id, "offer_id": park.id},
        headers=headers,
    )
    assert second.status_code == 409 and "本年度不能再次使用" in second.json["message"]
    # 补打: the same notice, marked.
    use_id = r.json["use"]["id"]
    reprint = client.post(f"/api/v1/honor-services/uses/{use_id}/reprint", headers=headers)
    assert reprint.status_code == 200, reprint.json
    again, again_qrs = printed(reprint.json["document"])
    assert again[0] == "荣誉服务通知单（补打）"
    assert any(line.startswith("补打次数") and "第1次" in line for line in again)
    assert again_qrs == qrs
    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "honor_use")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == ["honor_use.create", "honor_use.reprint"]


def test_scope_and_roles(client, build, db, orgs, park, veteran) -> None:  # type: ignore[no-untyped-def]
    build.user(orgs["c2"], "other")
    build.user(orgs["district"], "shenji", Role.AUDITOR)
    build.user(orgs["district"], "chuangkou", Role.COUNTER)
    db.commit()
    body = {"member_id": veteran.id, "offer_id": park.id}
    other = client.post("/api/v1/honor-services/uses", json=body, headers=login(client, "other"))
    assert other.status_code == 404  # another 党委's member looks like no one
    auditor = client.post("/api/v1/honor-services/uses", json=body, headers=login(client, "shenji"))
    assert auditor.status_code == 403
    clerk = Actor.for_user(_user(db, "chuangkou"))
    with pytest.raises(Forbidden):
        honor_services.save_venue(db, clerk, org=orgs["district"], name="某体育馆")
    c2_staff = Actor.for_user(_user(db, "other"))
    with pytest.raises(NotFound):
        honor_services.get_venue(db, c2_staff, park.venue_id)
    # A venue kept by the district is open to every member below it; one kept by 第二街道 only
    # to that street's members.
    c2_venue = honor_services.save_venue(db, c2_staff, org=orgs["c2"], name="第二街道文化站")
    honor_services.save_offer(db, c2_staff, venue=c2_venue, title="免费使用活动室一次")
    assert [o.title for o in honor_services.offers_for(db, veteran)] == ["免费参观一次"]
    created = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.action.like("honor_%.create"))
        .order_by(AuditEntry.id)
    ).all()
    assert created == ["honor_venue.create", "honor_offer.create"] * 2


def _user(db, username: str):  # type: ignore[no-untyped-def]
    from backend.models import User

    return db.scalar(select(User).where(User.username == username))


def _kiosk(client, build: Builders, member: Member) -> dict[str, str]:  # type: ignore[no-untyped-def]
    uid = build.card(member)
    key = build.device()
    build.session.commit()
    r = client.post("/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key})
    assert r.status_code == 201, r.json
    return {"X-Device-Key": key, "X-Kiosk-Session": r.json["token"]}


def test_the_member_prints_their_own_notice_at_the_kiosk(  # type: ignore[no-untyped-def]
    client, build, db, orgs, park, veteran
) -> None:
    other = build.member(orgs["b1"], name="马老党", birth=date(1940, 1, 1), joined=date(1968, 7, 1))
    headers = _kiosk(client, build, veteran)
    standing = client.get("/api/v1/kiosk/session/honor-services", headers=headers).json
    assert standing["eligible"] and standing["name_masked"] == "王*党"
    (offer,) = standing["offers"]
    assert (offer["venue"], offer["left"], offer["use_ids"]) == ("示范区革命历史纪念馆", 1, [])
    r = client.post(
        "/api/v1/kiosk/session/honor-services/notice", json={"offer_id": park.id}, headers=headers
    )
    assert r.status_code == 201, r.json
    paper, _qrs = printed(r.json["document"])
    assert any("自助查询机" in line for line in paper)
    standing = client.get("/api/v1/kiosk/session/honor-services", headers=headers).json
    assert standing["offers"][0]["left"] == 0
    again = client.post(
        "/api/v1/kiosk/session/honor-services/notice", json={"offer_id": park.id}, headers=headers
    )
    assert again.status_code == 409 and "本年度不能再次使用" in again.json["message"]
    # Another member's notice is not this session's to reprint.
    theirs = honor_service_uses.issue(
        db, SYSTEM, other, park.id, today=hall_today(build.settings.dues)
    )
    db.commit()
    url = "/api/v1/kiosk/session/honor-services/uses/{}/reprint"
    assert client.post(url.format(theirs.id), headers=headers).status_code == 404
    mine = client.post(url.format(r.json["use"]["id"]), headers=headers)
    assert mine.status_code == 200 and mine.json["document"]["title"] == "荣誉服务通知单（补打）"
    # Without a card session nothing is shown.
    bare = {"X-Device-Key": headers["X-Device-Key"]}
    assert client.get("/api/v1/kiosk/session/honor-services", headers=bare).status_code == 401
