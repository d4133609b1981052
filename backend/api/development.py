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


class DevelopmentCaseOut(BaseModel):
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
    "stopped_on",
)


def case_out(ctx: Ctx, case: DevelopmentCase) -> DevelopmentCaseOut:
    today = hall_today(ctx.settings.dues)
    return DevelopmentCaseOut(
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


class DevelopmentCaseQuery(BaseModel):
    stage: str | None = Field(
        default=None, description="applicant|activist|target|probationary|full"
    )


class DevelopmentCaseListOut(BaseModel):
    items: list[DevelopmentCaseOut]


@endpoint(
    api_bp,
    "/development/cases",
    summary="发展党员记录",
    query=DevelopmentCaseQuery,
    response=DevelopmentCaseListOut,
    errors=(400,),
    action=Action.READ,
)
def list_development_cases(ctx: Ctx, query: DevelopmentCaseQuery) -> DevelopmentCaseListOut:
    try:
        stage = DevStage(query.stage) if query.stage else None
    except ValueError:
        raise Invalid("阶段不正确", code="stage") from None
    stmt = dev.cases_query(ctx.actor, stage).limit(500)
    return DevelopmentCaseListOut(items=[case_out(ctx, c) for c in ctx.session.scalars(stmt)])


class DevelopmentCaseIn(BaseModel):
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
    body=DevelopmentCaseIn,
    response=DevelopmentCaseOut,
    status=201,
    errors=ERRORS,
    action=Action.DEVELOPMENT_EDIT,
)
def create_case(ctx: Ctx, body: DevelopmentCaseIn) -> DevelopmentCaseOut:
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
    response=DevelopmentCaseOut,
    errors=ERRORS,
    action=Action.READ,
)
def get_development_case(ctx: Ctx, case_id: int) -> DevelopmentCaseOut:
    return case_out(ctx, dev.get_case(ctx.session, ctx.actor, case_id))
