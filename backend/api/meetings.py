"""Meetings (三会一课, 主题党日): plan, record, card sign-in, completion rates; docs/meetings.md.

The sign-in endpoint is what a kiosk in attendance mode calls with the token of the staff member
who put it into that mode; it answers only the masked name and the counts.
"""

from __future__ import annotations

from datetime import date, time

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.errors import Invalid
from backend.models import Meeting, Organization
from backend.services import meeting_rates, meeting_sign_in, meetings
from backend.services.dues_year import hall_today
from backend.services.policy import Action
from backend.services.scope import get_org


class MeetingIn(BaseModel):
    org_id: int
    kind: str = Field(
        description="committee 支委会 | assembly 党员大会 | group 党小组会 | "
        "lecture 党课 | theme_day 主题党日"
    )
    topic: str = Field(min_length=1, max_length=200)
    held_on: date
    start_time: time | None = None
    place: str | None = Field(default=None, max_length=200)
    host: str | None = Field(default=None, max_length=50)
    recorder: str | None = Field(default=None, max_length=50)
    expected_member_ids: list[int] | None = Field(
        default=None, description="应到党员；不填则为该组织的全体党员"
    )


class AbsenceIn(BaseModel):
    member_id: int
    reason: str = Field(default="", max_length=200)


class RecordIn(BaseModel):
    kind: str
    topic: str = Field(min_length=1, max_length=200)
    held_on: date
    start_time: time | None = None
    place: str | None = Field(default=None, max_length=200)
    host: str | None = Field(default=None, max_length=50)
    recorder: str | None = Field(default=None, max_length=50)
    minutes: str = Field(min_length=1, max_length=20000)
    present_member_ids: list[int] = Field(default_factory=list)
    absences: list[AbsenceIn] = Field(default_factory=list)


class AttendeeOut(BaseModel):
    member_id: int
    name: str
    expected: bool
    state: str
    absence_reason: str | None


class MeetingOut(BaseModel):
    id: int
    org_id: int
    org_name: str
    kind: str
    kind_label: str
    topic: str
    held_on: date
    start_time: str | None
    place: str | None
    host: str | None
    recorder: str | None
    recorded: bool
    present: int
    expected: int


class MeetingDetailOut(MeetingOut):
    minutes: str | None
    attendees: list[AttendeeOut]


class MeetingListOut(BaseModel):
    items: list[MeetingOut]


class MonthQuery(BaseModel):
    org_id: int | None = None
    month: str | None = Field(default=None, pattern=r"^\d{4}-\d{2}$", description="YYYY-MM")


class SignInIn(BaseModel):
    uid: str = Field(min_length=1, max_length=64, description="党员卡UID（十六进制）")


class SignInOut(BaseModel):
    name_masked: str
    already: bool
    message: str
    present: int
    expected: int


class RateOut(BaseModel):
    org_id: int
    org_name: str
    held: dict[str, int]
    due: list[str]
    met: list[str]
    rate: str
    attendance: str


class RatesOut(BaseModel):
    month: str
    items: list[RateOut]


def _out(ctx: Ctx, m: Meeting) -> MeetingOut:
    return MeetingOut(
        id=m.id,
        org_id=m.org_id,
        org_name=m.org.name,
        kind=m.kind.value,
        kind_label=m.kind.label,
        topic=m.topic,
        held_on=m.held_on,
        start_time=m.start_time.strftime("%H:%M") if m.start_time else None,
        place=m.place,
        host=m.host,
        recorder=m.recorder,
        recorded=m.recorded_at is not None,
        present=meetings.count_present(ctx.session, m.id),
        expected=meetings.count_expected(ctx.session, m.id),
    )


def _input(body: MeetingIn | RecordIn) -> meetings.MeetingInput:
    return meetings.MeetingInput(
        kind=body.kind,
        topic=body.topic,
        held_on=body.held_on,
        start_time=body.start_time,
        place=body.place,
        host=body.host,
        recorder=body.recorder,
    )


@endpoint(
    api_bp,
    "/meetings",
    method="POST",
    summary="计划一次会议（三会一课、主题党日）",
    body=MeetingIn,
    response=MeetingOut,
    status=201,
    errors=(400, 404),
    action=Action.MEETING_RECORD,
)
def meeting_plan(ctx: Ctx, body: MeetingIn) -> MeetingOut:
    meeting = meetings.plan_meeting(
        ctx.session, ctx.actor, body.org_id, _input(body), body.expected_member_ids
    )
    return _out(ctx, meeting)


