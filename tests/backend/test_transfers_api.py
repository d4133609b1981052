"""Transfers through the API: within the district, out of it, into it; scope; atomicity."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from backend.models import (
    Base,
    Card,
    CardState,
    DuesMonth,
    Member,
    MemberArchive,
    Membership,
    MemberStatus,
    Role,
)
from backend.services import members, probation, transfers
from backend.services.dues_year import hall_today
from backend.services.idnumber import compose_id_number
from backend.services.money import year_month_in_capitals
from tests.builders import PASSWORD, Builders


def login(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.json
    return {"Authorization": f"Bearer {r.json['token']}"}


def texts(document: dict[str, Any]) -> list[str]:
    return [b["text"] for b in document["blocks"] if b["type"] == "text"]


def kvs(document: dict[str, Any]) -> dict[str, str]:
    return {b["key"]: b["value"] for b in document["blocks"] if b["type"] == "kv"}


def doc_of(body: dict[str, Any], kind: str) -> dict[str, Any]:
    return next(d["document"] for d in body["documents"] if d["kind"] == kind)


@pytest.fixture
def hall(build: Builders, db, settings):  # type: ignore[no-untyped-def]
    """A district, staff at each level and a member of branch b1 with a card, paid up."""
    orgs = build.district()
    build.user(orgs["district"], "center", Role.COUNTER)
    build.user(orgs["b1"], "b1staff")
    build.user(orgs["g1"], "g1staff")
    build.user(orgs["c2"], "c2staff")
    member = build.member(orgs["b1"], name="张小明")
    build.card(member)
    today = hall_today(settings.dues)
    build.ledger(member, today.year, paid_months=set(range(1, today.month + 1)))
    db.commit()
    return orgs, member, today


def snapshot(db) -> dict[str, list[tuple[Any, ...]]]:  # type: ignore[no-untyped-def]
    """Every row of every table, to prove a failed transfer left nothing behind. It ends the
    test session's transaction, which expires loaded objects: read ids before calling it."""
    data = {
        name: sorted(db.execute(select(table)).all(), key=repr)
        for name, table in Base.metadata.tables.items()
        if name not in ("staff_tokens", "users")
    }
    db.rollback()
    return data


def test_within_district_moves_member_card_ledger_and_notifies(client, db, hall) -> None:  # type: ignore[no-untyped-def]
    orgs, member, today = hall
    card_no = member.card_no
    headers = login(client, "center")
    r = client.post(
        "/api/v1/transfers/within",
        json={"member_id": member.id, "to_org_id": orgs["b2"].id},
        headers=headers,
    )
    assert r.status_code == 201, r.json
    t = r.json["transfer"]
    assert t["scope_label"] == "区内"
    assert t["old_member_no"] == "01010101" + card_no
    assert t["new_member_no"] == "01010102" + card_no
    assert t["card_no"] == card_no
    assert t["dues_paid_to"] == f"{today.year}-{today.month:02d}"
    slip = doc_of(r.json, "slip")
    assert slip["title"] == "组织关系接转证明单"
    assert "张小明：您的组织关系已转到幸福社区第二党支部，请持单十五天内报到。" in texts(slip)
    assert kvs(slip)["支部书记"] == "王书记"
    assert kvs(slip)["联系电话"] == "13800000002"
    assert "示范区党员服务中心" in texts(slip)
    assert transfers.cn_date(today) in texts(slip)
    notice = doc_of(r.json, "notice")
    assert texts(notice)[0] == "幸福社区党总支："
    assert "张小明同志已转入贵单位，请联系接收。" in texts(notice)
    assert kvs(notice)["联系电话"] == "13912345678"

    db.expire_all()
    moved = db.get(Member, member.id)
    assert moved.org_id == orgs["b2"].id and moved.member_no == "01010102" + card_no
    periods = db.scalars(select(Membership).where(Membership.member_id == member.id)).all()
    assert [(p.org_id, p.end_date) for p in periods] == [
        (orgs["b1"].id, today),
        (orgs["b2"].id, None),
    ]
    card = db.scalar(select(Card).where(Card.member_id == member.id))
    assert card.state is CardState.ACTIVE and card.card_no == card_no
    db.rollback()

    # The receiving 总支's staff see the notice; another 党委's staff do not.
    listed = client.get("/api/v1/transfer-notices?pending=true", headers=login(client, "g1staff"))
    assert [n["members"][0]["name"] for n in listed.json["items"]] == ["张小明"]
    other = client.get("/api/v1/transfer-notices", headers=login(client, "c2staff"))
    assert other.json["items"] == []


