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


class VolunteerTeamIn(BaseModel):
    org_id: int
    name: str = Field(max_length=60)
    leader: str = Field(max_length=50)
    phone: str | None = Field(default=None, max_length=20)
    note: str | None = Field(default=None, max_length=200)


class VolunteerTeamOut(BaseModel):
    id: int
    org_id: int
    org_name: str
    name: str
    leader: str
    phone_masked: str
    active: bool


def team_out(team: VolunteerTeam) -> VolunteerTeamOut:
    return VolunteerTeamOut(
        id=team.id,
        org_id=team.org_id,
        org_name=team.org.name,
        name=team.name,
        leader=team.leader,
        phone_masked=mask_phone(team.phone),
        active=team.active,
    )


class VolunteerTeamListOut(BaseModel):
    items: list[VolunteerTeamOut]


@endpoint(
    api_bp,
    "/volunteer-teams",
    summary="志愿服务队（本范围内）",
    response=VolunteerTeamListOut,
    action=Action.READ,
)
def volunteer_list_teams(ctx: Ctx) -> VolunteerTeamListOut:
    stmt = volunteer_teams.teams_query(ctx.actor).limit(500)
    return VolunteerTeamListOut(items=[team_out(t) for t in ctx.session.scalars(stmt)])


@endpoint(
    api_bp,
    "/volunteer-teams",
    method="POST",
    summary="新建志愿服务队",
    body=VolunteerTeamIn,
    response=VolunteerTeamOut,
    status=201,
    errors=ERRORS,
    action=Action.VOLUNTEER_EDIT,
)
def volunteer_create_team(ctx: Ctx, body: VolunteerTeamIn) -> VolunteerTeamOut:
    team = volunteer_teams.create_team(
        ctx.session, ctx.actor, volunteer_teams.TeamData(**body.model_dump())
    )
    return team_out(team)


class VolunteerJoinIn(BaseModel):
    member_id: int


class VolunteerRosterOut(BaseModel):
    team_id: int
    member_id: int
    joined_on: str
    via: str


@endpoint(
    api_bp,
    "/volunteer-teams/<int:team_id>/members",
    method="POST",
    summary="登记队员（窗口或后台）",
    body=VolunteerJoinIn,
    response=VolunteerRosterOut,
    status=201,
    errors=ERRORS,
    action=Action.VOLUNTEER_EDIT,
)
def volunteer_join_team(ctx: Ctx, team_id: int, body: VolunteerJoinIn) -> VolunteerRosterOut:
    team = volunteer_teams.get_team(ctx.session, ctx.actor, team_id)
    member = scope.get_member(ctx.session, ctx.actor, body.member_id)
    via = "counter" if ctx.actor.role is Role.COUNTER else "console"
    row = volunteer_teams.join(
        ctx.session, ctx.actor, team, member, via=via, today=hall_today(ctx.settings.dues)
    )
    return VolunteerRosterOut(
        team_id=team.id, member_id=member.id, joined_on=row.joined_on.isoformat(), via=row.via
    )


class VolunteerActivityIn(BaseModel):
    team_id: int
    held_on: dt.date
    place: str = Field(max_length=100)
    description: str = Field(max_length=500)
    hours: str = Field(max_length=8, description="每人服务时长（小时，最多一位小数）")


class VolunteerActivityOut(BaseModel):
    id: int
    team_id: int
    team_name: str
    held_on: str
    place: str
    description: str
    hours: str
    participants: int


def activity_out(ctx: Ctx, activity: VolunteerActivity) -> VolunteerActivityOut:
    return VolunteerActivityOut(
        id=activity.id,
        team_id=activity.team_id,
        team_name=activity.team.name,
        held_on=activity.held_on.isoformat(),
        place=activity.place,
        description=activity.description,
        hours=format_hours(activity.minutes),
        participants=volunteer_activities.participant_count(ctx.session, activity.id),
    )


class VolunteerActivityQuery(BaseModel):
    on: dt.date | None = Field(default=None, description="活动日期；缺省为今天")


class VolunteerActivityListOut(BaseModel):
    items: list[VolunteerActivityOut]


@endpoint(
    api_bp,
    "/volunteer-activities",
    summary="某一天的志愿活动（设置查询机签到时选择）",
    query=VolunteerActivityQuery,
    response=VolunteerActivityListOut,
    action=Action.READ,
)
def volunteer_list_activities(ctx: Ctx, query: VolunteerActivityQuery) -> VolunteerActivityListOut:
    day = query.on or hall_today(ctx.settings.dues)
    stmt = volunteer_activities.activities_query(ctx.actor).where(VolunteerActivity.held_on == day)
    return VolunteerActivityListOut(
        items=[activity_out(ctx, a) for a in ctx.session.scalars(stmt.limit(200))]
    )


@endpoint(
    api_bp,
    "/volunteer-activities",
    method="POST",
    summary="登记志愿活动",
    body=VolunteerActivityIn,
    response=VolunteerActivityOut,
    status=201,
    errors=ERRORS,
    action=Action.VOLUNTEER_EDIT,
)
def volunteer_create_activity(ctx: Ctx, body: VolunteerActivityIn) -> VolunteerActivityOut:
    data = volunteer_activities.ActivityData(**body.model_dump())
    activity = volunteer_activities.create_activity(
        ctx.session, ctx.actor, data, today=hall_today(ctx.settings.dues)
    )
    return activity_out(ctx, activity)


class VolunteerParticipantIn(BaseModel):
    member_id: int
    hours: str | None = Field(default=None, max_length=8, description="缺省为活动的时长")


class VolunteerParticipantOut(BaseModel):
    member_id: int
    hours: str
    via: str


@endpoint(
    api_bp,
    "/volunteer-activities/<int:activity_id>/participants",
    method="POST",
    summary="工作人员为队员补登签到",
    body=VolunteerParticipantIn,
    response=VolunteerParticipantOut,
    status=201,
    errors=ERRORS,
    action=Action.VOLUNTEER_EDIT,
)
def volunteer_add_participant(
    ctx: Ctx, activity_id: int, body: VolunteerParticipantIn
) -> VolunteerParticipantOut:
    activity = volunteer_activities.get_activity(ctx.session, ctx.actor, activity_id)
    row = volunteer_activities.staff_add(
        ctx.session,
        ctx.actor,
        activity,
        body.member_id,
        today=hall_today(ctx.settings.dues),
        hours=body.hours,
    )
    return VolunteerParticipantOut(
        member_id=row.member_id, hours=format_hours(row.minutes), via=row.via
    )


class VolunteerStatsQuery(BaseModel):
    year: int | None = Field(default=None, ge=2000, le=2100)


class VolunteerTeamStatOut(BaseModel):
    team_id: int
    team: str
    org: str
    members: int
    activities: int
    sign_ins: int
    people: int
    hours: str


class VolunteerStatsOut(BaseModel):
    year: int
    teams: list[VolunteerTeamStatOut]


@endpoint(
    api_bp,
    "/volunteer-stats",
    summary="志愿服务统计（按队伍、年度）",
    query=VolunteerStatsQuery,
    response=VolunteerStatsOut,
    action=Action.READ,
)
def volunteer_team_stats(ctx: Ctx, query: VolunteerStatsQuery) -> VolunteerStatsOut:
    year = query.year or hall_today(ctx.settings.dues).year
    rows = ctx.session.execute(volunteer_stats.team_stats_query(ctx.actor, year).limit(1000))
    return VolunteerStatsOut(
        year=year,
        teams=[
            VolunteerTeamStatOut(
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
