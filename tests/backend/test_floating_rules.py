"""The 流动党员活动证's validity and the dues check before it is issued
(docs/transfers-and-letters.md, 流动党员活动证)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.errors import Conflict
from backend.models import DuesMonth, Letter, LetterKind, Membership
from backend.services import floating, hall_clock
from backend.services.letters import letter_document
from tests.backend.test_transfers_api import login
from tests.builders import SYSTEM


def _member(db, build, paid_months: set[int], year: int = 2026):  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="周八", monthly_fen=5000)
    db.scalar(select(Membership).where(Membership.member_id == member.id)).start_date = date(
        2020, 1, 1
    )
    build.ledger(member, year, paid_months=paid_months)
    return member


def _issue(db, settings, member, today: date) -> Letter:  # type: ignore[no-untyped-def]
    return floating.issue_floating_card(
        db,
        SYSTEM,
        settings,
        member.id,
        host_name="深圳某流动党委",
        destination="广东深圳",
        today=today,
    )


def test_a_card_issued_on_3_december_is_valid_for_a_year(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    member = _member(db, build, paid_months=set(range(1, 13)))
    card = _issue(db, settings, member, date(2026, 12, 3))
    assert card.valid_until == date(2027, 12, 2)
    kvs = {b.key: b.value for b in letter_document(settings, card).blocks if b.TYPE == "kv"}
    assert kvs["有效期至"] == "2027年12月2日" and "欠交党费" not in kvs
    # Reviewed in the next year: a year from the review day; a second 2027 review is refused.
    floating.review_floating_card(db, SYSTEM, card, year=2027, today=date(2027, 11, 20))
    assert card.valid_until == date(2028, 11, 19)
    with pytest.raises(Conflict, match="2027年度已审验"):
        floating.review_floating_card(db, SYSTEM, card, year=2027, today=date(2027, 11, 21))
    # A review never shortens the card: reviewing for the next year on the day of issue.
    member2 = build.member(member.org, name="吴九")
    build.ledger(member2, 2026, paid_months=set(range(1, 13)))
    card2 = _issue(db, settings, member2, date(2026, 12, 3))
    floating.review_floating_card(db, SYSTEM, card2, year=2027, today=date(2026, 12, 3))
    assert card2.valid_until == date(2027, 12, 2)


def test_three_months_owed_are_named_and_printed_on_the_card(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    member = _member(db, build, paid_months={1, 2, 3, 4, 5, 6, 7})
    card = _issue(db, settings, member, date(2026, 11, 20))
    assert card.payload["arrears"]["warning"] == (
        "该党员欠交党费150.00元（2026年8月至2026年10月，共3个月），已在活动证上注明，请提醒其尽快补交"
    )
    kvs = {b.key: b.value for b in letter_document(settings, card).blocks if b.TYPE == "kv"}
    assert kvs["欠交党费"] == "150.00元（2026年8月至2026年10月，共3个月）"


def test_six_months_owed_refuse_the_card_and_nothing_is_issued(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    member = _member(db, build, paid_months={1, 2, 3, 4})
    with pytest.raises(Conflict) as refused:
        _issue(db, settings, member, date(2026, 11, 20))
    assert refused.value.code == "dues_arrears"
    assert refused.value.message.startswith(
        "该党员欠交党费300.00元（2026年5月至2026年10月，共6个月），已达六个月，不能发放流动党员活动证"
    )
    assert db.scalars(select(Letter).where(Letter.kind == LetterKind.FLOATING)).all() == []
    assert not member.floating


def test_the_api_answers_the_warning_and_the_refusal_in_chinese(client, db, build) -> None:  # type: ignore[no-untyped-def]
    today = hall_clock.today()
    orgs = build.district()
    build.user(orgs["b1"], "b1staff")
    owing = build.member(orgs["b1"], name="欠三月", monthly_fen=1000)
    behind = build.member(orgs["b1"], name="欠半年", monthly_fen=1000)
    # ledgers of the last year: the last three (resp. six) past months unpaid
    for member, owed in ((owing, 3), (behind, 6)):
        for back in range(1, 13):
            index = today.year * 12 + today.month - 1 - back
            year, month = divmod(index, 12)
            db.add(
                DuesMonth(
                    member_id=member.id,
                    org_id=member.org_id,
                    year=year,
                    month=month + 1,
                    due_fen=1000,
                    paid_fen=0 if back <= owed else 1000,
                )
            )
    ids = owing.id, behind.id
    db.commit()
    headers = login(client, "b1staff")
    body = {"host_name": "深圳某流动党委", "destination": "广东深圳"}
    r = client.post(f"/api/v1/members/{ids[0]}/floating-card", json=body, headers=headers)
    assert r.status_code == 201, r.json
    warning = r.json["warning"]
    assert warning.startswith("该党员欠交党费30.00元（") and "共3个月" in warning
    r = client.post(f"/api/v1/members/{ids[1]}/floating-card", json=body, headers=headers)
    assert r.status_code == 409 and r.json["code"] == "dues_arrears"
    assert "共6个月），已达六个月，不能发放流动党员活动证" in r.json["message"]