def test_branch_user_cannot_transfer_another_branchs_member(client, build, db, hall) -> None:  # type: ignore[no-untyped-def]
    orgs, _member, _today = hall
    stranger = build.member(orgs["b2"], name="李四")
    db.commit()
    headers = login(client, "b1staff")
    for path, body in (
        ("/api/v1/transfers/within", {"member_id": stranger.id, "to_org_id": orgs["b3"].id}),
        ("/api/v1/transfers/out", {"member_id": stranger.id, "to_name": "外地党委"}),
    ):
        r = client.post(path, json=body, headers=headers)
        assert r.status_code == 404
        assert r.json["message"] == "未找到该党员，或不在您的管理范围内"
    db.expire_all()
    assert db.get(Member, stranger.id).org_id == orgs["b2"].id
    db.rollback()


def test_out_of_district_letter_archive_and_card_revoked(client, db, hall) -> None:  # type: ignore[no-untyped-def]
    orgs, member, today = hall
    r = client.post(
        "/api/v1/transfers/out",
        json={"member_id": member.id, "to_name": "某市某区委组织部"},
        headers=login(client, "center"),
    )
    assert r.status_code == 201, r.json
    letter = doc_of(r.json, "letter")
    parts = [b["label"] for b in letter["blocks"] if b["type"] == "part_break"]
    assert parts == ["第一联 存根", "第二联 介绍信", "第三联 回执联"]
    number = f"01010000-{today.year}-J0001"
    assert texts(letter).count(f"党费已交到{year_month_in_capitals(today.year, today.month)}。")
    assert "（有效期叁拾天）" in texts(letter)
    assert (
        "某市某区委组织部：张小明同志，从第一街道党工委幸福社区第一党支部到某市某区委组织部，"
        "请接转组织关系。" in texts(letter)
    )
    t = r.json["transfer"]
    assert t["scope_label"] == "区外" and t["kind"] == "out"
    assert t["old_member_no"] == "01010101" + member.card_no

    db.expire_all()
    gone = db.get(Member, member.id)
    assert gone.archived
    archive = db.scalar(select(MemberArchive).where(MemberArchive.member_id == member.id))
    assert archive.letter_no == number and "某市某区委组织部" in archive.reason
    assert db.scalar(select(Card).where(Card.member_id == member.id)).state is CardState.REVOKED
    db.rollback()

    register = client.get("/api/v1/letters", headers=login(client, "center")).json["items"]
    assert [(x["number"], x["status_label"]) for x in register] == [(number, "有效")]


def test_out_of_district_refuses_arrears_and_long_validity(client, build, db, hall) -> None:  # type: ignore[no-untyped-def]
    orgs, _member, today = hall
    debtor = build.member(orgs["b1"], name="王五", monthly_fen=1000)
    build.ledger(debtor, today.year, paid_months=set())
    db.commit()
    headers = login(client, "center")
    r = client.post(
        "/api/v1/transfers/out",
        json={"member_id": debtor.id, "to_name": "外地党委", "valid_days": 91},
        headers=headers,
    )
    assert r.status_code == 400 and r.json["message"] == "介绍信有效期不能超过90天"
    r = client.post(
        "/api/v1/transfers/out",
        json={"member_id": debtor.id, "to_name": "外地党委"},
        headers=headers,
    )
    assert r.status_code == 409 and r.json["code"] == "dues_shortfall"
    owed = f"{today.month * 10}.00"
    assert f"欠交{owed}元" in r.json["message"]
    r = client.post(
        "/api/v1/transfers/out",
        json={"member_id": debtor.id, "to_name": "外地党委", "allow_shortfall": True},
        headers=headers,
    )
    assert r.status_code == 201, r.json
    stub = kvs(doc_of(r.json, "letter"))
    assert stub["欠交党费"].startswith(f"{owed}元（{today.year}年1月")
    assert stub["党费已交到"] == "无交纳记录"
    assert r.json["transfer"]["shortfall"] == owed


