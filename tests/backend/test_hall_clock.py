"""'Today' is the hall's day: a server on UTC, just after midnight in Beijing.

At 00:30 on 1 March 2026 in the hall a UTC server's own clock still reads 16:30 on 28 February.
Whatever the staff enter as happening today must be dated 1 March and accepted as such.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.orm import Session

from backend import create_app
from backend.errors import Invalid
from backend.models import Donation, HonorEntry, Membership
from backend.services import hall_clock, honors, members, org_changes
from backend.services.dues_year import hall_today
from backend.services.idnumber import compose_id_number, parse_id_number
from backend.settings import DuesSettings, Settings
from tests.builders import SYSTEM, Builders

BEIJING = ZoneInfo("Asia/Shanghai")
HALL_MIDNIGHT = datetime(2026, 3, 1, 0, 30, tzinfo=BEIJING)
HALL_NEW_YEAR = datetime(2026, 1, 1, 0, 30, tzinfo=BEIJING)


@contextmanager
def server_on_utc(hall_time: datetime) -> Iterator[None]:
    """Stop the clock at ``hall_time`` with the process's own zone set to UTC (time-machine
    sets ``TZ`` to the zone of a destination given with a ``ZoneInfo``)."""
    with time_machine.travel(hall_time.astimezone(ZoneInfo("UTC")), tick=False):
        server_day = datetime.now(UTC).astimezone().date()  # the server's own zone
        assert server_day < hall_time.date()  # the server's own calendar lags a day
        yield


def test_a_member_registered_after_midnight_starts_on_the_halls_day(
    build: Builders, db: Session
) -> None:
    with server_on_utc(HALL_MIDNIGHT):
        orgs = build.district()
        member = build.member(orgs["b1"], name="刘新民", joined=date(2026, 3, 1))
        period = db.scalar(select(Membership).where(Membership.member_id == member.id))
        assert member.joined_date == date(2026, 3, 1)
        assert period.start_date == date(2026, 3, 1)
        members.archive_member(db, SYSTEM, member, reason="转出本区")
        assert period.end_date == date(2026, 3, 1)
        with pytest.raises(Invalid) as tomorrow:
            build.member(orgs["b1"], name="孙立", joined=date(2026, 3, 2))
    assert tomorrow.value.message == "入党日期不能晚于今天"


def test_a_donation_made_today_in_the_hall_is_accepted(build: Builders, db: Session) -> None:
    with server_on_utc(HALL_MIDNIGHT):
        district = build.district()["district"]

        def donate(day: date) -> Donation:
            return honors.add_donation(
                db,
                SYSTEM,
                donor_name="周国庆",
                amount_fen=100_000,
                donated_on=day,
                receiving_org=district,
            )

        assert donate(date(2026, 3, 1)).donated_on == date(2026, 3, 1)
        with pytest.raises(Invalid) as tomorrow:
            donate(date(2026, 3, 2))
    assert tomorrow.value.message == "捐赠日期不能晚于今天"


def test_on_new_years_night_this_years_honors_can_be_entered(build: Builders, db: Session) -> None:
    with server_on_utc(HALL_NEW_YEAR):
        orgs = build.district()

        def honor(year: int) -> HonorEntry:
            return honors.add_honor(
                db,
                SYSTEM,
                kind="organization",
                title="先进基层党组织",
                year=year,
                awarding_body="中共示范区委员会",
                org=orgs["b3"],
            )

        assert honor(2026).year == 2026
        with pytest.raises(Invalid) as next_year:
            honor(2027)
    assert next_year.value.message == "表彰年度2027不正确"


def test_a_branch_dissolved_after_midnight_is_dated_the_halls_day(
    build: Builders, db: Session
) -> None:
    with server_on_utc(HALL_MIDNIGHT):
        branch = build.district()["b2"]
        org_changes.dissolve_org(db, SYSTEM, branch)
    assert branch.dissolved_on == date(2026, 3, 1)


def test_a_baby_born_today_in_the_hall_has_a_valid_id_number() -> None:
    number = compose_id_number("110105", date(2026, 3, 1), 1)
    with server_on_utc(HALL_MIDNIGHT):
        assert parse_id_number(number).birth_date == date(2026, 3, 1)


@pytest.fixture
def urumqi_settings(tmp_path: Path) -> Iterator[Settings]:
    """A hall configured on Xinjiang time (UTC+6); the process's hall zone is put back after."""
    yield Settings(
        database_url=f"sqlite:///{tmp_path / 'hall.db'}",
        secret_key="test-secret",
        card_uid_key="test-card-key",
        dues=DuesSettings(timezone="Asia/Urumqi"),
    )
    hall_clock.use_zone(DuesSettings().timezone)


def test_the_configured_zone_sets_the_day_for_services_too(urumqi_settings: Settings) -> None:
    app = create_app(urumqi_settings)
    app.extensions["hall"].engine.dispose()
    # 01:30 on 1 March in Beijing is still 23:30 on 28 February in Urumqi.
    with time_machine.travel(datetime(2026, 2, 28, 17, 30, tzinfo=ZoneInfo("UTC")), tick=False):
        assert hall_today(urumqi_settings.dues) == date(2026, 2, 28)
        assert hall_clock.today() == date(2026, 2, 28)
