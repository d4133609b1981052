"""Member development (发展党员) for the console and the desk: the rules, the cases, the records
kept along the way and the moves between stages (``services.development``,
``services.development_moves``; docs/member-development.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.errors import Invalid
from backend.models import DevelopmentCase, DevStage
from backend.services import development as dev
from backend.services import development_moves as moves
from backend.services import development_rules as rules
from backend.services import development_warnings
from backend.services.dues_year import hall_today
from backend.services.masking import mask_id_number
from backend.services.policy import Action

ERRORS = (400, 401, 403, 404, 409)


class RuleOut(BaseModel):
    code: str
    name: str
    kind: str = Field(description="at_least：未满不得办理；within：到期前预警")
    months: int
    working_days: int


class StageOut(BaseModel):
    stage: str
    label: str
    materials: list[dict[str, str]]


class RulesOut(BaseModel):
    time_rules: list[RuleOut]
    stages: list[StageOut]


@endpoint(
    api_bp,
    "/development/rules",
    summary="发展党员的时间规则和各阶段材料",
    response=RulesOut,
    action=Action.READ,
)
def list_rules(ctx: Ctx) -> RulesOut:
    return RulesOut(
        time_rules=[
            RuleOut(
                code=r.code,
                name=r.name,
                kind=r.kind.value,
                months=r.months,
                working_days=r.working_days,
            )
            for r in rules.TIME_RULES
        ],
        stages=[
            StageOut(
                stage=s.value,
                label=s.label,
                materials=[{"key": k, "label": v} for k, v in rules.MATERIALS[s]],
            )
            for s in DevStage
        ],
    )


class CaseOut(BaseModel):
    id: int
    org_id: int
    org_name: str
    name: str
    sex: str
    id_number: str = Field(description="脱敏")
    stage: str
    stage_label: str
    dates: dict[str, str | None]
    contacts: list[str] = Field(description="培养联系人")
    sponsors: list[str] = Field(description="入党介绍人")
    materials: dict[str, str]
    missing_materials: list[str] = Field(description="本阶段尚缺的材料")
    reports: list[str] = Field(description="思想汇报日期")
    notice_id: int | None
    conversion_notice_id: int | None
    member_id: int | None
    deadlines: list[dict[str, Any]]


DATE_FIELDS = (
    "applied_on",
    "talked_on",
    "activist_on",
    "target_on",
    "admitted_on",
    "approved_on",
    "probation_end",
    "full_on",
    "full_approved_on",
)


def case_out(ctx: Ctx, case: DevelopmentCase) -> CaseOut:
    today = hall_today(ctx.settings.dues)
    return CaseOut(
        id=case.id,
        org_id=case.org_id,
        org_name=case.org.name,
        name=case.name,
        sex={"M": "男", "F": "女"}[case.sex],
        id_number=mask_id_number(case.id_number),
        stage=case.stage.value,
        stage_label=case.stage.label,
        dates={f: (v.isoformat() if (v := getattr(case, f)) else None) for f in DATE_FIELDS},
        contacts=dev.people_names(ctx.session, case.contact_ids or []),
        sponsors=dev.people_names(ctx.session, case.sponsor_ids or []),
        materials=dict(case.materials or {}),
        missing_materials=rules.missing_materials(case.stage, case.materials or {}),
        reports=list(case.reports or []),
        notice_id=case.notice_id,
        conversion_notice_id=case.conversion_notice_id,
        member_id=case.member_id,
        deadlines=[
            {
                "label": d.due_label,
                "rule": d.rule_name,
                "due_on": d.due_on.isoformat(),
                "days_left": d.days_left,
            }
            for d in development_warnings.case_deadlines(ctx.session, case, today)
        ],
    )


class CaseQuery(BaseModel):
    stage: str | None = Field(
        default=None, description="applicant|activist|target|probationary|full"
    )


class CaseListOut(BaseModel):
    items: list[CaseOut]


@endpoint(
    api_bp,
    "/development/cases",
    summary="发展党员记录",
    query=CaseQuery,
    response=CaseListOut,
    errors=(400,),
    action=Action.READ,
)
def list_cases(ctx: Ctx, query: CaseQuery) -> CaseListOut:
    try:
        stage = DevStage(query.stage) if query.stage else None
    except ValueError:
        raise Invalid("阶段不正确", code="stage") from None
    stmt = dev.cases_query(ctx.actor, stage).limit(500)
    return CaseListOut(items=[case_out(ctx, c) for c in ctx.session.scalars(stmt)])


class CaseIn(BaseModel):
    org_id: int = Field(description="受理的党支部")
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=20)
    applied_on: dt.date = Field(description="递交入党申请书日期")
    phone: str | None = Field(default=None, max_length=20)
    education: str | None = Field(default=None, max_length=20)
    work_unit: str | None = Field(default=None, max_length=100)


@endpoint(
    api_bp,
    "/development/cases",
    method="POST",
    summary="登记入党申请",
    body=CaseIn,
    response=CaseOut,
    status=201,
    errors=ERRORS,
    action=Action.DEVELOPMENT_EDIT,
)
def create_case(ctx: Ctx, body: CaseIn) -> CaseOut:
    case = dev.create_case(
        ctx.session,
        ctx.actor,
        dev.NewCase(**body.model_dump()),
        today=hall_today(ctx.settings.dues),
    )
    return case_out(ctx, case)


@endpoint(
    api_bp,
    "/development/cases/<int:case_id>",
    summary="发展党员记录详情",
    response=CaseOut,
    errors=ERRORS,
    action=Action.READ,
)
def get_case(ctx: Ctx, case_id: int) -> CaseOut:
    return case_out(ctx, dev.get_case(ctx.session, ctx.actor, case_id))


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


class ConvertIn(BaseModel):
    date: dt.date = Field(description="党委审批转正日期")
    extended_end: dt.date | None = Field(default=None, description="延长预备期时的期满日期")


def _case(ctx: Ctx, case_id: int) -> DevelopmentCase:
    return dev.get_case(ctx.session, ctx.actor, case_id, lock=True)


def _today(ctx: Ctx) -> dt.date:
    return hall_today(ctx.settings.dues)


def _post(  # type: ignore[no-untyped-def]
    rule: str, summary: str, body: type[BaseModel], action: Action = Action.DEVELOPMENT_EDIT
):
    return endpoint(
        api_bp,
        f"/development/cases/<int:case_id>/{rule}",
        method="POST",
        summary=summary,
        body=body,
        response=CaseOut,
        errors=ERRORS,
        action=action,
    )


@_post("talk", "登记入党谈话", DayIn)
def record_talk(ctx: Ctx, case_id: int, body: DayIn) -> CaseOut:
    return case_out(
        ctx,
        dev.record_talk(ctx.session, ctx.actor, _case(ctx, case_id), body.date, today=_today(ctx)),
    )


@_post("reports", "登记思想汇报", DayIn)
def add_report(ctx: Ctx, case_id: int, body: DayIn) -> CaseOut:
    return case_out(
        ctx,
        dev.add_report(ctx.session, ctx.actor, _case(ctx, case_id), body.date, today=_today(ctx)),
    )


@_post("materials", "登记或取消入党材料", MaterialIn)
def set_material(ctx: Ctx, case_id: int, body: MaterialIn) -> CaseOut:
    case = dev.set_material(
        ctx.session, ctx.actor, _case(ctx, case_id), body.key, body.date, today=_today(ctx)
    )
    return case_out(ctx, case)


@_post("people", "指定培养联系人、入党介绍人", PeopleIn)
def set_people(ctx: Ctx, case_id: int, body: PeopleIn) -> CaseOut:
    case = dev.set_people(
        ctx.session,
        ctx.actor,
        _case(ctx, case_id),
        contact_ids=body.contact_ids,
        sponsor_ids=body.sponsor_ids,
    )
    return case_out(ctx, case)


@_post("advance", "确定为入党积极分子或列为发展对象", DayIn)
def advance(ctx: Ctx, case_id: int, body: DayIn) -> CaseOut:
    return case_out(
        ctx,
        moves.advance(ctx.session, ctx.actor, _case(ctx, case_id), body.date, today=_today(ctx)),
    )


@_post("notice", "发起公示（送保密审查）", NoticeIn)
def open_notice(ctx: Ctx, case_id: int, body: NoticeIn) -> CaseOut:
    case = _case(ctx, case_id)
    moves.open_notice(ctx.session, ctx.actor, case, on=body.date or _today(ctx))
    return case_out(ctx, case)


@_post("resolution", "登记支部大会接收预备党员决议", DayIn)
def record_resolution(ctx: Ctx, case_id: int, body: DayIn) -> CaseOut:
    case = moves.record_branch_resolution(
        ctx.session, ctx.actor, _case(ctx, case_id), body.date, today=_today(ctx)
    )
    return case_out(ctx, case)


@_post("admit", "党委审批接收预备党员", AdmitIn, Action.DEVELOPMENT_APPROVE)
def admit(ctx: Ctx, case_id: int, body: AdmitIn) -> CaseOut:
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
def convert(ctx: Ctx, case_id: int, body: ConvertIn) -> CaseOut:
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
def extend(ctx: Ctx, case_id: int, body: DayIn) -> CaseOut:
    return case_out(
        ctx, moves.extend_probation(ctx.session, ctx.actor, _case(ctx, case_id), body.date)
    )
