"""Voids, transfers and letters are carried out once per idempotency key, on SQLite and on the
real PostgreSQL: a double-tapped button or a retry after a lost answer gets the first answer
back, never a second void, transfer or letter (docs/transactions.md)."""

from __future__ import annotations

import threading
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from backend.models import (
    AuditEntry,
    IdempotentAnswer,
    Letter,
    Member,
    Payment,
    Role,
    Transfer,
    TransferKind,
)
from backend.services import transfers
from backend.services.dues_year import hall_today
from backend.services.idnumber import compose_id_number
from tests.builders import PASSWORD, Builders

PARALLEL = 8


def login(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.json
    return {"Authorization": f"Bearer {r.json['token']}"}


@pytest.fixture
def desk(client, build: Builders, db, settings) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """A district, a counter clerk, and 张小明 in branch b1 with this year's ledger."""
    orgs = build.district()
    build.user(orgs["district"], "chuangkou", Role.COUNTER)
    build.user(orgs["district"], "chuangkou2", Role.COUNTER)
    member = build.member(orgs["b1"], name="张小明", monthly_fen=7650)
    today = hall_today(settings.dues)
    build.ledger(member, today.year)
    db.commit()
    return {"orgs": orgs, "member": member, "today": today, "clerk": login(client, "chuangkou")}


def _count(db, model: type, *where: Any) -> int:  # type: ignore[no-untyped-def]
    db.rollback()
    n = db.scalar(select(func.count()).select_from(model).where(*where))
    db.rollback()  # end the read: on SQLite an open transaction would block the app's writes
    return int(n or 0)


def _audits(db, action: str) -> int:  # type: ignore[no-untyped-def]
    return _count(db, AuditEntry, AuditEntry.action == action)


def _pay(client, desk: dict[str, Any], key: str) -> int:  # type: ignore[no-untyped-def]
    month = f"{desk['today'].year}-{desk['today'].month:02d}"
    r = client.post(
        f"/api/v1/members/{desk['member'].id}/payments",
        json={"months": [month], "idempotency_key": key},
        headers=desk["clerk"],
    )
    assert r.status_code == 201, r.json
    return int(r.json["id"])


def _in_parallel(app, calls: list[tuple[str, dict[str, Any], dict[str, str]]]) -> list[Any]:  # type: ignore[no-untyped-def]
    """POST each (url, body, headers) from its own thread, all released at once."""
    barrier = threading.Barrier(len(calls))
    answers: list[Any] = [None] * len(calls)

    def send(i: int) -> None:
        url, body, headers = calls[i]
        client = app.test_client()
        barrier.wait()
        answers[i] = client.post(url, json=body, headers=headers)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return answers


def _incoming(desk: dict[str, Any]) -> dict[str, Any]:
    return {
        "org_id": desk["orgs"]["b3"].id,
        "from_name": "外省某市某党委",
        "letter_no": "外字2026第18号",
        "member": {
            "name": "赵六",
            "id_number": compose_id_number("110105", date(1990, 3, 8), 124),
            "joined_date": transfers.add_months(desk["today"], -24).isoformat(),
            "status": "正式",
        },
    }


def test_a_void_retried_after_its_answer_was_lost_gets_the_first_answer(client, db, desk) -> None:  # type: ignore[no-untyped-def]
    """Today's defect: the retry was told 凭条…已经作废 though the clerk never saw it voided."""
    payment_id = _pay(client, desk, "pay-for-void-0001")
    url = f"/api/v1/payments/{payment_id}/void"
    headers = {**desk["clerk"], "Idempotency-Key": "void-retry-0001"}
    first = client.post(url, json={"reason": "收错月份"}, headers=headers)
    assert first.status_code == 200, first.json
    retry = client.post(url, json={"reason": "收错月份"}, headers=headers)
    assert retry.status_code == 200, retry.json
    assert retry.json == first.json and retry.json["voided"] is True
    assert retry.headers["Idempotent-Replayed"] == "true"
    assert _audits(db, "payment.void") == 1


def test_the_same_key_for_another_request_is_refused_in_chinese(client, db, desk) -> None:  # type: ignore[no-untyped-def]
    payment_id = _pay(client, desk, "pay-for-void-0002")
    url = f"/api/v1/payments/{payment_id}/void"
    body = {"reason": "收错月份", "idempotency_key": "void-other-0001"}
    assert client.post(url, json=body, headers=desk["clerk"]).status_code == 200
    other = client.post(url, json={**body, "reason": "另一原因"}, headers=desk["clerk"])
    assert other.status_code == 409
    assert other.json["message"] == "该幂等键已用于另一项操作，未重复办理；请刷新页面后重新提交"
    someone_else = client.post(url, json=body, headers=login(client, "chuangkou2"))
    assert someone_else.status_code == 409
    assert someone_else.json["code"] == "idempotency_key_reused"
    mismatch = client.post(
        url, json=body, headers={**desk["clerk"], "Idempotency-Key": "void-other-0002"}
    )
    assert mismatch.status_code == 400
    assert mismatch.json["message"] == "请求头与请求体中的幂等键不一致"


def test_a_refused_request_keeps_its_key_free(client, db, desk) -> None:  # type: ignore[no-untyped-def]
    """A void refused (no reason) is not an answer to keep: the corrected retry goes through."""
    payment_id = _pay(client, desk, "pay-for-void-0003")
    url = f"/api/v1/payments/{payment_id}/void"
    headers = {**desk["clerk"], "Idempotency-Key": "void-refused-0001"}
    assert client.post(url, json={"reason": "  "}, headers=headers).status_code == 400
    assert client.post(url, json={"reason": "收错月份"}, headers=headers).status_code == 200
    fresh = {**desk["clerk"], "Idempotency-Key": "void-refused-0002"}
    again = client.post(url, json={"reason": "收错月份"}, headers=fresh)
    assert again.status_code == 409 and again.json["code"] == "already_voided"


def test_two_concurrent_identical_voids_void_once(app, client, db, desk) -> None:  # type: ignore[no-untyped-def]
    payment_id = _pay(client, desk, "pay-for-void-0004")
    db.rollback()
    headers = {**desk["clerk"], "Idempotency-Key": "void-twins-0001"}
    url = f"/api/v1/payments/{payment_id}/void"
    answers = _in_parallel(app, [(url, {"reason": "重复点击"}, headers)] * PARALLEL)
    assert [a.status_code for a in answers] == [200] * PARALLEL, [a.json for a in answers]
    assert all(a.json == answers[0].json for a in answers)
    assert _audits(db, "payment.void") == 1
    assert _count(db, Payment, Payment.voided.is_(True)) == 1


def test_two_concurrent_identical_transfers_in_create_one_member(app, client, db, desk) -> None:  # type: ignore[no-untyped-def]
    """Today's defect: a double tap on 确认转入 created the member (and the transfer) twice, or
    failed one of the two with a server error."""
    db.rollback()
    headers = {**desk["clerk"], "Idempotency-Key": "in-twins-000001"}
    calls = [("/api/v1/transfers/in", _incoming(desk), headers)] * PARALLEL
    answers = _in_parallel(app, calls)
    assert [a.status_code for a in answers] == [201] * PARALLEL, [a.json for a in answers]
    assert {a.json["transfer"]["id"] for a in answers} == {answers[0].json["transfer"]["id"]}
    assert _count(db, Member, Member.name == "赵六") == 1
    assert _count(db, Transfer, Transfer.kind == TransferKind.IN) == 1


def test_a_retried_transfer_out_gets_its_letter_not_a_refusal(client, db, desk) -> None:  # type: ignore[no-untyped-def]
    member = desk["member"]
    body = {"member_id": member.id, "to_name": "某市某区委组织部", "allow_shortfall": True}
    headers = {**desk["clerk"], "Idempotency-Key": "out-retry-0001"}
    first = client.post("/api/v1/transfers/out", json=body, headers=headers)
    assert first.status_code == 201, first.json
    retry = client.post("/api/v1/transfers/out", json=body, headers=headers)
    assert retry.status_code == 201, retry.json
    assert retry.json == first.json
    assert _count(db, Letter) == 1
    assert _count(db, Transfer) == 1


def test_a_double_tapped_certificate_issues_one_letter(app, client, db, desk) -> None:  # type: ignore[no-untyped-def]
    member_id = desk["member"].id
    db.rollback()
    headers = {**desk["clerk"], "Idempotency-Key": "cert-twins-0001"}
    start = desk["today"]
    body = {
        "host_name": "某市某党委",
        "start": start.isoformat(),
        "end": (start + timedelta(days=90)).isoformat(),
        "purpose": "外出务工",
    }
    url = f"/api/v1/members/{member_id}/certificate"
    answers = _in_parallel(app, [(url, body, headers)] * 2)
    assert [a.status_code for a in answers] == [201, 201], [a.json for a in answers]
    assert answers[0].json == answers[1].json
    assert _count(db, Letter) == 1


def test_the_openapi_document_offers_the_key_header(client) -> None:  # type: ignore[no-untyped-def]
    paths = client.get("/api/v1/openapi.json").json["paths"]
    for path in ("/api/v1/payments/{payment_id}/void", "/api/v1/transfers/in"):
        names = [p["name"] for p in paths[path]["post"]["parameters"]]
        assert "Idempotency-Key" in names, path


def test_answers_are_kept_two_days_then_swept(client, db, desk) -> None:  # type: ignore[no-untyped-def]
    """Answers carry the papers' names: they go once no retry can come any more."""
    payment_id = _pay(client, desk, "pay-for-void-0005")
    url = f"/api/v1/payments/{payment_id}/void"
    headers = {**desk["clerk"], "Idempotency-Key": "void-old-000001"}
    assert client.post(url, json={"reason": "收错月份"}, headers=headers).status_code == 200
    db.execute(
        update(IdempotentAnswer).values(created_at=IdempotentAnswer.created_at - timedelta(days=3))
    )
    db.commit()
    other = _pay(client, desk, "pay-for-void-0006")
    fresh = {**desk["clerk"], "Idempotency-Key": "void-new-000001"}
    post = client.post(f"/api/v1/payments/{other}/void", json={"reason": "重复"}, headers=fresh)
    assert post.status_code == 200
    db.rollback()
    keys = db.scalars(select(IdempotentAnswer.key)).all()
    db.rollback()
    assert keys == ["void-new-000001"]
