"""Volunteer teams and activities for staff (console helpers, the counter, a kiosk being set to
an activity's sign-in): ``services.volunteer_*``, docs/volunteers.md."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.models import Role, VolunteerActivity, VolunteerTeam
from backend.services import (
    scope,
    volunteer_activities,
    volunteer_stats,
    volunteer_teams,
)
from backend.services.dues_year import hall_today
from backend.services.masking import mask_phone
from backend.services.policy import Action
from backend.services.volunteer_activities import format_hours

ERRORS = (400, 401, 404, 409)


class TeamIn(BaseModel):
    org_id: int
    name: str = Field(max_length=60)
    leader: str = Field(max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=200)


class TeamOut(BaseModel):
    id: int
    org_id: int
    org_name: str
    name: str
    leader: str
    phone_masked: str
    active: bool


def team_out(team: VolunteerTeam) -> TeamOut:
    return TeamOut(
        id=team.id,
        org_id=team.org_id,
        org_name=team.org.name,
        name=team.name,
        leader=team.leader,
        phone_masked=mask_phone(team.phone),
        active=team.active,
    )


class TeamListOut(BaseModel):
    items: list[TeamOut]


@endpoint(
    api_bp,
    "/volunteer-teams",
    summary="志愿服务队（本范围内）",
    response=TeamListOut,
    action=Action.READ,
)
def volunteer_list_teams(ctx: Ctx) -> TeamListOut:
    stmt = volunteer_teams.teams_query(ctx.actor).limit(500)
    return TeamListOut(items=[team_out(t) for t in ctx.session.scalars(stmt)])


@endpoint(
    api_bp,
    "/volunteer-teams",
    method="POST",
    summary="新建志愿服务队",
    body=TeamIn,
    response=TeamOut,
    status=201,
    errors=ERRORS,
    action=Action.VOLUNTEER_EDIT,
)
def volunteer_create_team(ctx: Ctx, body: TeamIn) -> TeamOut:
    team = volunteer_teams.create_team(
        ctx.session, ctx.actor, volunteer_teams.TeamData(**body.model_dump())
    )
    return team_out(team)


class JoinIn(BaseModel):
    member_id: int


class RosterOut(BaseModel):
    team_id: int
    member_id: int
    joined_on: str
    via: str


@endpoint(
    api_bp,
    "/volunteer-teams/<int:team_id>/members",
    method="POST",
    summary="登记队员（窗口或后台）",
    body=JoinIn,
    response=RosterOut,
    status=201,
    errors=ERRORS,
    action=Action.VOLUNTEER_EDIT,
)
def volunteer_join_team(ctx: Ctx, team_id: int, body: JoinIn) -> RosterOut:
    team = volunteer_teams.get_team(ctx.session, ctx.actor, team_id)
    member = scope.get_member(ctx.session, ctx.actor, body.member_id)
    via = "counter" if ctx.actor.role is Role.COUNTER else "console"
    row = volunteer_teams.join(
        ctx.session, ctx.actor, team, member, via=via, today=hall_today(ctx.settings.dues)
    )
    return RosterOut(
        team_id=team.id, member_id=member.id, joined_on=row.joined_on.isoformat(), via=row.via
    )


class ActivityIn(BaseModel):
    team_id: int
    held_on: dt.date
    place: str = Field(max_length=100)
    description: str = Field(max_length=500)
    hours: str = Field(max_length=8, description="每人服务时长（小时，最多一位小数）")


class ActivityOut(BaseModel):
    id: int
    team_id: int
    team_name: str
    held_on: str
    place: str
    description: str
    hours: str
    participants: int


def activity_out(ctx: Ctx, activity: VolunteerActivity) -> ActivityOut:
    return ActivityOut(
        id=activity.id,
        team_id=activity.team_id,
        team_name=activity.team.name,
        held_on=activity.held_on.isoformat(),
        place=activity.place,
        description=activity.description,
        hours=format_hours(activity.minutes),
        participants=volunteer_activities.participant_count(ctx.session, activity.id),
    )


class ActivityQuery(BaseModel):
    on: dt.date | None = Field(default=None, description="活动日期；缺省为今天")


class ActivityListOut(BaseModel):
    items: list[ActivityOut]


@endpoint(
    api_bp,
    "/volunteer-activities",
    summary="某一天的志愿活动（设置查询机签到时选择）",
    query=ActivityQuery,
    response=ActivityListOut,
    action=Action.READ,
)
def volunteer_list_activities(ctx: Ctx, query: ActivityQuery) -> ActivityListOut:
    day = query.on or hall_today(ctx.settings.dues)
    stmt = volunteer_activities.activities_query(ctx.actor).where(VolunteerActivity.held_on == day)
    return ActivityListOut(
        items=[activity_out(ctx, a) for a in ctx.session.scalars(stmt.limit(200))]
    )


@endpoint(
    api_bp,
    "/volunteer-activities",
    method="POST",
    summary="登记志愿活动",
    body=ActivityIn,
    response=ActivityOut,
    status=201,
    errors=ERRORS,
    action=Action.VOLUNTEER_EDIT,
)
def volunteer_create_activity(ctx: Ctx, body: ActivityIn) -> ActivityOut:
    data = volunteer_activities.ActivityData(**body.model_dump())
    activity = volunteer_activities.create_activity(
        ctx.session, ctx.actor, data, today=hall_today(ctx.settings.dues)
    )
    return activity_out(ctx, activity)


class ParticipantIn(BaseModel):
    member_id: int
    hours: str | None = Field(default=None, max_length=8, description="缺省为活动的时长")


class ParticipantOut(BaseModel):
    member_id: int
    hours: str
    via: str


@endpoint(
    api_bp,
    "/volunteer-activities/<int:activity_id>/participants",
    method="POST",
    summary="工作人员为队员补登签到",
    body=ParticipantIn,
    response=ParticipantOut,
    status=201,
    errors=ERRORS,
    action=Action.VOLUNTEER_EDIT,
)
def volunteer_add_participant(ctx: Ctx, activity_id: int, body: ParticipantIn) -> ParticipantOut:
    activity = volunteer_activities.get_activity(ctx.session, ctx.actor, activity_id)
    row = volunteer_activities.staff_add(
        ctx.session,
        ctx.actor,
        activity,
        body.member_id,
        today=hall_today(ctx.settings.dues),
        hours=body.hours,
    )
    return ParticipantOut(member_id=row.member_id, hours=format_hours(row.minutes), via=row.via)


class StatsQuery(BaseModel):
    year: int | None = Field(default=None, ge=2000, le=2100)


class TeamStatOut(BaseModel):
    team_id: int
    team: str
    org: str
    members: int
    activities: int
    sign_ins: int
    people: int
    hours: str


class StatsOut(BaseModel):
    year: int
    teams: list[TeamStatOut]


@endpoint(
    api_bp,
    "/volunteer-stats",
    summary="志愿服务统计（按队伍、年度）",
    query=StatsQuery,
    response=StatsOut,
    action=Action.READ,
)
def volunteer_team_stats(ctx: Ctx, query: StatsQuery) -> StatsOut:
    year = query.year or hall_today(ctx.settings.dues).year
    rows = ctx.session.execute(volunteer_stats.team_stats_query(ctx.actor, year).limit(1000))
    return StatsOut(
        year=year,
        teams=[
            TeamStatOut(
                team_id=t.id,
                team=t.name,
                org=org,
                members=m,
                activities=a,
                sign_ins=s,
                people=p,
                hours=format_hours(minutes),
            )
            for t, org, m, a, s, p, minutes in rows
        ],
    )
