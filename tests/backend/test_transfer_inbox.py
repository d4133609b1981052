"""The receiving side over the API: the inbox of 转入通知 for the 总支/党委 and the receiving
branch, accepting, the member's arrival (报到), and the 党委's dues assessment making the
pending months payable (docs/transfers-and-letters.md, 收件箱)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from backend.models import AuditEntry, DuesMonth, Transfer, TransferNotice
from tests.backend.test_transfers_api import login
from tests.receiving import receiving_district


def _by_kind(items: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for n in items:
        out.setdefault(n["kind"], []).append(n)
    return out


def test_the_branch_sees_its_arrivals_and_the_dues_notice_waiting_for_the_committee(  # type: ignore[no-untyped-def]
    client, db, build
) -> None:
    world = receiving_district(build)
    incoming_id, moved_id = world.incoming.id, world.moved.id
    db.commit()
    branch = login(client, "b1staff")
    r = client.get("/api/v1/transfer-notices?state=open", headers=branch)
    assert r.status_code == 200 and r.json["total"] == 3
    kinds = _by_kind(r.json["items"])
    assert sorted(n["members"][0]["name"] for n in kinds["receive"]) == ["赵六", "钱七"]
    [assessment] = kinds["assessment"]
    assert assessment["state_label"] == "等待党委核定（第一街道党工委）"
    assert assessment["can_assess"] is False and assessment["can_accept"] is False
    assert all(n["can_accept"] and n["state_label"] == "待接收" for n in kinds["receive"])
    assert all(a["may_record"] for n in kinds["receive"] for a in n["arrivals"])
    # the branch may not answer the dues notice: that is the 党委's
    refused = client.post(
        f"/api/v1/transfer-notices/{assessment['id']}/assess",
        json={"category": "employed", "base": "3000"},
        headers=branch,
    )
    assert refused.status_code == 403 and refused.json["code"] == "level_forbidden"
    # nor close it by "accepting" it
    r = client.post(f"/api/v1/transfer-notices/{assessment['id']}/handle", headers=branch)
    assert r.status_code == 400 and "由党委核定党费后自动办结" in r.json["message"]
    # paging
    page = client.get("/api/v1/transfer-notices?per_page=2&page=2", headers=branch).json
    assert page["total"] == 3 and len(page["items"]) == 1
    # the other 党委 sees nothing and cannot record an arrival
    other = login(client, "c2staff")
    assert client.get("/api/v1/transfer-notices", headers=other).json["total"] == 0
    r = client.post(f"/api/v1/transfers/{incoming_id}/arrival", json={}, headers=other)
    assert r.status_code == 404
    # the counter clerk reads but does not record arrivals
    r = client.post(
        f"/api/v1/transfers/{moved_id}/arrival", json={}, headers=login(client, "counter")
    )
    assert r.status_code == 403


def test_accept_and_arrival_are_recorded_once_and_audited(client, db, build) -> None:  # type: ignore[no-untyped-def]
    world = receiving_district(build)
    moved_id, notice_id, today = world.moved.id, world.moved.notice_id, world.today
    db.commit()
    branch = login(client, "b1staff")
    r = client.post(f"/api/v1/transfer-notices/{notice_id}/handle", headers=branch)
    assert r.status_code == 200 and r.json["state_label"] == "已接收"
    again = client.post(f"/api/v1/transfer-notices/{notice_id}/handle", headers=branch)
    assert again.status_code == 409 and again.json["message"] == "该通知已经处理过"

    future = (today + timedelta(days=1)).isoformat()
    r = client.post(f"/api/v1/transfers/{moved_id}/arrival", json={"date": future}, headers=branch)
    assert r.status_code == 400 and r.json["message"] == "报到日期不能晚于今天"
    waiting = client.get("/api/v1/transfer-notices?state=not_arrived", headers=branch).json
    assert notice_id in [n["id"] for n in waiting["items"]]
    r = client.post(f"/api/v1/transfers/{moved_id}/arrival", json={}, headers=branch)
    assert r.status_code == 200, r.json
    assert r.json["arrived_on"] == today.isoformat() and r.json["arrived_by"] == "b1staff"
    again = client.post(f"/api/v1/transfers/{moved_id}/arrival", json={}, headers=branch)
    assert again.status_code == 409 and again.json["message"].startswith("钱七已于")
    waiting = client.get("/api/v1/transfer-notices?state=not_arrived", headers=branch).json
    assert notice_id not in [n["id"] for n in waiting["items"]]
    db.expire_all()
    assert db.get(Transfer, moved_id).arrived_on == today
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.entity_id == str(moved_id)))
    assert "transfer.arrival" in list(actions)


def test_the_committee_assesses_from_its_inbox_and_the_months_become_payable(  # type: ignore[no-untyped-def]
    client, db, build
) -> None:
    world = receiving_district(build)
    member_id, notice_id = world.incoming.member_id, world.incoming.assessment_notice_id
    db.commit()
    months = db.scalars(select(DuesMonth).where(DuesMonth.member_id == member_id)).all()
    assert months and all(m.due_fen is None for m in months)
    db.rollback()
    committee = login(client, "c1staff")
    listed = client.get("/api/v1/transfer-notices?state=assessment", headers=committee).json
    [notice] = listed["items"]
    assert notice["id"] == notice_id and notice["can_assess"] is True
    r = client.post(
        f"/api/v1/transfer-notices/{notice_id}/assess",
        json={"category": "employed", "base": "3000"},
        headers=committee,
    )
    assert r.status_code == 200, r.json
    assert r.json["monthly"] == "15.00" and r.json["notice"]["state_label"] == "已核定"
    db.expire_all()
    months = db.scalars(select(DuesMonth).where(DuesMonth.member_id == member_id)).all()
    assert {m.due_fen for m in months} == {1500}
    assert db.get(TransferNotice, notice_id).handled_at is not None
    db.rollback()
    branch = login(client, "b1staff")
    assert (
        client.get("/api/v1/transfer-notices?state=assessment", headers=branch).json["total"] == 0
    )
