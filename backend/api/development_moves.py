"""The moves of a development case over the API: the records kept along the way and the
stage changes, each answering the case as ``GET /development/cases/<id>`` shows it
(``services.development_moves``; docs/member-development.md)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.development import ERRORS, DevelopmentCaseOut, case_out
from backend.api.framework import Ctx, endpoint
from backend.models import DevelopmentCase
from backend.services import development as dev
from backend.services import development_moves as moves
from backend.services import development_notices as notices
from backend.services.dues_year import hall_today
from backend.services.policy import Action


class DayIn(BaseModel):
    date: dt.date


class MaterialIn(BaseModel):
    key: str = Field(max_length=40)
    date: dt.date | None = Field(default=None, description="收到日期；为空表示取消")


class PeopleIn(BaseModel):
    contact_ids: list[int] | None = Field(default=None, max_length=2, description="培养联系人")
    sponsor_ids: list[int] | None = Field(default=None, max_length=2, description="入党介绍人")


class NoticeIn(BaseModel):
    date: dt.date | None = Field(default=None, description="公示发布日期，默认今天")


class AdmitIn(BaseModel):
    date: dt.date = Field(description="党委审批日期")
    dues_category: str = Field(default="employed")


class StopIn(BaseModel):
    date: dt.date = Field(description="终止日期")
    reason: str = Field(min_length=1, max_length=200, description="终止原因")


class ConvertIn(BaseModel):
    date: dt.date = Field(description="党委审批转正日期")
    extended_end: dt.date | None = Field(default=None, description="延长预备期时的期满日期")


def _case(ctx: Ctx, case_id: int) -> DevelopmentCase:
    return dev.get_case(ctx.session, ctx.actor, case_id, lock=True)


def _today(ctx: Ctx) -> dt.date:
    return hall_today(ctx.settings.dues)


def _post(rule: str, summary: str, body: type[BaseModel], action: Action = Action.DEVELOPMENT_EDIT):
    return endpoint(
        api_bp,
        f"/development/cases/<int:case_id>/{rule}",
        method="POST",
        summary=summary,
        body=body,
        response=DevelopmentCaseOut,
        errors=ERRORS,
        action=action,
    )


@_post("talk", "登记入党谈话", DayIn)
def record_talk(ctx: Ctx, case_id: int, body: DayIn) -> DevelopmentCaseOut:
    return case_out(
        ctx,
        dev.record_talk(ctx.session, ctx.actor, _case(ctx, case_id), body.date, today=_today(ctx)),
    )


@_post("reports", "登记思想汇报", DayIn)
def add_report(ctx: Ctx, case_id: int, body: DayIn) -> DevelopmentCaseOut:
    return case_out(
        ctx,
        dev.add_report(ctx.session, ctx.actor, _case(ctx, case_id), body.date, today=_today(ctx)),
    )


@_post("materials", "登记或取消入党材料", MaterialIn)
def set_material(ctx: Ctx, case_id: int, body: MaterialIn) -> DevelopmentCaseOut:
    case = dev.set_material(
        ctx.session, ctx.actor, _case(ctx, case_id), body.key, body.date, today=_today(ctx)
    )
    return case_out(ctx, case)


@_post("people", "指定培养联系人、入党介绍人", PeopleIn)
def set_people(ctx: Ctx, case_id: int, body: PeopleIn) -> DevelopmentCaseOut:
    case = dev.set_people(
        ctx.session,
        ctx.actor,
        _case(ctx, case_id),
        contact_ids=body.contact_ids,
        sponsor_ids=body.sponsor_ids,
    )
    return case_out(ctx, case)


@_post("advance", "确定为入党积极分子或列为发展对象", DayIn)
def advance(ctx: Ctx, case_id: int, body: DayIn) -> DevelopmentCaseOut:
    return case_out(
        ctx,
        moves.advance(ctx.session, ctx.actor, _case(ctx, case_id), body.date, today=_today(ctx)),
    )


@_post("notice", "发起公示（送保密审查）", NoticeIn)
def open_notice(ctx: Ctx, case_id: int, body: NoticeIn) -> DevelopmentCaseOut:
    case = _case(ctx, case_id)
    notices.open_notice(ctx.session, ctx.actor, case, on=body.date or _today(ctx))
    return case_out(ctx, case)


@_post("resolution", "登记支部大会接收预备党员决议", DayIn)
def record_resolution(ctx: Ctx, case_id: int, body: DayIn) -> DevelopmentCaseOut:
    case = moves.record_branch_resolution(
        ctx.session, ctx.actor, _case(ctx, case_id), body.date, today=_today(ctx)
    )
    return case_out(ctx, case)


@_post("admit", "党委审批接收预备党员", AdmitIn, Action.DEVELOPMENT_APPROVE)
def admit(ctx: Ctx, case_id: int, body: AdmitIn) -> DevelopmentCaseOut:
    case = moves.approve_admission(
        ctx.session,
        ctx.actor,
        _case(ctx, case_id),
        body.date,
        dues_category=body.dues_category,
        card_no_digits=ctx.settings.card_no_digits,
        today=_today(ctx),
    )
    return case_out(ctx, case)


@_post("convert", "党委审批预备党员转正", ConvertIn, Action.DEVELOPMENT_APPROVE)
def convert(ctx: Ctx, case_id: int, body: ConvertIn) -> DevelopmentCaseOut:
    case = moves.convert(
        ctx.session,
        ctx.actor,
        _case(ctx, case_id),
        body.date,
        extended_end=body.extended_end,
        today=_today(ctx),
    )
    return case_out(ctx, case)


@_post("extend", "党委审批延长预备期（日期为延长后的期满日期）", DayIn, Action.DEVELOPMENT_APPROVE)
def extend(ctx: Ctx, case_id: int, body: DayIn) -> DevelopmentCaseOut:
    return case_out(
        ctx, moves.extend_probation(ctx.session, ctx.actor, _case(ctx, case_id), body.date)
    )


@_post("stop", "终止发展（申请撤回或不再发展）", StopIn)
def stop(ctx: Ctx, case_id: int, body: StopIn) -> DevelopmentCaseOut:
    case = moves.stop_case(
        ctx.session, ctx.actor, _case(ctx, case_id), body.date, body.reason, today=_today(ctx)
    )
    return case_out(ctx, case)