def test_into_district_creates_member_card_and_pending_dues(client, db, hall) -> None:  # type: ignore[no-untyped-def]
    orgs, _member, today = hall
    id_number = compose_id_number("110105", date(1990, 3, 8), 124)
    body = {
        "org_id": orgs["b3"].id,
        "from_name": "外省某市某党委",
        "letter_no": "外字2026第18号",
        "card_uid": "A1B2C3D4",
        "member": {
            "name": "赵六",
            "id_number": id_number,
            "joined_date": transfers.add_months(today, -2).isoformat(),
            "status": "预备",
            "education": "研究生",
            "phone": "13700000000",
        },
    }
    r = client.post("/api/v1/transfers/in", json=body, headers=login(client, "center"))
    assert r.status_code == 201, r.json
    t = r.json["transfer"]
    assert t["kind"] == "in" and t["scope_label"] == "区外" and t["from_name"] == "外省某市某党委"
    assert t["new_member_no"].startswith("01020001") and len(t["new_member_no"]) == 13
    assessment = doc_of(r.json, "assessment_notice")
    assert assessment["title"] == "新转入党员党费核定通知单"
    assert texts(assessment)[0] == "第二街道党工委："
    assert any(
        x.startswith("赵六同志（预备党员）已于") and x.endswith("请核定其每月应交党费金额。")
        for x in texts(assessment)
    )

    db.expire_all()
    newcomer = db.get(Member, t["member_id"])
    assert newcomer.monthly_dues_fen is None
    card = db.scalar(select(Card).where(Card.member_id == newcomer.id))
    assert card.state is CardState.ACTIVE and card.card_no == newcomer.card_no
    months = db.scalars(select(DuesMonth).where(DuesMonth.member_id == newcomer.id)).all()
    assert {m.month for m in months} == set(range(today.month, 13))
    assert all(m.due_fen is None for m in months)
    db.rollback()

    # The 党委 sets the dues: the pending months get the amount and the notice is handled.
    c2 = login(client, "c2staff")
    notice_id = t["assessment_notice_id"]
    refused = client.post(
        f"/api/v1/transfer-notices/{notice_id}/assess",
        json={"category": "employed", "base": "5100.00"},
        headers=login(client, "b1staff"),
    )
    assert refused.status_code == 403 and refused.json["code"] == "level_forbidden"
    r = client.post(
        f"/api/v1/transfer-notices/{notice_id}/assess",
        json={"category": "employed", "base": "5100.00"},
        headers=c2,
    )
    assert r.status_code == 200, r.json
    assert r.json["monthly"] == "76.50" and r.json["notice"]["handled"]
    db.expire_all()
    dues = db.scalars(select(DuesMonth.due_fen).where(DuesMonth.member_id == newcomer.id)).all()
    assert set(dues) == {7650}
    db.rollback()


def test_probationary_member_letter_marks_probation(client, build, db, hall, settings) -> None:  # type: ignore[no-untyped-def]
    orgs, _member, today = hall
    joined = transfers.add_months(today, -3)
    novice = build.member(orgs["b1"], name="钱七", status=MemberStatus.PROBATIONARY, joined=joined)
    db.commit()
    r = client.post(
        "/api/v1/transfers/out",
        json={"member_id": novice.id, "to_name": "外地党委", "valid_days": 10},
        headers=login(client, "center"),
    )
    assert r.status_code == 201, r.json
    letter = doc_of(r.json, "letter")
    assert (
        "钱七同志系中共预备党员，组织关系由第一街道党工委幸福社区第一党支部转到外地党委。"
        in texts(letter)
    )
    end = probation.add_years(joined, 1)
    assert f"预备期自{transfers.cn_date(joined)}至{transfers.cn_date(end)}。" in texts(letter)
    assert "（有效期壹拾天）" in texts(letter)


def test_failed_out_transfer_leaves_database_as_before(client, db, hall, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _orgs, member, _today = hall
    member_id = member.id  # read before the snapshot expires the fixture's objects
    headers = login(client, "center")
    before = snapshot(db)

    def jam(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("连接中断")

    monkeypatch.setattr(members, "archive_member", jam)
    r = client.post(
        "/api/v1/transfers/out",
        json={"member_id": member_id, "to_name": "外地党委"},
        headers=headers,
    )
    assert r.status_code == 500
    assert snapshot(db) == before
    monkeypatch.undo()
    # The number the failed attempt drew was given back: the register stays gap-free.
    r = client.post(
        "/api/v1/transfers/out",
        json={"member_id": member_id, "to_name": "外地党委"},
        headers=headers,
    )
    assert r.status_code == 201
    assert kvs(doc_of(r.json, "letter"))["编号"].endswith("-J0001")


def test_failed_within_transfer_leaves_database_as_before(client, db, hall, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    orgs, member, _today = hall
    body = {"member_id": member.id, "to_org_id": orgs["b2"].id}
    headers = login(client, "center")
    before = snapshot(db)

    def crash(*_a, **_k):  # type: ignore[no-untyped-def]
        raise RuntimeError("进程崩溃")

    monkeypatch.setattr(transfers, "reattribute_ledger", crash)
    r = client.post("/api/v1/transfers/within", json=body, headers=headers)
    assert r.status_code == 500
    assert snapshot(db) == before
