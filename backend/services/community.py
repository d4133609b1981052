"""在职党员进社区报到: a member whose own organization is elsewhere (a workplace branch) registers
with the community branch where they live, and joins its activities (docs/meetings.md).

A community branch is any active branch; the member keeps their own organization. One open
registration per member: registering with another community ends the earlier one. The
activities they joined are their sign-ins at the community branch's meetings.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import (
    AttendanceState,
    CommunityRegistration,
    Meeting,
    MeetingAttendance,
    Member,
    Organization,
    OrgType,
)
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.scope import get_member, org_in_scope


def community_branches(session: Session) -> list[Organization]:
    """Every active branch of the district, by code: a member may register with any of them,
    whoever's subtree it is in."""
    return list(
        session.scalars(
            select(Organization)
            .where(Organization.type == OrgType.BRANCH, Organization.active.is_(True))
            .order_by(Organization.code)
        )
    )


def open_registration(session: Session, member_id: int) -> CommunityRegistration | None:
    return session.scalar(
        select(CommunityRegistration).where(
            CommunityRegistration.member_id == member_id,
            CommunityRegistration.ended_on.is_(None),
        )
    )


def _register(
    session: Session, actor: Actor, member: Member, org_id: int, today: date, via: str
) -> CommunityRegistration:
    org = session.get(Organization, org_id)
    if org is None or org.type is not OrgType.BRANCH or not org.active:
        raise NotFound("未找到该社区党支部", code="community_not_found")
    if org.id == member.org_id:
        raise Invalid("这是党员本人所在的党支部，无需报到", code="community_own_branch")
    current = open_registration(session, member.id)
    if current is not None and current.org_id == org.id:
        raise Conflict(f"已在{org.name}报到，无需重复报到", code="community_already")
    if current is not None:
        current.ended_on = today
    registration = CommunityRegistration(
        member_id=member.id, org_id=org.id, registered_on=today, via=via, created_by=actor.name
    )
    session.add(registration)
    session.flush()
    after = audit.snapshot(registration)
    if current is not None:
        after["ended_registration_id"] = current.id
    audit.record(
        session,
        actor,
        "community.register",
        "community_registration",
        registration.id,
        after=after,
    )
    return registration


def register_at_counter(
    session: Session, actor: Actor, member_id: int, org_id: int, today: date
) -> CommunityRegistration:
    """Staff register a member of their subtree with a community branch."""
    policy.authorize(actor, Action.COMMUNITY_REGISTER)
    member = get_member(session, actor, member_id)
    if member.archived:
        raise Invalid("该党员已离开本区，不能报到", code="member_archived")
    return _register(session, actor, member, org_id, today, "counter")


def register_at_kiosk(
    session: Session, device: Actor, member: Member, org_id: int, today: date
) -> CommunityRegistration:
    """The member themself, signed in at a kiosk by their card."""
    return _register(session, device, member, org_id, today, "kiosk")


def end_registration(
    session: Session, actor: Actor, registration_id: int, today: date
) -> CommunityRegistration:
    policy.authorize(actor, Action.COMMUNITY_REGISTER)
    registration = session.get(CommunityRegistration, registration_id)
    if registration is None or registration.ended_on is not None:
        raise NotFound("未找到该报到记录，或已结束", code="community_not_found")
    get_member(session, actor, registration.member_id)  # scope: the member's own staff
    registration.ended_on = today
    session.flush()
    audit.record(
        session,
        actor,
        "community.end",
        "community_registration",
        registration.id,
        after={"ended_on": today},
    )
    return registration


def registrations_query(actor: Actor, community: Organization | None = None) -> Select:
    """Open registrations with a community branch in the actor's subtree (what its staff see),
    with the number of the branch's meetings each member attended since registering."""
    joined = (
        select(func.count())
        .select_from(MeetingAttendance)
        .join(Meeting, Meeting.id == MeetingAttendance.meeting_id)
        .where(
            MeetingAttendance.member_id == CommunityRegistration.member_id,
            MeetingAttendance.state == AttendanceState.PRESENT,
            Meeting.org_id == CommunityRegistration.org_id,
            Meeting.held_on >= CommunityRegistration.registered_on,
        )
        .correlate(CommunityRegistration)
        .scalar_subquery()
    )
    stmt = (
        select(CommunityRegistration, joined.label("joined"))
        .join(Organization, Organization.id == CommunityRegistration.org_id)
        .join(Member, Member.id == CommunityRegistration.member_id)
        .where(CommunityRegistration.ended_on.is_(None), org_in_scope(actor))
    )
    if community is not None:
        stmt = stmt.where(CommunityRegistration.org_id == community.id)
    return stmt


def activities(session: Session, registration: CommunityRegistration) -> list[Meeting]:
    """The community branch's meetings the member attended since registering."""
    return list(
        session.scalars(
            select(Meeting)
            .join(MeetingAttendance, MeetingAttendance.meeting_id == Meeting.id)
            .where(
                MeetingAttendance.member_id == registration.member_id,
                MeetingAttendance.state == AttendanceState.PRESENT,
                Meeting.org_id == registration.org_id,
                Meeting.held_on >= registration.registered_on,
            )
            .order_by(Meeting.held_on.desc())
        )
    )
