"""The district the counter scenarios work in, built with the backend's own services (SQLite).

Every scenario has members of its own, so the scenarios share one backend and run in any
order: two 张伟 to tell apart, members to pay for, to give a card, to move within the district,
out of it, into it, one whose transfer is made to fail, and one in another branch for scope.
Staff: a district counter user (with a staff card + PIN) and a user of the first branch.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from backend.models import (
    Base,
    DuesMonth,
    Letter,
    Member,
    Membership,
    MemberStatus,
    Role,
    User,
)
from backend.services import staff_cards, transfer_out
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from backend.settings import Settings
from tests.builders import PASSWORD, Builders
from tests.kiosk.world import CARD_UID_KEY, SECRET_KEY

MONTHLY_FEN = 7650
STAFF_UID = "5A5A0001"
STAFF_PIN = "2468"
CLERK2_NAME = "李经办"
#: Blank cards handed out in the scenarios (no member holds them).
BLANKS = {"card_desk": "B1A2C3D4", "into": "B1A2C3D5", "unknown": "B1A2C3D6"}


def _ledger(session: Session, member: Member, year: int, paid_through: int) -> None:
    for month in range(1, 13):
        paid = member.monthly_dues_fen or 0 if month <= paid_through else 0
        session.add(
            DuesMonth(
                member_id=member.id,
                org_id=member.org_id,
                year=year,
                month=month,
                due_fen=member.monthly_dues_fen,
                paid_fen=paid,
            )
        )
    session.flush()


def _backdate(session: Session, member: Member) -> None:
    """Builders open memberships today; these members joined their branch long ago."""
    period = session.scalar(select(Membership).where(Membership.member_id == member.id))
    assert period is not None
    period.start_date = date(2020, 1, 1)
    session.flush()


def _facts(member: Member, **extra: Any) -> dict[str, Any]:
    return {
        "id": member.id,
        "name": member.name,
        "card_no": member.card_no,
        "member_no": member.member_no,
        "org_name": member.org.name,
        "phone": member.phone,
        **extra,
    }


def _letters(
    session: Session,
    settings: Settings,
    user: User,
    people: dict[str, dict[str, Any]],
    member: Callable[..., Member],
    today: date,
) -> None:
    """Two members gone out of the district with an introduction letter each: one issued 60
    days ago for 30 days (its 回执 overdue), one issued today."""
    clerk = Actor.for_user(user)
    for key, name, issued in (
        ("letter_overdue", "何逾期", today - timedelta(days=60)),
        ("letter_valid", "许待回", today),
    ):
        gone = member(key, "b1", name, today.month)
        request = transfer_out.OutRequest(
            to_name="外省某县委组织部", valid_days=30, allow_shortfall=True
        )
        transfer = transfer_out.transfer_out(
            session, clerk, settings, gone.id, request, today=issued
        )
        letter = session.scalar(select(Letter).where(Letter.member_id == gone.id))
        assert letter is not None and transfer is not None
        people[key]["letter_no"] = letter.number


def build_world(folder: Path, url: str | None = None) -> dict[str, Any]:
    """Build the district in ``url`` (default: a new ``folder/hall.db``), write
    ``folder/world.json`` and return what the scenarios assert against."""
    folder.mkdir(parents=True, exist_ok=True)
    url = url or f"sqlite:///{folder / 'hall.db'}"
    settings = Settings(database_url=url, secret_key=SECRET_KEY, card_uid_key=CARD_UID_KEY)
    engine = create_engine(url)
    Base.metadata.create_all(engine)
    today = hall_today(settings.dues)
    with Session(engine) as session:
        build = Builders(session, settings)
        d = build.district()
        people: dict[str, dict[str, Any]] = {}

        def member(key: str, org: str, name: str, paid_through: int, **kw: Any) -> Member:
            m = build.member(d[org], name=name, monthly_fen=MONTHLY_FEN, **kw)
            _backdate(session, m)
            _ledger(session, m, today.year, paid_through)
            uid = build.card(m)
            people[key] = _facts(m, uid=uid)
            return m

        zhang1 = build.member(d["b1"], name="张伟", birth=date(1975, 3, 2), monthly_fen=MONTHLY_FEN)
        zhang2 = build.member(d["b3"], name="张伟", birth=date(1988, 9, 9), monthly_fen=4900)
        people["zhang_b1"] = _facts(zhang1, birth_year=1975, id_number=zhang1.id_number)
        people["zhang_b3"] = _facts(zhang2, birth_year=1988, id_number=zhang2.id_number)
        _ledger(session, zhang1, today.year, today.month - 3)
        member("pay", "b1", "孙立新", today.month - 3)
        member("race", "b1", "郑同时", today.month - 2)
        member("within", "b1", "赵建国", 6, sex="M")
        member("out", "b1", "钱红梅", today.month, sex="F", birth=date(1985, 6, 15))
        member("fails", "b1", "吴不成", 6)
        member("other_branch", "b2", "周晓", today.month)
        member("tap_first", "b1", "马先到", today.month - 2)
        member("tap_second", "b1", "杨后来", today.month - 2)
        member("void_box", "b1", "韩作废", today.month - 2)
        member(
            "probation",
            "b1",
            "邓预备",
            today.month,
            status=MemberStatus.PROBATIONARY,
            joined=today - timedelta(days=200),
        )
        people["probation"]["joined"] = (today - timedelta(days=200)).isoformat()
        member("close", "b2", "陈日结", today.month - 3)
        nocard = build.member(d["b1"], name="冯新卡", monthly_fen=MONTHLY_FEN)
        people["nocard"] = _facts(nocard, uid=None)
        build.user(d["district"], "counter", Role.COUNTER)
        build.user(d["b1"], "branch1", Role.ORG_STAFF)
        # A clerk whose full name differs from the user name: slips print the full name.
        build.user(d["district"], "clerk2", Role.COUNTER).full_name = CLERK2_NAME
        build.user(d["district"], "counter2", Role.COUNTER)  # closes its day (日结)
        user = session.scalar(select(User).where(User.username == "counter"))
        assert user is not None
        staff_cards.bind_staff_card(
            session, settings, user, uid=STAFF_UID, pin=STAFF_PIN, password=PASSWORD
        )
        _letters(session, settings, user, people, member, today)
        device_key = build.device("counter-1")
        orgs = {key: {"id": o.id, "name": o.name, "code": o.code} for key, o in d.items()}
        session.commit()
    engine.dispose()
    world = {
        "database_url": url,
        "device_key": device_key,
        "members": people,
        "orgs": orgs,
        "password": PASSWORD,
        "staff_uid": STAFF_UID,
        "staff_pin": STAFF_PIN,
        "clerk2": {"username": "clerk2", "full_name": CLERK2_NAME},
        "blanks": BLANKS,
        "today": today.isoformat(),
        "into": {
            "name": "林新来",
            "id_number": "11010519491231002X",
            "joined_date": "2010-07-01",
            "phone": "13700001111",
            "education": "大学本科",
            "from_name": "外省某市某区机关工委",
            "letter_no": "外字2026第0815号",
            "paid_to": f"{today.year}-{today.month:02d}",
        },
    }
    (folder / "world.json").write_text(json.dumps(world, ensure_ascii=False, indent=2), "utf-8")
    return world
