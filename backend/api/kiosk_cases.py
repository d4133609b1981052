"""Kiosk self-service cases (device key + the member's card session, docs/cases.md): the
choices the member picks from, submitting a request, and the member's own cases with their
status and reply. Never another member's: the member is the session's."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.api.kiosk import card_member
from backend.models import Member, TalkWith
from backend.services import cases_kiosk
from backend.services.cases_receipt import receipt
from backend.services.dues_year import hall_today


class CaseChoiceOut(BaseModel):
    type: str
    label: str
    topics: list[str]


class TalkWithOut(BaseModel):
    value: str
    label: str


class OwnCaseOut(BaseModel):
    number: str
    type_label: str
    topic: str
    state: str
    state_label: str
    accepted_on: dt.date
    reply: str | None
    talk: str | None = Field(description="约谈安排：日期 时间 地点")


class KioskCasesOut(BaseModel):
    choices: list[CaseChoiceOut]
    talk_with: list[TalkWithOut]
    cases: list[OwnCaseOut]


def _own(ctx: Ctx, member: Member) -> list[OwnCaseOut]:
    return [OwnCaseOut(**vars(c)) for c in cases_kiosk.own_cases(ctx.session, member)]


@endpoint(
    api_bp,
    "/kiosk/session/cases",
    summary="本人的诉求（状态与答复）和可提交的事项",
    auth=Auth.DEVICE,
    response=KioskCasesOut,
    errors=(401,),
)
def my_cases(ctx: Ctx) -> KioskCasesOut:
    member = card_member(ctx)
    return KioskCasesOut(
        choices=[
            CaseChoiceOut(type=t.value, label=t.label, topics=list(topics))
            for t, topics in cases_kiosk.choices(member).items()
        ],
        talk_with=[TalkWithOut(value=w.value, label=w.label) for w in TalkWith],
        cases=_own(ctx, member),
    )


class CaseSubmitIn(BaseModel):
    type: str = Field(max_length=20, description="suggestion | hardship | talk | conversion")
    topic: str = Field(min_length=1, max_length=40, description="从列出的事由中选一项")
    text: str = Field(default="", max_length=60, description="可选的简短说明")
    talk_with: str | None = Field(default=None, max_length=30, description="约谈对象")


class CaseSubmittedOut(BaseModel):
    number: str
    type_label: str
    due_on: dt.date
    receipt: dict[str, Any] = Field(description="受理回执打印文档")


@endpoint(
    api_bp,
    "/kiosk/session/cases",
    method="POST",
    summary="本人提交意见建议、困难救助、约谈或转正申请",
    auth=Auth.DEVICE,
    body=CaseSubmitIn,
    response=CaseSubmittedOut,
    status=201,
    errors=(400, 401, 409),
)
def submit_case(ctx: Ctx, body: CaseSubmitIn) -> CaseSubmittedOut:
    member = card_member(ctx)
    case = cases_kiosk.submit(
        ctx.session,
        ctx.actor,
        ctx.settings.cases,
        member,
        case_type=body.type,
        topic=body.topic,
        today=hall_today(ctx.settings.dues),
        text=body.text,
        talk_with=body.talk_with,
    )
    return CaseSubmittedOut(
        number=case.number,
        type_label=case.case_type.label,
        due_on=case.due_on,
        receipt=receipt(ctx.settings, case).to_dict(),
    )
