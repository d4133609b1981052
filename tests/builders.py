"""Record builders for tests: a small district, members with valid ID numbers, cards, users."""

from __future__ import annotations

import itertools
from datetime import date

from sqlalchemy.orm import Session

from backend.models import DuesCategory, DuesMonth, Member, MemberStatus, Organization, Role
from backend.services import cards, members, orgs, users
from backend.services.actor import Actor
from backend.services.idnumber import compose_id_number
from backend.settings import Settings

SYSTEM = Actor.system("test")
PASSWORD = "Passw0rd!"


class Builders:
    def __init__(self, session: Session, settings: Settings) -> None:
        self.session = session
        self.settings = settings
        self._seq = itertools.count(1)
        self._uid = itertools.count(0x10000000)

    def district(self) -> dict[str, Organization]:
        """区 01000000 → 党委 01010000 → 总支 01010100 → 支部 01010101, 01010102;
        a second 党委 01020000 with a branch directly under it, 01020001."""
        s, a = self.session, SYSTEM
        d = orgs.create_org(s, a, code="01000000", name="示范区委", type="district", parent=None)
        c1 = orgs.create_org(
            s,
            a,
            code="01010000",
            name="第一街道党工委",
            type="committee",
            parent=d,
            address="示范区人民路1号",
            phone="010-12345678",
            fax="010-12345679",
            postcode="100001",
        )
        g1 = orgs.create_org(
            s, a, code="01010100", name="幸福社区党总支", type="general_branch", parent=c1
        )
        b1 = orgs.create_org(
            s,
            a,
            code="01010101",
            name="幸福社区第一党支部",
            type="branch",
            parent=g1,
            secretary="李书记",
            phone="13800000001",
        )
        b2 = orgs.create_org(
            s,
            a,
            code="01010102",
            name="幸福社区第二党支部",
            type="branch",
            parent=g1,
            secretary="王书记",
            phone="13800000002",
        )
        c2 = orgs.create_org(
            s, a, code="01020000", name="第二街道党工委", type="committee", parent=d
        )
        b3 = orgs.create_org(
            s,
            a,
            code="01020001",
            name="机关党支部",
            type="branch",
            parent=c2,
            secretary="赵书记",
            phone="13800000003",
        )
        s.flush()
        return {"district": d, "c1": c1, "g1": g1, "b1": b1, "b2": b2, "c2": c2, "b3": b3}

    def member(
        self,
        org: Organization,
        *,
        name: str = "张小明",
        birth: date = date(1980, 5, 17),
        sex: str = "M",
        monthly_fen: int | None = 5000,
        status: MemberStatus = MemberStatus.FULL,
        category: DuesCategory = DuesCategory.EMPLOYED,
        joined: date = date(2005, 7, 1),
        phone: str | None = "13912345678",
    ) -> Member:
        n = next(self._seq)
        seq = n * 2 + (1 if sex == "M" else 0)
        data = members.MemberData(
            name=name,
            id_number=compose_id_number("110105", birth, seq % 1000),
            joined_date=joined,
            status=status,
            dues_category=category,
            monthly_dues_fen=monthly_fen,
            phone=phone,
            education="大学本科",
            full_member_date=None if status is MemberStatus.PROBATIONARY else joined,
        )
        return members.create_member(self.session, SYSTEM, data, org)

    def card(self, member: Member, uid: str | None = None) -> str:
        uid = uid or f"{next(self._uid):08X}"
        cards.issue_card(self.session, SYSTEM, member, uid, self.settings.card_uid_key)
        return uid

    def ledger(self, member: Member, year: int, paid_months: set[int] | None = None) -> None:
        """Twelve months at the member's monthly amount; the given months marked paid."""
        for month in range(1, 13):
            paid = member.monthly_dues_fen or 0 if month in (paid_months or set()) else 0
            self.session.add(
                DuesMonth(
                    member_id=member.id,
                    org_id=member.org_id,
                    year=year,
                    month=month,
                    due_fen=member.monthly_dues_fen,
                    paid_fen=paid,
                )
            )
        self.session.flush()

    def user(self, org: Organization, username: str, role: Role = Role.ORG_STAFF):
        return users.create_user(
            self.session,
            SYSTEM,
            username=username,
            password=PASSWORD,
            full_name=username,
            role=role,
            org=org,
        )

    def device(self, name: str = "kiosk-1") -> str:
        _device, key = users.register_device(self.session, SYSTEM, name)
        return key
