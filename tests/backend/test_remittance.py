"""Remittance (汇缴): batches made from the remittance ledger clear each collection exactly once;
a void after remittance comes back as a correction; a batch is undone only by an audited
reversal; shares per level follow the settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from backend.errors import Conflict
from backend.models import AuditEntry, Payment, RemittanceState, Role
from backend.services import hall_clock, payments, remittance, voids
from backend.services.actor import Actor
from backend.services.remittance_ledger import pending_items
from backend.settings import RemittanceSettings
from tests.builders import PASSWORD, Builders

YEAR = 2025
ACTOR = Actor.system("出纳")


def _pay(db, settings, member, months: list[int], key: str, at: datetime) -> Payment:  # type: ignore[no-untyped-def]
    outcome = payments.pay(
        db,
        ACTOR,
        settings.dues,
        member,
        idempotency_key=key,
        months=[f"{YEAR}-{m:02d}" for m in months],
        today=date(YEAR, 3, 20),
    )
    outcome.payment.created_at = at  # taken on that day (stored as UTC)
    db.flush()
    return outcome.payment


def _setup(build: Builders, db, settings):  # type: ignore[no-untyped-def]
    orgs = build.district()
    a = build.member(orgs["b1"], name="张三", monthly_fen=5000)
    b = build.member(orgs["b2"], name="李四", monthly_fen=1000)
    c = build.member(orgs["b3"], name="王五", monthly_fen=2000)
    for m in (a, b, c):
        build.ledger(m, YEAR)
    p1 = _pay(
        db,
        settings,
        a,
        [1, 2, 3],
        "key-a-q1-0001",
        hall_clock.stored(datetime(YEAR, 3, 10, 2, tzinfo=UTC)),
    )
    p2 = _pay(
        db,
        settings,
        b,
        [1, 2],
        "key-b-q1-0001",
        hall_clock.stored(datetime(YEAR, 3, 30, 2, tzinfo=UTC)),
    )
    p3 = _pay(
        db,
        settings,
        c,
        [1],
        "key-c-q1-0001",
        hall_clock.stored(datetime(YEAR, 2, 1, 2, tzinfo=UTC)),
    )
    # 1 April, 07:00 in Beijing (23:00 UTC on 31 March): after the first quarter in hall time
    late = _pay(
        db,
        settings,
        a,
        [4],
        "key-a-q2-0001",
        hall_clock.stored(datetime(YEAR, 3, 31, 23, tzinfo=UTC)),
    )
    db.flush()
    return orgs, (p1, p2, p3, late)


def _net(db, org) -> int:  # type: ignore[no-untyped-def]
    """What confirmed batches of ``org`` cleared, net of corrections."""
    return sum(
        b.collected_fen + b.correction_fen
        for b in remittance.list_batches(db, ACTOR)
        if b.org_id == org.id and b.state is RemittanceState.CONFIRMED
    )


def test_a_batch_clears_each_collection_once_and_voids_come_back_as_corrections(
    build, db, settings
) -> None:
    orgs, (p1, p2, p3, late) = _setup(build, db, settings)
    c1 = orgs["c1"]
    draft = remittance.create_batch(db, ACTOR, settings, c1.id, YEAR, 1, 3)
    # 第一街道's subtree: 张三's Q1 (150.00) and 李四's (20.00); not 王五 (other 党委), not April
    assert draft.state is RemittanceState.DRAFT
    assert draft.batch_no == "01010000-2025-001"
    assert draft.collected_fen == 17000
    assert [(line.source_org.name, line.collected_fen) for line in draft.lines] == [
        ("幸福社区第一党支部", 15000),
        ("幸福社区第二党支部", 2000),
    ]
    assert draft.upward_fen == 17000 and draft.retained_fen == 0  # default: all goes up
    # a draft clears nothing
    assert len(pending_items(db, c1, None)) == 6
    remittance.confirm_batch(db, ACTOR, draft.id)
    assert {p.payment_id for p in pending_items(db, c1, None)} == {late.id}
    with pytest.raises(Conflict, match="2025年1—3月没有待汇缴的党费"):
        remittance.create_batch(db, ACTOR, settings, c1.id, YEAR, 1, 3)

    # 李四's payment is voided after it was remitted — not alone, only with a 党委 desk user's
    # approval (docs/day-close.md) — and the next batch takes it back
    with pytest.raises(Conflict, match="已汇缴，作废须经党委或区级工作人员审批"):
        payments.void_payment(db, ACTOR, p2, "重复收款")
    request = voids.void(db, ACTOR, settings.dues, p2, "重复收款", today=date(YEAR, 4, 2))
    assert request is not None and request.why_approval == "已汇缴" and not p2.voided
    approver = Actor("user", None, "党委会计", Role.ORG_STAFF, c1.id, c1.path, c1.type)
    voids.decide(
        db, approver, settings.dues, request, approve=True, note=None, today=date(YEAR, 4, 2)
    )
    assert p2.voided
    second = remittance.create_batch(db, ACTOR, settings, c1.id, YEAR, 4, 6)
    assert second.collected_fen == 5000  # 张三's April
    assert second.correction_fen == -2000
    assert second.upward_fen == 3000
    remittance.confirm_batch(db, ACTOR, second.id)
    # nothing counted twice, nothing dropped: remitted net = valid payments of the subtree
    valid = sum(p.amount_fen for p in (p1, p2, late) if not p.voided)
    assert _net(db, c1) == valid == 20000
    assert pending_items(db, c1, None) == []

    # the first batch cannot be reversed while the second corrects one of its items
    with pytest.raises(Conflict, match="请先冲销该批次"):
        remittance.reverse_batch(db, ACTOR, draft.id, "金额有误")
    remittance.reverse_batch(db, ACTOR, second.id, "录入错误")
    remittance.reverse_batch(db, ACTOR, draft.id, "金额有误")
    assert _net(db, c1) == 0
    # the valid collections are back in the remittance ledger; the voided one is simply gone
    assert sorted(p.amount_fen for p in pending_items(db, c1, None)) == [5000, 5000, 5000, 5000]
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_type == "remittance_batch")
    ).all()
    assert actions.count("remittance.reverse") == 2
    assert actions.count("remittance.confirm") == 2


def test_a_stale_draft_cannot_be_confirmed(build, db, settings) -> None:
    orgs, (p1, *_rest) = _setup(build, db, settings)
    draft = remittance.create_batch(db, ACTOR, settings, orgs["b1"].id, YEAR, 1, 3)
    payments.void_payment(db, ACTOR, p1, "收错人")
    with pytest.raises(Conflict, match="请取消本批次后重新生成"):
        remittance.confirm_batch(db, ACTOR, draft.id)
    remittance.cancel_batch(db, ACTOR, draft.id)
    with pytest.raises(Conflict, match="2025年1—3月没有待汇缴的党费"):
        remittance.create_batch(db, ACTOR, settings, orgs["b1"].id, YEAR, 1, 3)


def test_only_one_batch_clears_a_collection_even_across_levels(build, db, settings) -> None:
    orgs, _payments = _setup(build, db, settings)
    branch = remittance.create_batch(db, ACTOR, settings, orgs["b1"].id, YEAR, 1, 3)
    committee = remittance.create_batch(db, ACTOR, settings, orgs["c1"].id, YEAR, 1, 3)
    remittance.confirm_batch(db, ACTOR, branch.id)
    # the 党委's draft covered the branch's items too: it is stale now
    with pytest.raises(Conflict):
        remittance.confirm_batch(db, ACTOR, committee.id)
    remittance.cancel_batch(db, ACTOR, committee.id)
    again = remittance.create_batch(db, ACTOR, settings, orgs["c1"].id, YEAR, 1, 3)
    assert again.collected_fen == 2000  # only 第二党支部's
    remittance.confirm_batch(db, ACTOR, again.id)
    assert _net(db, orgs["b1"]) + _net(db, orgs["c1"]) == 17000


def test_shares_per_level_come_from_the_settings(build, db, settings) -> None:
    orgs, _payments = _setup(build, db, settings)
    shares = replace(
        settings,
        remittance=RemittanceSettings(
            branch_bp=10_000, general_branch_bp=9_000, committee_bp=3_333
        ),
    )
    batch = remittance.create_batch(db, ACTOR, shares, orgs["c1"].id, YEAR, 1, 3)
    first, second = batch.lines
    # branch 100 % × 总支 90 % × 党委 33.33 % = 29.997 %
    assert first.share_bp == 3000
    assert first.upward_fen == 4500  # 150.00 × 0.29997 = 44.9955 → 45.00
    assert first.retained_fen == 10500
    assert second.upward_fen == 600  # 20.00 × 0.29997 = 5.9994 → 6.00
    assert batch.upward_fen + batch.retained_fen == batch.collected_fen == 17000


def test_a_branch_user_cannot_touch_another_branchs_batch(build, db, settings) -> None:
    orgs, _payments = _setup(build, db, settings)
    batch = remittance.create_batch(db, ACTOR, settings, orgs["b2"].id, YEAR, 1, 3)
    user = build.user(orgs["b1"], "b1staff")
    actor = Actor.for_user(user)
    with pytest.raises(Exception, match="不在您的管理范围内"):
        remittance.confirm_batch(db, actor, batch.id)
    with pytest.raises(Exception, match="不在您的管理范围内"):
        remittance.create_batch(db, actor, settings, orgs["b2"].id, YEAR, 1, 3)
    assert remittance.list_batches(db, actor) == []


def test_remittance_over_the_api(client, build, db, settings) -> None:
    orgs, _payments = _setup(build, db, settings)
    build.user(orgs["c1"], "committee")
    db.commit()
    token = client.post(
        "/api/v1/auth/login", json={"username": "committee", "password": PASSWORD}
    ).json["token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = {"org_id": orgs["c1"].id, "year": YEAR, "start_month": 1, "end_month": 3}
    r = client.post("/api/v1/remittance/batches", json=body, headers=headers)
    assert r.status_code == 201, r.json
    batch = r.json
    assert batch["state_label"] == "待确认" and batch["collected"] == "170.00"
    assert [line["source_org"] for line in batch["lines"]] == [
        "幸福社区第一党支部",
        "幸福社区第二党支部",
    ]
    r = client.post(f"/api/v1/remittance/batches/{batch['id']}/confirm", headers=headers)
    assert r.json["state_label"] == "已汇缴"
    again = client.post("/api/v1/remittance/batches", json=body, headers=headers)
    assert again.status_code == 409 and again.json["message"] == "2025年1—3月没有待汇缴的党费"
    pdf = client.get(f"/api/v1/remittance/batches/{batch['id']}/export?format=pdf", headers=headers)
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    r = client.post(
        f"/api/v1/remittance/batches/{batch['id']}/reverse",
        json={"reason": "银行退回"},
        headers=headers,
    )
    assert r.json["state_label"] == "已冲销"
    # 第二街道's 党委 is outside this user's scope
    other = {**body, "org_id": orgs["c2"].id}
    r = client.post("/api/v1/remittance/batches", json=other, headers=headers)
    assert r.status_code == 404 and r.json["code"] == "org_not_found"


def test_a_batch_holds_only_the_receipts_taken_in_its_period(build, db, settings) -> None:
    """A 10–12月 batch once held every unremitted receipt since January; now it holds the
    receipts taken from 1 October to 31 December (hall time), whatever months they pay for."""
    orgs = build.district()
    member = build.member(orgs["b1"], name="赵六", monthly_fen=3000)
    build.ledger(member, YEAR)
    taken = {
        "jan": (datetime(YEAR, 1, 15, 2, tzinfo=UTC), [1]),
        # 30 Sep, 23:00 in Beijing is 15:00 UTC: still the third quarter in hall time
        "sep": (datetime(YEAR, 9, 30, 15, tzinfo=UTC), [2]),
        # 1 Oct, 00:30 in Beijing (16:30 UTC on 30 Sep): the fourth quarter
        "oct": (datetime(YEAR, 9, 30, 16, 30, tzinfo=UTC), [3, 4]),
        "dec": (datetime(YEAR, 12, 31, 15, tzinfo=UTC), [5]),
        # 1 Jan of the next year, 00:00 in Beijing: the next period
        "next": (datetime(YEAR, 12, 31, 16, tzinfo=UTC), [6, 7]),
    }
    paid = {
        name: _pay(db, settings, member, months, f"key-period-{name}", hall_clock.stored(at))
        for name, (at, months) in taken.items()
    }
    batch = remittance.create_batch(db, ACTOR, settings, orgs["c1"].id, YEAR, 10, 12)
    held = {i.payment_id for i in remittance.batch_items(db, batch)}
    assert held == {paid["oct"].id, paid["dec"].id}
    assert batch.collected_fen == 3 * 3000
    assert (batch.start_month, batch.end_month, batch.cutoff) == (10, 12, date(YEAR, 12, 31))
    remittance.confirm_batch(db, ACTOR, batch.id)
    # the earlier receipts are still waiting, for a batch of their own period
    first = remittance.create_batch(db, ACTOR, settings, orgs["c1"].id, YEAR, 1, 9)
    assert {i.payment_id for i in remittance.batch_items(db, first)} == {
        paid["jan"].id,
        paid["sep"].id,
    }
