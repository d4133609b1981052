"""Defects found when the hall was probed as a counter clerk would (issue 11, item 1 and 3), with
real data through the API: each call used to succeed; now it is refused and nothing changes,
while the desk staff the policy names can still do it (docs/roles.md)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.models import (
    DuesMonth,
    Member,
    RemittanceBatch,
    RemittanceState,
    Role,
    TransferNotice,
)
from backend.services import payments, transfer_in
from backend.services.dues_year import hall_today
from backend.services.idnumber import compose_id_number
from backend.services.members import MemberData
from tests.builders import PASSWORD, SYSTEM, Builders


def login(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.json
    return {"Authorization": f"Bearer {r.json['token']}"}


def refused(response) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code == 403, response.json
    assert response.json["code"] in ("role_forbidden", "level_forbidden")


@pytest.fixture
def hall(build: Builders, db, settings):  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["district"], "chuangkou", Role.COUNTER)
    build.user(orgs["district"], "shenji", Role.AUDITOR)
    build.user(orgs["district"], "quwei")
    build.user(orgs["c1"], "dangwei")
    build.user(orgs["b1"], "zhibu")
    member = build.member(orgs["b1"], name="张小明", monthly_fen=5000)
    today = hall_today(settings.dues)
    build.ledger(member, today.year)
    db.commit()
    return orgs, member, today


def test_the_counter_clerk_cannot_set_a_members_dues(client, db, hall) -> None:  # type: ignore[no-untyped-def]
    _orgs, member, today = hall
    body = {"monthly": "1.00", "from": f"{today.year}-01", "reason": "随意改低"}
    url = f"/api/v1/members/{member.id}/dues-amount"
    for who in ("chuangkou", "shenji"):
        refused(client.post(url, json=body, headers=login(client, who)))
    db.expire_all()
    assert db.get(Member, member.id).monthly_dues_fen == 5000
    dues = db.scalars(select(DuesMonth.due_fen).where(DuesMonth.member_id == member.id)).all()
    assert set(dues) == {5000}
    db.rollback()
    # the branch (the base organization) sets its members' amounts
    r = client.post(url, json={**body, "monthly": "60.00"}, headers=login(client, "zhibu"))
    assert r.status_code == 200, r.json
    assert r.json["monthly"] == "60.00" and r.json["months_updated"] == 12


def _transferred_in(db, settings, orgs, today: date) -> tuple[Member, TransferNotice]:  # type: ignore[no-untyped-def]
    data = MemberData(
        name="赵六",
        id_number=compose_id_number("110105", date(1990, 3, 8), 124),
        joined_date=date(2010, 7, 1),
        education="大学本科",
        phone="13700000000",
    )
    t = transfer_in.transfer_in(
        db,
        SYSTEM,
        settings,
        transfer_in.InRequest(data=data, org_id=orgs["b1"].id, from_name="外省某党委"),
        today=today,
    )
    db.commit()
    return db.get(Member, t.member_id), db.get(TransferNotice, t.notice_id)


def _assessment_notice(db, member: Member) -> TransferNotice:  # type: ignore[no-untyped-def]
    return next(
        n
        for n in db.scalars(select(TransferNotice))
        if n.kind.value == "assessment" and n.payload["members"][0]["member_id"] == member.id
    )


def test_only_the_committee_assesses_a_member_transferred_in(client, db, settings, hall) -> None:  # type: ignore[no-untyped-def]
    orgs, _member, today = hall
    newcomer, _ = _transferred_in(db, settings, orgs, today)
    notice = _assessment_notice(db, newcomer)
    notice_id, newcomer_id = notice.id, newcomer.id
    db.rollback()
    body = {"category": "employed", "base": "5100.00"}
    url = f"/api/v1/transfer-notices/{notice_id}/assess"
    refused(client.post(url, json=body, headers=login(client, "chuangkou")))
    refused(client.post(url, json=body, headers=login(client, "zhibu")))
    # nor around the notice, through the plain amount endpoint
    amount = {"monthly": "1.00", "from": f"{today.year}-{today.month:02d}", "reason": "改"}
    r = client.post(
        f"/api/v1/members/{newcomer_id}/dues-amount", json=amount, headers=login(client, "zhibu")
    )
    assert r.status_code == 403 and r.json["code"] == "level_forbidden"
    assert "党委或上级党组织" in r.json["message"]
    db.expire_all()
    assert db.get(Member, newcomer_id).monthly_dues_fen is None
    assert db.get(TransferNotice, notice_id).handled_at is None
    db.rollback()
    r = client.post(url, json=body, headers=login(client, "dangwei"))
    assert r.status_code == 200, r.json
    db.expire_all()
    months = db.scalars(select(DuesMonth).where(DuesMonth.member_id == newcomer_id)).all()
    assert months and {m.due_fen for m in months} == {7650}  # 1.5% of 5,100 yuan
    assert db.get(TransferNotice, notice_id).handled_at is not None


def _batch(db, settings, orgs, member, today: date) -> int:  # type: ignore[no-untyped-def]
    payments.pay(
        db,
        SYSTEM,
        settings.dues,
        member,
        idempotency_key="policy-test-payment-0001",
        months=[f"{today.year}-01"],
        today=today,
    )
    db.commit()
    return orgs["c1"].id


def test_the_counter_cannot_confirm_or_reverse_a_remittance(client, db, settings, hall) -> None:  # type: ignore[no-untyped-def]
    orgs, member, today = hall
    org_id = _batch(db, settings, orgs, member, today)
    desk = login(client, "dangwei")
    body = {"org_id": org_id, "year": today.year, "start_month": 1, "end_month": today.month}
    r = client.post("/api/v1/remittance/batches", json=body, headers=desk)
    assert r.status_code == 201, r.json
    batch_id = r.json["id"]
    counter = login(client, "chuangkou")
    refused(client.post(f"/api/v1/remittance/batches/{batch_id}/confirm", headers=counter))
    db.expire_all()
    assert db.get(RemittanceBatch, batch_id).state is RemittanceState.DRAFT
    db.rollback()
    r = client.post(f"/api/v1/remittance/batches/{batch_id}/confirm", headers=desk)
    assert r.status_code == 200 and r.json["state_label"] == "已汇缴"
    reverse = f"/api/v1/remittance/batches/{batch_id}/reverse"
    refused(client.post(reverse, json={"reason": "银行退回"}, headers=counter))
    db.expire_all()
    assert db.get(RemittanceBatch, batch_id).state is RemittanceState.CONFIRMED
    db.rollback()
    r = client.post(reverse, json={"reason": "银行退回"}, headers=desk)
    assert r.status_code == 200 and r.json["state_label"] == "已冲销"


def test_the_counter_clerk_cannot_move_a_whole_branch(client, db, hall) -> None:  # type: ignore[no-untyped-def]
    orgs, member, _today = hall
    body = {"from_org_id": orgs["b1"].id, "to_org_id": orgs["b3"].id}
    refused(client.post("/api/v1/transfers/branch", json=body, headers=login(client, "chuangkou")))
    db.expire_all()
    assert db.get(Member, member.id).org_id == orgs["b1"].id
    db.rollback()
    # the district's desk staff may (both branches are in its subtree)
    r = client.post("/api/v1/transfers/branch", json=body, headers=login(client, "quwei"))
    assert r.status_code == 201, r.json
    db.expire_all()
    assert db.get(Member, member.id).org_id == orgs["b3"].id
