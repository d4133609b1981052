"""Member cases for staff (docs/cases.md): accept, route, schedule a talk, reply, close, the
受理回执 print document (statistics: ``case_stats``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.models import Case, CaseState, CaseType
from backend.services import cases, cases_flow
from backend.services.cases_receipt import receipt
from backend.services.dues_year import hall_today
from backend.services.policy import Action

ERRORS = (400, 401, 403, 404, 409)


class CaseStepOut(BaseModel):
    step: str
    note: str
    by: str


class CaseOut(BaseModel):
    id: int
    number: str
    type: str
    type_label: str
    state: str
    state_label: str
    channel: str
    member_id: int | None
    applicant_name: str
    org_id: int
    org_name: str
    topic: str
    detail: str
    accepted_on: dt.date
    due_on: dt.date
    routed_to: str
    reply: str | None
    outcome: str | None
    talk_with: str | None
    talk_on: dt.date | None
    talk_time: str | None
    talk_place: str | None
    talk_attendees: str | None
    steps: list[CaseStepOut]


def case_out(c: Case) -> CaseOut:
    return CaseOut(
        id=c.id,
        number=c.number,
        type=c.case_type.value,
        type_label=c.case_type.label,
        state=c.state.value,
        state_label=c.state.label,
        channel=c.channel.value,
        member_id=c.member_id,
        applicant_name=c.applicant_name,
        org_id=c.org_id,
        org_name=c.org.name,
        topic=c.topic,
        detail=c.detail,
        accepted_on=c.accepted_on,
        due_on=c.due_on,
        routed_to=c.routed_to,
        reply=c.reply,
        outcome=c.outcome,
        talk_with=c.talk_with.value if c.talk_with is not None else None,
        talk_on=c.talk_on,
        talk_time=c.talk_time,
        talk_place=c.talk_place,
        talk_attendees=c.talk_attendees,
        steps=[CaseStepOut(step=s.step, note=s.note, by=s.recorded_by) for s in c.steps],
    )


class CaseQuery(BaseModel):
    type: CaseType | None = None
    state: CaseState | None = None
    overdue: bool = Field(default=False, description="只列逾期未答复的")


class CaseListOut(BaseModel):
    items: list[CaseOut]


@endpoint(
    api_bp,
    "/cases",
    summary="党员诉求列表",
    query=CaseQuery,
    response=CaseListOut,
    action=Action.READ,
)
def list_cases(ctx: Ctx, query: CaseQuery) -> CaseListOut:
    stmt = cases.query(
        ctx.actor,
        types=[query.type] if query.type else None,
        states=[query.state] if query.state else None,
        overdue_on=hall_today(ctx.settings.dues) if query.overdue else None,
    )
    rows = ctx.session.scalars(stmt.order_by(Case.id.desc()).limit(500))
    return CaseListOut(items=[case_out(c) for c in rows])


class CaseAcceptIn(BaseModel):
    member_id: int
    type: str = Field(max_length=20)
    topic: str = Field(min_length=1, max_length=40)
    detail: str = Field(default="", max_length=300)
    talk_with: str | None = Field(default=None, max_length=30)


class CaseWithReceiptOut(BaseModel):
    case: CaseOut
    receipt: dict[str, Any] = Field(description="受理回执打印文档")


def _with_receipt(ctx: Ctx, case: Case) -> CaseWithReceiptOut:
    return CaseWithReceiptOut(case=case_out(case), receipt=receipt(ctx.settings, case).to_dict())


@endpoint(
    api_bp,
    "/cases",
    method="POST",
    summary="窗口受理党员诉求（表单取自党员信息）",
    body=CaseAcceptIn,
    response=CaseWithReceiptOut,
    status=201,
    errors=ERRORS,
    action=Action.CASE_ACCEPT,
)
def accept_case(ctx: Ctx, body: CaseAcceptIn) -> CaseWithReceiptOut:
    case = cases.accept(
        ctx.session,
        ctx.actor,
        ctx.settings.cases,
        body.member_id,
        case_type=body.type,
        today=hall_today(ctx.settings.dues),
        topic=body.topic,
        detail=body.detail,
        talk_with=body.talk_with,
    )
    return _with_receipt(ctx, case)


class CaseJoinIn(BaseModel):
    branch_id: int
    name: str = Field(min_length=1, max_length=50)
    phone: str = Field(min_length=1, max_length=20)
    detail: str = Field(default="", max_length=300)


@endpoint(
    api_bp,
    "/cases/join",
    method="POST",
    summary="接收入党申请并交所选党支部",
    body=CaseJoinIn,
    response=CaseWithReceiptOut,
    status=201,
    errors=ERRORS,
    action=Action.CASE_ACCEPT,
)
def accept_join(ctx: Ctx, body: CaseJoinIn) -> CaseWithReceiptOut:
    case = cases.accept_join(
        ctx.session,
        ctx.actor,
        ctx.settings.cases,
        branch_id=body.branch_id,
        name=body.name,
        phone=body.phone,
        today=hall_today(ctx.settings.dues),
        detail=body.detail,
    )
    return _with_receipt(ctx, case)


@endpoint(
    api_bp,
    "/cases/<int:case_id>",
    summary="一件诉求及其办理过程",
    response=CaseWithReceiptOut,
    errors=ERRORS,
    action=Action.READ,
)
def get_case(ctx: Ctx, case_id: int) -> CaseWithReceiptOut:
    return _with_receipt(ctx, cases.get_case(ctx.session, ctx.actor, case_id))


class CaseRouteIn(BaseModel):
    org_id: int | None = None
    partner: str = Field(default="", max_length=100)
    person: str = Field(default="", max_length=50)
    note: str = Field(default="", max_length=200)


@endpoint(
    api_bp,
    "/cases/<int:case_id>/route",
    method="POST",
    summary="转办（社区、支部、合作单位、书记）",
    body=CaseRouteIn,
    response=CaseOut,
    errors=ERRORS,
    action=Action.CASE_HANDLE,
)
def route_case(ctx: Ctx, case_id: int, body: CaseRouteIn) -> CaseOut:
    return case_out(
        cases_flow.route(
            ctx.session,
            ctx.actor,
            case_id,
            org_id=body.org_id,
            partner=body.partner,
            person=body.person,
            note=body.note,
        )
    )


class TalkScheduleIn(BaseModel):
    talk_on: dt.date
    talk_time: str = Field(max_length=5, description="时:分，如 09:30")
    place: str = Field(min_length=1, max_length=100)
    person: str = Field(default="", max_length=50, description="约谈人")


@endpoint(
    api_bp,
    "/cases/<int:case_id>/schedule",
    method="POST",
    summary="安排约谈时间、地点和约谈人",
    body=TalkScheduleIn,
    response=CaseOut,
    errors=ERRORS,
    action=Action.CASE_HANDLE,
)
def schedule_talk(ctx: Ctx, case_id: int, body: TalkScheduleIn) -> CaseOut:
    return case_out(
        cases_flow.schedule_talk(
            ctx.session,
            ctx.actor,
            case_id,
            talk_on=body.talk_on,
            talk_time=body.talk_time,
            place=body.place,
            person=body.person,
        )
    )


class CaseReplyIn(BaseModel):
    text: str = Field(min_length=1, max_length=500)
    attendees: str = Field(default="", max_length=200, description="约谈的参加人员")


@endpoint(
    api_bp,
    "/cases/<int:case_id>/reply",
    method="POST",
    summary="承办单位答复",
    body=CaseReplyIn,
    response=CaseOut,
    errors=ERRORS,
    action=Action.CASE_HANDLE,
)
def reply_case(ctx: Ctx, case_id: int, body: CaseReplyIn) -> CaseOut:
    return case_out(
        cases_flow.reply(ctx.session, ctx.actor, case_id, text=body.text, attendees=body.attendees)
    )


class CaseCloseIn(BaseModel):
    outcome: str = Field(min_length=1, max_length=300)


@endpoint(
    api_bp,
    "/cases/<int:case_id>/close",
    method="POST",
    summary="办结",
    body=CaseCloseIn,
    response=CaseOut,
    errors=ERRORS,
    action=Action.CASE_HANDLE,
)
def close_case(ctx: Ctx, case_id: int, body: CaseCloseIn) -> CaseOut:
    return case_out(cases_flow.close(ctx.session, ctx.actor, case_id, outcome=body.outcome))
