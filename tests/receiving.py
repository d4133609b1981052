"""A small district with transfers waiting on the receiving side, for the inbox tests: a member
from outside the district arriving in branch b1 (a 转入通知 to its 总支 and a dues notice to its
党委) and a member moved from b3 into b1 (a 转入通知 to the 总支)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from backend.models import Organization, Role, Transfer
from backend.services import transfer_in, transfer_within
from backend.services.dues_year import hall_today
from backend.services.idnumber import compose_id_number
from backend.services.members import MemberData
from tests.builders import SYSTEM, Builders


@dataclass
class Receiving:
    orgs: dict[str, Organization]
    today: date
    incoming: Transfer  # 区外转入 into b1: dues wait for the 党委
    moved: Transfer  # 区内转接 b3 → b1


def newcomer_data(name: str = "赵六", seq: int = 124) -> MemberData:
    return MemberData(
        name=name,
        id_number=compose_id_number("110105", date(1990, 3, 8), seq),
        joined_date=date(2010, 7, 1),
        full_member_date=date(2011, 7, 1),
        education="大学本科",
        phone="13700000000",
    )


def receiving_district(build: Builders) -> Receiving:
    """Users: ``b1staff`` (branch), ``g1staff`` (总支), ``c1staff`` (党委), ``c2staff`` (the other
    党委), ``counter`` and ``admin``. The caller commits."""
    settings = build.settings
    orgs = build.district()
    build.user(orgs["b1"], "b1staff")
    build.user(orgs["g1"], "g1staff")
    build.user(orgs["c1"], "c1staff")
    build.user(orgs["c2"], "c2staff")
    build.user(orgs["district"], "counter", Role.COUNTER)
    build.user(orgs["district"], "admin", Role.ADMIN)
    today = hall_today(settings.dues)
    incoming = transfer_in.transfer_in(
        build.session,
        SYSTEM,
        settings,
        transfer_in.InRequest(
            data=newcomer_data(), org_id=orgs["b1"].id, from_name="外省某市某党委", on=today
        ),
        today=today,
    )
    member = build.member(orgs["b3"], name="钱七")
    moved = transfer_within.transfer_within(
        build.session, SYSTEM, settings, member.id, orgs["b1"].id, on=today, today=today
    )
    return Receiving(orgs, today, incoming, moved)
