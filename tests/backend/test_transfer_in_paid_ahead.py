"""A member transferred in with "党费已交到" beyond the arrival year (docs/dues.md).

The months the incoming letter covers were paid elsewhere: opening the following years must
not charge them again, whichever year they fall in.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy import select

from backend.models import DuesMonth
from backend.services import dues_year, transfer_in
from backend.services.idnumber import compose_id_number
from backend.services.members import MemberData
from tests.builders import SYSTEM, Builders

ARRIVAL = date(2026, 11, 10)


def _arrive(db, settings, build: Builders, paid_to: tuple[int, int], seq: int) -> int:  # type: ignore[no-untyped-def]
    orgs = build.district()
    data = MemberData(
        name="赵六",
        id_number=compose_id_number("110105", date(1990, 3, 8), seq),
        joined_date=date(2010, 7, 1),
        education="大学本科",
    )
    request = transfer_in.InRequest(
        data=data, org_id=orgs["b1"].id, from_name="外省某党委", on=ARRIVAL, paid_to=paid_to
    )
    transfer = transfer_in.transfer_in(db, SYSTEM, settings, request, today=ARRIVAL)
    return transfer.member_id


def _months(db, member_id: int) -> list[tuple[int, int]]:  # type: ignore[no-untyped-def]
    rows = db.execute(
        select(DuesMonth.year, DuesMonth.month)
        .where(DuesMonth.member_id == member_id)
        .order_by(DuesMonth.year, DuesMonth.month)
    )
    return [(y, m) for y, m in rows]


def test_paid_into_next_year_the_opening_starts_after_the_paid_month(db, settings, build) -> None:  # type: ignore[no-untyped-def]
    member_id = _arrive(db, settings, build, (2027, 3), 124)
    assert _months(db, member_id) == []  # November and December 2026 are covered
    result = dues_year.open_year(db, SYSTEM, 2027, backup=False)
    assert _months(db, member_id) == [(2027, m) for m in range(4, 13)]
    assert result.rows_created == 9


def test_a_whole_covered_year_is_never_charged(db, settings, build) -> None:  # type: ignore[no-untyped-def]
    # A hall that allows paying a year ahead (the default limit is six months).
    settings = replace(settings, dues=replace(settings.dues, advance_limit_months=14))
    member_id = _arrive(db, settings, build, (2027, 12), 126)
    dues_year.open_year(db, SYSTEM, 2027, backup=False)
    assert _months(db, member_id) == []
    dues_year.open_year(db, SYSTEM, 2028, backup=False)
    assert _months(db, member_id) == [(2028, m) for m in range(1, 13)]


def test_paid_within_the_arrival_year_opens_the_rest_of_it(db, settings, build) -> None:  # type: ignore[no-untyped-def]
    member_id = _arrive(db, settings, build, (2026, 11), 128)
    assert _months(db, member_id) == [(2026, 12)]
    dues_year.open_year(db, SYSTEM, 2027, backup=False)
    assert _months(db, member_id)[1:] == [(2027, m) for m in range(1, 13)]
