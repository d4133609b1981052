"""Volunteering at the kiosk (device key only): after a card tap the member sees their own
hours and joins a team of their community; a kiosk set to an activity signs members in by card
tap (docs/volunteers.md). Everything shown is masked: the kiosk is public."""

from __future__ import annotations

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.api.kiosk import card_member
from backend.errors import NotFound
from backend.services import volunteer_sign_in, volunteer_stats, volunteer_teams
from backend.services.dues_year import hall_today
from backend.services.masking import mask_name, mask_phone
from backend.services.volunteer_activities import format_hours, participant_count

ERRORS = (401, 403, 404, 409)


class VolunteerJoinableTeamOut(BaseModel):
    id: int
    name: str
    org_name: str
    leader_masked: str
    phone_masked: str
    joined: bool


class VolunteerTeamHoursOut(BaseModel):
    team: str
    org_name: str
    joined: bool
    year_hours: str
    total_hours: str
    activities: int


class VolunteerMyVolunteeringOut(BaseModel):
    year: int
    year_hours: str
    total_hours: str
    hours: list[VolunteerTeamHoursOut]
    teams: list[VolunteerJoinableTeamOut] = Field(description="本人所在组织及上级组织的志愿服务队")


def _mine(ctx: Ctx) -> VolunteerMyVolunteeringOut:
    member = card_member(ctx)
    year = hall_today(ctx.settings.dues).year
    mine = volunteer_stats.member_hours(ctx.session, member.id, year)
    teams = [
        VolunteerJoinableTeamOut(
            id=t.id,
            name=t.name,
            org_name=t.org.name,
            leader_masked=mask_name(t.leader),
            phone_masked=mask_phone(t.phone),
            joined=volunteer_teams.is_on_team(ctx.session, t.id, member.id),
        )
        for t in volunteer_teams.community_teams(ctx.session, member)
    ]
    return VolunteerMyVolunteeringOut(
        year=year,
        year_hours=format_hours(mine.year_minutes),
        total_hours=format_hours(mine.total_minutes),
        hours=[
            VolunteerTeamHoursOut(
                team=h.team,
                org_name=h.org,
                joined=h.joined,
                year_hours=format_hours(h.year_minutes),
                total_hours=format_hours(h.total_minutes),
                activities=h.activities,
            )
            for h in mine.teams
        ],
        teams=teams,
    )


@endpoint(
    api_bp,
    "/kiosk/session/volunteering",
    summary="本人的志愿服务时长和可加入的队伍",
    auth=Auth.DEVICE,
    response=VolunteerMyVolunteeringOut,
    errors=(401,),
)
def kiosk_volunteer_my_volunteering(ctx: Ctx) -> VolunteerMyVolunteeringOut:
    return _mine(ctx)


@endpoint(
    api_bp,
    "/kiosk/session/volunteering/teams/<int:team_id>/join",
    method="POST",
    summary="刷卡党员加入本组织的志愿服务队",
    auth=Auth.DEVICE,
    response=VolunteerMyVolunteeringOut,
    errors=(400, *ERRORS),
)
def kiosk_volunteer_join_team(ctx: Ctx, team_id: int) -> VolunteerMyVolunteeringOut:
    member = card_member(ctx)
    team = next(
        (t for t in volunteer_teams.community_teams(ctx.session, member) if t.id == team_id), None
    )
    if team is None:
        raise NotFound("没有这支志愿服务队，或它不属于您所在的组织", code="team_not_found")
    volunteer_teams.join(
        ctx.session, ctx.actor, team, member, via="kiosk", today=hall_today(ctx.settings.dues)
    )
    return _mine(ctx)


class VolunteerKioskDeskOut(BaseModel):
    activity_id: int
    team: str
    held_on: str
    place: str
    description: str
    hours: str
    signed_in: int


@endpoint(
    api_bp,
    "/kiosk/volunteer-desk",
    summary="本机正在进行的志愿活动签到",
    auth=Auth.DEVICE,
    response=VolunteerKioskDeskOut,
    errors=(401, 403, 409),
)
def kiosk_volunteer_current_desk(ctx: Ctx) -> VolunteerKioskDeskOut:
    desk = volunteer_sign_in.require_desk(ctx.session, ctx.actor, hall_today(ctx.settings.dues))
    a = desk.activity
    return VolunteerKioskDeskOut(
        activity_id=a.id,
        team=a.team.name,
        held_on=a.held_on.isoformat(),
        place=a.place,
        description=a.description,
        hours=format_hours(a.minutes),
        signed_in=participant_count(ctx.session, a.id),
    )


class VolunteerCheckInIn(BaseModel):
    uid: str = Field(min_length=1, max_length=64, description="党员卡UID，十六进制")


class VolunteerCheckInOut(BaseModel):
    already: bool
    name_masked: str
    hours: str
    signed_in: int
    message: str


@endpoint(
    api_bp,
    "/kiosk/volunteer-desk/check-in",
    method="POST",
    summary="刷卡签到本机设置的志愿活动（再次刷卡提示已签到）",
    auth=Auth.DEVICE,
    body=VolunteerCheckInIn,
    response=VolunteerCheckInOut,
    errors=(400, *ERRORS),
)
def kiosk_volunteer_check_in(ctx: Ctx, body: VolunteerCheckInIn) -> VolunteerCheckInOut:
    done = volunteer_sign_in.check_in(
        ctx.session, ctx.settings, ctx.actor, body.uid, today=hall_today(ctx.settings.dues)
    )
    return VolunteerCheckInOut(
        already=done.already,
        name_masked=done.name_masked,
        hours=format_hours(done.minutes),
        signed_in=done.count,
        message=done.message,
    )
