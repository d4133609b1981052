"""API timestamps carry their offset: a client reads the hall's time and knows it is +08:00,
whatever zone the server or the client runs in (docs/time.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select

from backend.models import DuesMonth, Payment
from backend.services import hall_clock
from backend.services.dues_year import hall_today
from tests.builders import PASSWORD, Builders


def test_payment_and_ledger_times_carry_the_offset(client, build: Builders, db, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], monthly_fen=5000)
    build.ledger(member, hall_today(settings.dues).year)
    build.user(orgs["g1"], "zongzhi")
    db.commit()
    token = client.post("/api/v1/auth/login", json={"username": "zongzhi", "password": PASSWORD})
    headers = {"Authorization": f"Bearer {token.json['token']}", "Idempotency-Key": "time-0001"}
    paid = client.post(f"/api/v1/members/{member.id}/payments", json={"count": 1}, headers=headers)
    assert paid.status_code == 201, paid.json
    ledger = client.get(f"/api/v1/members/{member.id}/ledger", headers=headers).json
    stored = db.scalar(select(Payment.created_at))
    month_paid = db.scalar(select(DuesMonth.paid_at).where(DuesMonth.paid_at.is_not(None)))
    created = paid.json["created_at"]
    assert created.endswith("+08:00")
    assert datetime.fromisoformat(created) == stored.replace(tzinfo=UTC, microsecond=0)
    paid_at = [m["paid_at"] for m in ledger["months"] if m["paid_at"]]
    assert paid_at == [hall_clock.api_timestamp(month_paid, "Asia/Shanghai")]
    assert paid_at[0].endswith("+08:00")


def test_conversions_round_trip_across_the_date_line() -> None:
    """00:30 on 1 March in the hall is 16:30 on 28 February in UTC, and back."""
    beijing = hall_clock.zone("Asia/Shanghai")
    midnight = hall_clock.stored(datetime(2026, 2, 28, 16, 0, tzinfo=UTC))
    assert hall_clock.utc_start_of(date(2026, 3, 1), "Asia/Shanghai") == midnight
    local = hall_clock.to_local(midnight, "Asia/Shanghai")
    assert local.replace(tzinfo=beijing) == datetime(2026, 3, 1, tzinfo=beijing)
    half_past = datetime(2026, 3, 1, 0, 30, tzinfo=beijing)
    assert hall_clock.to_utc(half_past.replace(tzinfo=None), "Asia/Shanghai") == (
        hall_clock.stored(half_past)
    )
    assert hall_clock.api_timestamp(hall_clock.stored(half_past), "Asia/Shanghai") == (
        "2026-03-01T00:30:00+08:00"
    )
