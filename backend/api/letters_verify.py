"""The letter register for staff: introduction letters, 党员证明信 and 流动党员活动证 — list,
the expired-without-return warning list, reprint, return slip, revocation, yearly review.

The public side of a letter (its QR code) is answered by the shared verification page
(``/v/l/<number>.<sig>``, ``services.verify``); ``services.letters`` registers the letter kind.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.models import Letter, LetterKind
from backend.services import floating, letter_register, reprints
from backend.services.dues_year import hall_today
from backend.services.letter_register import LetterStatus, RegisterFilter, status_of
from backend.services.letters import letter_document, letter_url
from backend.services.policy import Action

ERRORS = (400, 401, 403, 404, 409)


class LetterOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    number: str
    member_id: int
    name: str
    from_name: str
    to_name: str
    issued_on: str
    valid_until: str
    status: str = Field(description="valid|received|expired|revoked")
    status_label: str
    returned_on: str | None
    return_handler: str | None
    revoke_reason: str | None
    reviewed_year: int | None
    prints: int
    verify_url: str


class LetterDetailOut(LetterOut):
    document: dict[str, Any] = Field(description="打印文档（PrintDocument.to_dict）")
    warning: str | None = Field(default=None, description="提醒（如活动证持有人欠交党费）")


class LetterListOut(BaseModel):
    items: list[LetterOut]


def _fields(ctx: Ctx, letter: Letter) -> dict[str, Any]:
    status = status_of(letter, hall_today(ctx.settings.dues))
    return {
        "id": letter.id,
        "kind": letter.kind.value,
        "kind_label": letter.kind.label,
        "number": letter.number,
        "member_id": letter.member_id,
        "name": letter.payload["name"],
        "from_name": letter.from_name,
        "to_name": letter.to_name,
        "issued_on": letter.issued_on.isoformat(),
        "valid_until": letter.valid_until.isoformat(),
        "status": status.value,
        "status_label": status.label,
        "returned_on": letter.returned_on.isoformat() if letter.returned_on else None,
        "return_handler": letter.return_handler,
        "revoke_reason": letter.revoke_reason,
        "reviewed_year": letter.reviewed_year,
        "prints": letter.prints,
        "verify_url": letter_url(ctx.settings, letter),
    }


def letter_out(ctx: Ctx, letter: Letter) -> LetterOut:
    return LetterOut(**_fields(ctx, letter))


def letter_detail(ctx: Ctx, letter: Letter) -> LetterDetailOut:
    document = letter_document(ctx.settings, letter).to_dict()
    return LetterDetailOut(**_fields(ctx, letter), document=document)


class RegisterQuery(BaseModel):
    kind: LetterKind | None = None
    status: LetterStatus | None = None
    year: int | None = Field(default=None, ge=2000, le=2100)


@endpoint(
    api_bp,
    "/letters",
    summary="介绍信登记簿",
    query=RegisterQuery,
    response=LetterListOut,
    action=Action.READ,
)
def list_letters(ctx: Ctx, query: RegisterQuery) -> LetterListOut:
    rows = letter_register.register(
        ctx.session,
        ctx.actor,
        hall_today(ctx.settings.dues),
        RegisterFilter(kind=query.kind, status=query.status, year=query.year),
    )
    return LetterListOut(items=[letter_out(ctx, letter) for letter in rows])


@endpoint(
    api_bp,
    "/letters/expired",
    summary="逾期未收回回执的介绍信（预警）",
    response=LetterListOut,
    action=Action.READ,
)
def expired_letters(ctx: Ctx) -> LetterListOut:
    rows = letter_register.expired_unreturned(ctx.session, ctx.actor, hall_today(ctx.settings.dues))
    return LetterListOut(items=[letter_out(ctx, letter) for letter in rows])


@endpoint(
    api_bp,
    "/letters/<int:letter_id>",
    summary="信函详情与打印文档",
    response=LetterDetailOut,
    errors=(404,),
    action=Action.READ,
)
def get_letter(ctx: Ctx, letter_id: int) -> LetterDetailOut:
    return letter_detail(ctx, letter_register.get_letter(ctx.session, ctx.actor, letter_id))


@endpoint(
    api_bp,
    "/letters/<int:letter_id>/reprint",
    method="POST",
    summary="补打信函（记入登记簿，标注补打次数与时间；已作废或已收回回执的不能补打）",
    response=LetterDetailOut,
    errors=(404, 409),
    action=Action.LETTER_ISSUE,
)
def reprint_letter(ctx: Ctx, letter_id: int) -> LetterDetailOut:
    letter = letter_register.get_letter(ctx.session, ctx.actor, letter_id)
    document = reprints.reprint_letter(ctx.session, ctx.actor, ctx.settings, letter)
    return LetterDetailOut(**_fields(ctx, letter), document=document.to_dict())


class ReturnIn(BaseModel):
    returned_on: dt.date
    handler: str | None = Field(default=None, max_length=50, description="接收方经办人")
    phone: str | None = Field(default=None, max_length=30)
    note: str | None = Field(default=None, max_length=200)


@endpoint(
    api_bp,
    "/letters/<int:letter_id>/return",
    method="POST",
    summary="登记介绍信回执",
    body=ReturnIn,
    response=LetterOut,
    errors=ERRORS,
    action=Action.LETTER_ISSUE,
    idempotent=True,
)
def record_return(ctx: Ctx, letter_id: int, body: ReturnIn) -> LetterOut:
    letter = letter_register.get_letter(ctx.session, ctx.actor, letter_id)
    letter_register.record_return(
        ctx.session,
        ctx.actor,
        letter,
        returned_on=body.returned_on,
        handler=body.handler,
        phone=body.phone,
        note=body.note,
        today=hall_today(ctx.settings.dues),
    )
    return letter_out(ctx, letter)


class RevokeIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


@endpoint(
    api_bp,
    "/letters/<int:letter_id>/revoke",
    method="POST",
    summary="作废信函（流动党员活动证作废即结束流动）",
    body=RevokeIn,
    response=LetterOut,
    errors=ERRORS,
    action=Action.LETTER_ISSUE,
    idempotent=True,
)
def revoke_letter(ctx: Ctx, letter_id: int, body: RevokeIn) -> LetterOut:
    letter = letter_register.get_letter(ctx.session, ctx.actor, letter_id)
    if letter.kind is LetterKind.FLOATING:
        floating.end_floating(ctx.session, ctx.actor, letter, reason=body.reason)
    else:
        letter_register.revoke(ctx.session, ctx.actor, letter, reason=body.reason)
    return letter_out(ctx, letter)


class ReviewIn(BaseModel):
    year: int = Field(ge=2000, le=2100)


@endpoint(
    api_bp,
    "/letters/<int:letter_id>/review",
    method="POST",
    summary="流动党员活动证年度审验",
    body=ReviewIn,
    response=LetterOut,
    errors=ERRORS,
    action=Action.LETTER_ISSUE,
)
def review_letter(ctx: Ctx, letter_id: int, body: ReviewIn) -> LetterOut:
    letter = letter_register.get_letter(ctx.session, ctx.actor, letter_id)
    floating.review_floating_card(
        ctx.session, ctx.actor, letter, year=body.year, today=hall_today(ctx.settings.dues)
    )
    return letter_out(ctx, letter)


class CertificateIn(BaseModel):
    host_name: str = Field(min_length=1, max_length=100, description="前往地党组织")
    start: dt.date
    end: dt.date
    purpose: str = Field(min_length=1, max_length=50, description="外出事由")


@endpoint(
    api_bp,
    "/members/<int:member_id>/certificate",
    method="POST",
    summary="开具党员证明信（外出六个月以内）",
    body=CertificateIn,
    response=LetterDetailOut,
    status=201,
    errors=ERRORS,
    action=Action.LETTER_ISSUE,
    idempotent=True,
)
def issue_certificate(ctx: Ctx, member_id: int, body: CertificateIn) -> LetterDetailOut:
    letter = floating.issue_certificate(
        ctx.session,
        ctx.actor,
        ctx.settings,
        member_id,
        host_name=body.host_name,
        start=body.start,
        end=body.end,
        purpose=body.purpose,
        today=hall_today(ctx.settings.dues),
    )
    return letter_detail(ctx, letter)


class FloatingIn(BaseModel):
    host_name: str = Field(min_length=1, max_length=100, description="流入地党组织")
    destination: str = Field(min_length=1, max_length=50, description="外出地点")


@endpoint(
    api_bp,
    "/members/<int:member_id>/floating-card",
    method="POST",
    summary="发放流动党员活动证（欠交党费六个月以上不予发放）",
    body=FloatingIn,
    response=LetterDetailOut,
    status=201,
    errors=ERRORS,
    action=Action.LETTER_ISSUE,
    idempotent=True,
)
def issue_floating_card(ctx: Ctx, member_id: int, body: FloatingIn) -> LetterDetailOut:
    letter = floating.issue_floating_card(
        ctx.session,
        ctx.actor,
        ctx.settings,
        member_id,
        host_name=body.host_name,
        destination=body.destination,
        today=hall_today(ctx.settings.dues),
    )
    detail = letter_detail(ctx, letter)
    arrears = letter.payload.get("arrears")
    return detail.model_copy(update={"warning": arrears["warning"] if arrears else None})
