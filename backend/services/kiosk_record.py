"""我的信息: the record a member reads at the kiosk about themselves, masked (docs/kiosk.md).

Their masked name, ID number and phone; organization, 入党 and 转正 dates, 党龄 (none while
probationary), status; their organization's secretary (masked name) and contact phone; and
the organization's latest activities. It is built only for the member of the kiosk session,
never for a member named in a request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import CommitteeSeat, Member, Organization
from backend.services.branch_activities import Activity, latest_activities
from backend.services.kiosk_summary import party_age_years
from backend.services.masking import mask_id_number, mask_name, mask_phone

#: A mainland mobile number: a person's own number, so masked on a public screen.
_MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")
SECRETARY_POST = "书记"


@dataclass(frozen=True)
class MemberRecord:
    name_masked: str
    id_masked: str
    phone_masked: str
    org_name: str
    status: str
    status_label: str
    joined_on: date
    full_member_on: date | None
    party_age_years: int | None
    secretary_masked: str  # "" when the organization has none recorded
    contact_phone: str  # an office number in full, a mobile number masked; "" when none
    activities: list[Activity]


def secretary_name(session: Session, org: Organization) -> str | None:
    """The 书记 on the organization's committee, else the secretary named on its record."""
    seated = session.scalar(
        select(Member.name)
        .join(CommitteeSeat, CommitteeSeat.member_id == Member.id)
        .where(
            CommitteeSeat.org_id == org.id,
            CommitteeSeat.post == SECRETARY_POST,
            Member.archived.is_(False),
        )
    )
    return seated or (org.secretary or "").strip() or None


def shown_phone(phone: str | None) -> str:
    """An office (landline) number is the organization's and shown whole; a mobile number is
    a person's and masked like any phone on the kiosk."""
    text = re.sub(r"[\s-]", "", phone or "")
    if not text:
        return ""
    return mask_phone(text) if _MOBILE.match(text) else (phone or "").strip()


def member_record(session: Session, member: Member, today: date) -> MemberRecord:
    org = member.org
    secretary = secretary_name(session, org)
    return MemberRecord(
        name_masked=mask_name(member.name),
        id_masked=mask_id_number(member.id_number),
        phone_masked=mask_phone(member.phone),
        org_name=org.name,
        status=member.status.value,
        status_label=member.status.label,
        joined_on=member.joined_date,
        full_member_on=member.full_member_date,
        party_age_years=party_age_years(member, today),
        secretary_masked=mask_name(secretary) if secretary else "",
        contact_phone=shown_phone(org.phone or org.liaison_phone),
        activities=latest_activities(session, member, today),
    )
