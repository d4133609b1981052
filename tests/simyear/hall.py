"""The simulated year's hall, built with the backend's own services into SQLite: a small
district, members with cards and two years of unpaid dues, two counter clerks, a device key for
each kiosk and counter. Returns plain facts (no ORM objects) for the simulation."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from backend.models import Base, Role
from backend.settings import Settings
from tests.builders import PASSWORD, Builders
from tests.kiosk.world import CARD_UID_KEY, SECRET_KEY

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"
BRANCHES = ("b1", "b2", "b3")
MONTHLY_FEN = (2000, 3550, 5000, 7650, 12000)


@dataclass(frozen=True)
class HallMember:
    id: int
    uid: str
    org_id: int


@dataclass(frozen=True)
class Hall:
    database_url: str
    members: list[HallMember]
    branch_ids: list[int]
    clerks: list[str]
    password: str
    kiosk_keys: list[str]
    counter_keys: list[str]


def build_hall(
    folder: Path,
    *,
    members: int,
    kiosks: int,
    counters: int,
    years: tuple[int, ...],
    database_url: str | None = None,
) -> Hall:
    """Build the hall in ``database_url`` (an empty database), by default ``folder/hall.db``."""
    folder.mkdir(parents=True, exist_ok=True)
    url = database_url or f"sqlite:///{folder / 'hall.db'}"
    settings = Settings(database_url=url, secret_key=SECRET_KEY, card_uid_key=CARD_UID_KEY)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    with Session(engine) as session:
        build = Builders(session, settings)
        district = build.district()
        people: list[HallMember] = []
        for n in range(members):
            org = district[BRANCHES[n % len(BRANCHES)]]
            member = build.member(
                org,
                name=SURNAMES[n % 20] + GIVEN[(n // 20) % 20] + GIVEN[(n * 7) % 20],
                birth=date(1950 + n % 50, 1 + n % 12, 1 + n % 28),
                sex="M" if n % 2 else "F",
                monthly_fen=MONTHLY_FEN[n % len(MONTHLY_FEN)],
            )
            for year in years:
                build.ledger(member, year)  # every month owed: the counters have work
            people.append(HallMember(member.id, build.card(member), org.id))
        clerks = [f"clerk{n + 1}" for n in range(counters)]
        for clerk in clerks:
            build.user(district["district"], clerk, Role.COUNTER)
        kiosk_keys = [build.device(f"kiosk-{n + 1:02d}") for n in range(kiosks)]
        counter_keys = [build.device(f"counter-{n + 1}") for n in range(counters)]
        branch_ids = [district[b].id for b in BRANCHES]
        session.commit()
    engine.dispose()
    return Hall(url, people, branch_ids, clerks, PASSWORD, kiosk_keys, counter_keys)
