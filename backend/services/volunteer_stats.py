"""Volunteer statistics (志愿服务统计): per team, per member, per year — sums of whole minutes.

Each is one grouped query, scoped to the actor's subtree by the team's organization, that the
console pages and exports both run (docs/volunteers.md). A member who has left a team keeps
the hours they served with it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import Session

from backend.models import (
    Member,
    Organization,
    VolunteerActivity,
    VolunteerMembership,
    VolunteerParticipation,
    VolunteerTeam,
)
from backend.services import scope
from backend.services.actor import Actor


def _in_year(year: int):
    return VolunteerActivity.held_on.between(date(year, 1, 1), date(year, 12, 31))


def members_with_minutes(year: int, at_least: int) -> Select:
    """Ids of the members who served at least ``at_least`` minutes in ``year``, over every team
    (the honor services' volunteer rule, docs/honor-services.md)."""
    return (
        select(VolunteerParticipation.member_id)
        .join(VolunteerActivity, VolunteerParticipation.activity_id == VolunteerActivity.id)
        .where(_in_year(year))
        .group_by(VolunteerParticipation.member_id)
        .having(func.sum(VolunteerParticipation.minutes) >= at_least)
    )


def team_stats_query(actor: Actor, year: int) -> Select:
    """Rows (team, organization name, current members, activities, sign-ins, people, minutes)
    for every team in scope, with zeros for a team idle that year."""
    members = (
        select(VolunteerMembership.team_id, func.count().label("n"))
        .where(VolunteerMembership.left_on.is_(None))
        .group_by(VolunteerMembership.team_id)
        .subquery()
    )
    acts = (
        select(VolunteerActivity.team_id, func.count().label("n"))
        .where(_in_year(year))
        .group_by(VolunteerActivity.team_id)
        .subquery()
    )
    hours = (
        select(
            VolunteerActivity.team_id,
            func.count().label("times"),
            func.count(func.distinct(VolunteerParticipation.member_id)).label("people"),
            func.sum(VolunteerParticipation.minutes).label("minutes"),
        )
        .join(VolunteerActivity, VolunteerParticipation.activity_id == VolunteerActivity.id)
        .where(_in_year(year))
        .group_by(VolunteerActivity.team_id)
        .subquery()
    )
    return (
        select(
            VolunteerTeam,
            Organization.name,
            func.coalesce(members.c.n, 0),
            func.coalesce(acts.c.n, 0),
            func.coalesce(hours.c.times, 0),
            func.coalesce(hours.c.people, 0),
            func.coalesce(hours.c.minutes, 0),
        )
        .join(Organization, VolunteerTeam.org_id == Organization.id)
        .outerjoin(members, members.c.team_id == VolunteerTeam.id)
        .outerjoin(acts, acts.c.team_id == VolunteerTeam.id)
        .outerjoin(hours, hours.c.team_id == VolunteerTeam.id)
        .where(scope.org_in_scope(actor))
        .order_by(Organization.code, VolunteerTeam.name, VolunteerTeam.id)
    )


def member_stats_query(actor: Actor, year: int, team_id: int | None = None) -> Select:
    """Rows (member id, name, card number, team name, organization, activities, minutes): one
    per member and team with hours that year, the most hours first."""
    minutes = func.sum(VolunteerParticipation.minutes)
    stmt = (
        select(
            Member.id,
            Member.name,
            Member.card_no,
            VolunteerTeam.name,
            Organization.name,
            func.count(VolunteerParticipation.id),
            minutes,
        )
        .select_from(VolunteerParticipation)
        .join(Member, VolunteerParticipation.member_id == Member.id)
        .join(VolunteerActivity, VolunteerParticipation.activity_id == VolunteerActivity.id)
        .join(VolunteerTeam, VolunteerActivity.team_id == VolunteerTeam.id)
        .join(Organization, VolunteerTeam.org_id == Organization.id)
        .where(scope.org_in_scope(actor), _in_year(year))
        .group_by(
            Member.id,
            Member.name,
            Member.card_no,
            VolunteerTeam.id,
            VolunteerTeam.name,
            Organization.name,
        )
        .order_by(minutes.desc(), Member.id, VolunteerTeam.id)
    )
    if team_id is not None:
        stmt = stmt.where(VolunteerTeam.id == team_id)
    return stmt


@dataclass(frozen=True)
class TeamHours:
    team: str
    org: str
    joined: bool
    year_minutes: int
    total_minutes: int
    activities: int


@dataclass(frozen=True)
class MemberHours:
    year: int
    year_minutes: int
    total_minutes: int
    teams: list[TeamHours]


def member_hours(session: Session, member_id: int, year: int) -> MemberHours:
    """A member's own hours (the kiosk's 我的志愿服务): this year, all years, per team."""
    year_sum = func.sum(VolunteerParticipation.minutes).filter(_in_year(year))
    rows = session.execute(
        select(
            VolunteerTeam.id,
            VolunteerTeam.name,
            Organization.name,
            func.coalesce(year_sum, 0),
            func.coalesce(func.sum(VolunteerParticipation.minutes), 0),
            func.count(VolunteerParticipation.id),
        )
        .select_from(VolunteerParticipation)
        .join(VolunteerActivity, VolunteerParticipation.activity_id == VolunteerActivity.id)
        .join(VolunteerTeam, VolunteerActivity.team_id == VolunteerTeam.id)
        .join(Organization, VolunteerTeam.org_id == Organization.id)
        .where(VolunteerParticipation.member_id == member_id)
        .group_by(VolunteerTeam.id, VolunteerTeam.name, Organization.name)
        .order_by(VolunteerTeam.name, VolunteerTeam.id)
    ).all()
    current = set(
        session.scalars(
            select(VolunteerMembership.team_id).where(
                and_(
                    VolunteerMembership.member_id == member_id,
                    VolunteerMembership.left_on.is_(None),
                )
            )
        )
    )
    teams = [
        TeamHours(name, org, tid in current, int(ym), int(tm), int(n))
        for tid, name, org, ym, tm, n in rows
    ]
    return MemberHours(
        year,
        sum(t.year_minutes for t in teams),
        sum(t.total_minutes for t in teams),
        teams,
    )
