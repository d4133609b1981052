"""Failed kiosk look-ups are limited per card and per device, never the whole kiosk at once.

A bus card tried a few times must not lock out the member right behind; the same card (or card
number) backs off for a short while; many different failures on one kiosk slow it down briefly.
Time passes by moving the recorded failures back, as the limits read them from the database.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from backend.models import LookupFailure
from backend.services import hall_clock
from tests.builders import Builders

URL = "/api/v1/kiosk/card-session"


def _setup(build: Builders, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="王小红", monthly_fen=7650)
    other = build.member(orgs["b2"], name="李四")
    uid = build.card(member)
    build.card(other)
    build.ledger(member, hall_clock.today().year, paid_months={1})
    key = build.device()
    db.commit()
    return member, other, uid, {"X-Device-Key": key}


def _pass_time(db, seconds: int) -> None:  # type: ignore[no-untyped-def]
    db.execute(update(LookupFailure).values(at=LookupFailure.at - timedelta(seconds=seconds)))
    db.commit()


def test_a_bus_card_tried_five_times_does_not_lock_out_the_next_member(client, build, db) -> None:  # type: ignore[no-untyped-def]
    _member, _other, uid, headers = _setup(build, db)
    answers = [client.post(URL, json={"uid": "0BADC0DE"}, headers=headers) for _ in range(5)]
    assert [a.status_code for a in answers[:3]] == [404, 404, 404]
    assert answers[3].status_code == 429 and answers[3].json["code"] == "card_backoff"
    assert "秒后再试" in answers[3].json["message"]
    genuine = client.post(URL, json={"uid": uid}, headers=headers)
    assert genuine.status_code == 201, genuine.json
    assert genuine.json["member"]["name_masked"] == "王*红"


def test_the_same_card_backs_off_briefly_then_is_looked_up_again(client, build, db) -> None:  # type: ignore[no-untyped-def]
    _setup(build, db)
    headers = {"X-Device-Key": build.device("kiosk-2")}
    db.commit()
    for _ in range(3):
        client.post(URL, json={"uid": "0BADC0DE"}, headers=headers)
    refused = client.post(URL, json={"uid": "0badc0de"}, headers=headers)  # same card, any case
    assert refused.status_code == 429
    assert refused.json["details"]["retry_after"] <= 30
    _pass_time(db, 31)
    again = client.post(URL, json={"uid": "0BADC0DE"}, headers=headers)
    assert again.status_code == 404 and again.json["code"] == "card_unknown"


def test_wrong_id_tails_hold_back_that_card_number_only(client, build, db) -> None:  # type: ignore[no-untyped-def]
    member, other, _uid, headers = _setup(build, db)
    for _ in range(3):
        wrong = client.post(
            URL, json={"card_no": member.card_no, "id_last6": "000000"}, headers=headers
        )
        assert wrong.status_code == 404
    right = {"card_no": member.card_no, "id_last6": member.id_number[-6:]}
    assert client.post(URL, json=right, headers=headers).status_code == 429
    someone_else = {"card_no": other.card_no, "id_last6": other.id_number[-6:]}
    assert client.post(URL, json=someone_else, headers=headers).status_code == 201
    _pass_time(db, 31)
    assert client.post(URL, json=right, headers=headers).status_code == 201


def test_many_different_failures_slow_the_device_down_for_seconds(client, build, db) -> None:  # type: ignore[no-untyped-def]
    _member, _other, uid, headers = _setup(build, db)
    for n in range(10):
        assert client.post(URL, json={"uid": f"0BADC0{n:02X}"}, headers=headers).status_code == 404
    refused = client.post(URL, json={"uid": uid}, headers=headers)
    assert refused.status_code == 429 and refused.json["code"] == "rate_limited"
    assert 0 < refused.json["details"]["retry_after"] <= 10
    other_kiosk = {"X-Device-Key": build.device("kiosk-2")}
    db.commit()
    assert client.post(URL, json={"uid": uid}, headers=other_kiosk).status_code == 201
    _pass_time(db, 11)
    assert client.post(URL, json={"uid": uid}, headers=headers).status_code == 201


def test_failures_keep_no_uid_or_card_number(client, build, db) -> None:  # type: ignore[no-untyped-def]
    member, _other, _uid, headers = _setup(build, db)
    client.post(URL, json={"uid": "0BADC0DE"}, headers=headers)
    client.post(URL, json={"card_no": member.card_no, "id_last6": "000000"}, headers=headers)
    digests = db.scalars(select(LookupFailure.subject_digest)).all()
    assert len(digests) == 2 and len(set(digests)) == 2
    assert all(len(d) == 64 and "0BADC0DE" not in d.upper() for d in digests)
    assert all(member.card_no not in d for d in digests)
