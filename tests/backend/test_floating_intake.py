"""Floating members arriving from elsewhere (流入的流动党员) over the API: registered with their
活动证 and host branch, kept out of the district's roll and ledger, refused with an expired card
or a card already registered, scoped to the host branch's subtree, their stay ended."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from backend.models import AuditEntry, DuesMonth, FloatingGuest, Member
from backend.services.idnumber import compose_id_number
from tests.backend.test_transfers_api import login
from tests.receiving import receiving_district


def _guest(host_id: int, today, **changes):  # type: ignore[no-untyped-def]
    body = {
        "name": "陈流入",
        "card_number": "44030000-2026-L0123",
        "home_org": "深圳市南山区某街道党工委",
        "home_place": "广东省深圳市",
        "host_org_id": host_id,
        "start_date": (today - timedelta(days=10)).isoformat(),
        "id_number": compose_id_number("440305", today.replace(year=1988), 37),
        "phone": "13600000000",
        "card_valid_until": (today + timedelta(days=200)).isoformat(),
    }
    return {**body, **changes}


def test_a_floating_member_from_elsewhere_is_recorded_but_not_in_the_roll(
    client, db, build
) -> None:  # type: ignore[no-untyped-def]
    world = receiving_district(build)
    b1, g1, today = world.orgs["b1"].id, world.orgs["g1"].id, world.today
    db.commit()
    members_before = db.scalar(select(func.count()).select_from(Member))
    ledger_before = db.scalar(select(func.count()).select_from(DuesMonth))
    db.rollback()
    counter = login(client, "counter")
    r = client.post("/api/v1/floating-guests", json=_guest(b1, today), headers=counter)
    assert r.status_code == 201, r.json
    g = r.json
    assert g["host_org"] == "幸福社区第一党支部" and g["sex"] == "男"
    assert g["card_number"] == "44030000-2026-L0123" and "*" in g["id_number"]
    # the same card twice
    again = client.post("/api/v1/floating-guests", json=_guest(b1, today), headers=counter)
    assert again.status_code == 409 and again.json["message"].startswith(
        "活动证44030000-2026-L0123已登记"
    )
    # an expired card
    expired = _guest(
        b1, today, card_number="X-1", card_valid_until=(today - timedelta(days=1)).isoformat()
    )
    r = client.post("/api/v1/floating-guests", json=expired, headers=counter)
    assert (
        r.status_code == 400 and "过期，请持经流出地党组织审验的有效活动证登记" in r.json["message"]
    )
    # a host that is not a branch
    r = client.post(
        "/api/v1/floating-guests",
        json=_guest(g1, today, card_number="X-2"),
        headers=counter,
    )
    assert r.status_code == 400 and r.json["message"] == "流动党员应编入一个党支部参加活动"
    # nothing of it in the district's roll or ledger
    db.expire_all()
    assert db.scalar(select(func.count()).select_from(Member)) == members_before
    assert db.scalar(select(func.count()).select_from(DuesMonth)) == ledger_before
    audit = db.scalar(select(AuditEntry).where(AuditEntry.action == "floating_guest.register"))
    assert audit is not None and "*" in audit.after["id_number"]
    db.rollback()
    # scope: the host branch and its 党委 see the guest, the other 党委 does not
    assert [
        x["name"]
        for x in client.get("/api/v1/floating-guests", headers=login(client, "b1staff")).json[
            "items"
        ]
    ] == ["陈流入"]
    assert (
        client.get("/api/v1/floating-guests", headers=login(client, "c2staff")).json["items"] == []
    )
    # the stay ends
    r = client.post(
        f"/api/v1/floating-guests/{g['id']}/leave", json={"reason": "返回原籍"}, headers=counter
    )
    assert r.status_code == 200 and r.json["left_on"] == today.isoformat()
    assert client.get("/api/v1/floating-guests", headers=counter).json["items"] == []
    listed = client.get("/api/v1/floating-guests?all=true", headers=counter).json["items"]
    assert [x["left_reason"] for x in listed] == ["返回原籍"]
    db.expire_all()
    assert db.get(FloatingGuest, g["id"]).left_on == today