@endpoint(
    api_bp,
    "/meetings/today",
    summary="今天举行的会议（查询机签到模式可选的会议）",
    response=MeetingListOut,
    action=Action.MEETING_RECORD,
)
def meetings_today(ctx: Ctx) -> MeetingListOut:
    found = meetings.meetings_on(ctx.session, ctx.actor, hall_today(ctx.settings.dues))
    return MeetingListOut(items=[_out(ctx, m) for m in found])


@endpoint(
    api_bp,
    "/meetings/<int:meeting_id>",
    summary="会议详情：应到、实到、缺席及原因、会议记录",
    response=MeetingDetailOut,
    errors=(404,),
    action=Action.READ,
)
def meeting_detail(ctx: Ctx, meeting_id: int) -> MeetingDetailOut:
    meeting = meetings.get_meeting(ctx.session, ctx.actor, meeting_id)
    attendees = [
        AttendeeOut(
            member_id=a.member_id,
            name=a.member.name,
            expected=a.expected,
            state=a.state.value,
            absence_reason=a.absence_reason,
        )
        for a in meetings.attendances(ctx.session, meeting)
    ]
    return MeetingDetailOut(
        **_out(ctx, meeting).model_dump(), minutes=meeting.minutes, attendees=attendees
    )


@endpoint(
    api_bp,
    "/meetings/<int:meeting_id>/record",
    method="POST",
    summary="记录会议：会议记录、实到人员、缺席原因",
    body=RecordIn,
    response=MeetingOut,
    errors=(400, 404),
    action=Action.MEETING_RECORD,
)
def meeting_record(ctx: Ctx, meeting_id: int, body: RecordIn) -> MeetingOut:
    meeting = meetings.get_meeting(ctx.session, ctx.actor, meeting_id)
    meetings.record_meeting(
        ctx.session,
        ctx.actor,
        meeting,
        _input(body),
        minutes=body.minutes,
        present=body.present_member_ids,
        absence_reasons={a.member_id: a.reason for a in body.absences},
    )
    return _out(ctx, meeting)


@endpoint(
    api_bp,
    "/meetings/<int:meeting_id>/sign-in",
    method="POST",
    summary="刷党员卡签到（查询机签到模式）；只返回脱敏姓名和人数",
    body=SignInIn,
    response=SignInOut,
    errors=(400, 404),
    action=Action.MEETING_RECORD,
)
def meeting_sign_in_by_card(ctx: Ctx, meeting_id: int, body: SignInIn) -> SignInOut:
    result = meeting_sign_in.sign_in_by_card(
        ctx.session, ctx.settings, ctx.actor, meeting_id, body.uid, hall_today(ctx.settings.dues)
    )
    return SignInOut(
        name_masked=result.name_masked,
        already=result.already,
        message=result.message,
        present=result.present,
        expected=result.expected,
    )


@endpoint(
    api_bp,
    "/meetings/rates",
    summary="各党支部某月的会议完成率",
    query=MonthQuery,
    response=RatesOut,
    errors=(404,),
    action=Action.READ,
)
def meeting_rates_month(ctx: Ctx, query: MonthQuery) -> RatesOut:
    today = hall_today(ctx.settings.dues)
    year, month = today.year, today.month
    if query.month:
        year, month = int(query.month[:4]), int(query.month[5:])
    if not 1 <= month <= 12:
        raise Invalid("月份应为YYYY-MM", code="month")
    root = get_org(ctx.session, ctx.actor, query.org_id) if query.org_id else None
    branches = list(
        ctx.session.scalars(
            meeting_rates.branches_query(ctx.actor, root).order_by(Organization.code)
        )
    )
    found = meeting_rates.month_rates(
        ctx.session, ctx.settings.meetings, [b.id for b in branches], year, month
    )
    items = []
    for b in branches:
        r = found[b.id]
        items.append(
            RateOut(
                org_id=b.id,
                org_name=b.name,
                held={k.value: n for k, n in r.held.items()},
                due=[k.value for k in r.due],
                met=[k.value for k in r.met],
                rate=r.rate_text,
                attendance=r.attendance_text,
            )
        )
    return RatesOut(month=f"{year:04d}-{month:02d}", items=items)
