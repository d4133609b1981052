"""Transfer endpoints (组织关系接转): within the district, out, in, whole branches, the transfer
register, and the notices to receiving 党委/总支 with the 党委's dues assessment.

Each transfer is one request and one transaction: it happens completely or not at all. The
response carries the print documents; a failed print is reprinted from the register.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.models import MemberStatus, Transfer, TransferKind, TransferNotice
from backend.services import (
    reprints,
    transfer_in,
    transfer_out,
    transfer_register,
    transfer_within,
)
from backend.services.dues_year import hall_today, parse_month
from backend.services.letters import Printable, notice_document, transfer_documents
from backend.services.members import MemberData
from backend.services.money import format_yuan, parse_yuan
from backend.services.policy import Action

ERRORS = (400, 401, 403, 404, 409)


class TransferDocumentOut(BaseModel):
    kind: str = Field(description="slip|notice|assessment_notice|letter")
    label: str
    source_id: int
    document: dict[str, Any] = Field(description="打印文档（PrintDocument.to_dict）")


class TransferOut(BaseModel):
    id: int
    kind: str
    kind_label: str
    scope_label: str = Field(description="区内 / 区外")
    member_id: int
    name: str
    sex: str
    birth_date: str
    education: str | None
    status: str
    status_label: str = Field(description="正式 / 预备")
    from_org_id: int | None
    to_org_id: int | None
    from_name: str
    to_name: str
    card_no: str | None
    old_member_no: str | None
    new_member_no: str | None
    date: str
    dues_paid_to: str | None = Field(description='党费已交到，如 "2026-11"')
    shortfall: str
    letter_id: int | None
    incoming_letter_no: str | None
    notice_id: int | None
    assessment_notice_id: int | None
    created_by: str


class TransferResultOut(BaseModel):
    transfer: TransferOut
    documents: list[TransferDocumentOut]


class BranchTransferOut(BaseModel):
    transfers: list[TransferOut]
    documents: list[TransferDocumentOut]


def transfer_out_model(t: Transfer) -> TransferOut:
    paid = (
        f"{t.dues_paid_year}-{t.dues_paid_month:02d}"
        if t.dues_paid_year and t.dues_paid_month
        else None
    )
    return TransferOut(
        id=t.id,
        kind=t.kind.value,
        kind_label=t.kind.label,
        scope_label=t.kind.scope_label,
        member_id=t.member_id,
        name=t.name,
        sex="男" if t.sex == "M" else "女",
        birth_date=t.birth_date.isoformat(),
        education=t.education,
        status=t.status,
        status_label=MemberStatus(t.status).label,
        from_org_id=t.from_org_id,
        to_org_id=t.to_org_id,
        from_name=t.from_name,
        to_name=t.to_name,
        card_no=t.card_no,
        old_member_no=t.old_member_no,
        new_member_no=t.new_member_no,
        date=t.transfer_date.isoformat(),
        dues_paid_to=paid,
        shortfall=format_yuan(t.shortfall_fen),
        letter_id=t.letter_id,
        incoming_letter_no=t.incoming_letter_no,
        notice_id=t.notice_id,
        assessment_notice_id=t.assessment_notice_id,
        created_by=t.created_by,
    )


def documents_out(items: list[Printable]) -> list[TransferDocumentOut]:
    return [
        TransferDocumentOut(
            kind=p.kind, label=p.label, source_id=p.source_id, document=p.document.to_dict()
        )
        for p in items
    ]


def _result(ctx: Ctx, transfer: Transfer) -> TransferResultOut:
    docs = transfer_documents(ctx.session, ctx.settings, transfer)
    return TransferResultOut(transfer=transfer_out_model(transfer), documents=documents_out(docs))


class WithinIn(BaseModel):
    member_id: int
    to_org_id: int = Field(description="接收的党支部")
    date: dt.date | None = Field(default=None, description="转接日期，默认今天")
    probation_end: dt.date | None = Field(default=None, description="预备期满日期（延长预备期时）")


@endpoint(
    api_bp,
    "/transfers/within",
    method="POST",
    summary="区内组织关系转接",
    body=WithinIn,
    response=TransferResultOut,
    status=201,
    errors=ERRORS,
    action=Action.TRANSFER_MEMBER,
    idempotent=True,
)
def within(ctx: Ctx, body: WithinIn) -> TransferResultOut:
    today = hall_today(ctx.settings.dues)
    transfer = transfer_within.transfer_within(
        ctx.session,
        ctx.actor,
        ctx.settings,
        body.member_id,
        body.to_org_id,
        on=body.date or today,
        today=today,
        probation_end=body.probation_end,
    )
    return _result(ctx, transfer)


class BranchIn(BaseModel):
    from_org_id: int
    to_org_id: int
    date: dt.date | None = None


@endpoint(
    api_bp,
    "/transfers/branch",
    method="POST",
    summary="整建制转接（支部全体党员）",
    body=BranchIn,
    response=BranchTransferOut,
    status=201,
    errors=ERRORS,
    action=Action.ORG_MOVE,
    idempotent=True,
)
def branch(ctx: Ctx, body: BranchIn) -> BranchTransferOut:
    today = hall_today(ctx.settings.dues)
    moved = transfer_within.transfer_branch(
        ctx.session,
        ctx.actor,
        ctx.settings,
        body.from_org_id,
        body.to_org_id,
        on=body.date or today,
        today=today,
    )
    docs: list[Printable] = []
    for t in moved:
        docs.extend(p for p in transfer_documents(ctx.session, ctx.settings, t) if p.kind == "slip")
    notice = ctx.session.get(TransferNotice, moved[0].notice_id)
    assert notice is not None
    docs.append(
        Printable("notice", notice.kind.label, notice.id, notice_document(ctx.settings, notice))
    )
    return BranchTransferOut(
        transfers=[transfer_out_model(t) for t in moved], documents=documents_out(docs)
    )


class OutIn(BaseModel):
    member_id: int
    to_name: str = Field(min_length=1, max_length=100, description="转往的党组织")
    addressee: str | None = Field(default=None, max_length=100, description="介绍信抬头")
    date: dt.date | None = None
    valid_days: int | None = Field(default=None, description="有效期天数，默认30，最多90")
    allow_shortfall: bool = Field(default=False, description="党费未交清也转出（存根注明欠费）")
    probation_end: dt.date | None = None


@endpoint(
    api_bp,
    "/transfers/out",
    method="POST",
    summary="转出区外（开具组织关系介绍信）",
    body=OutIn,
    response=TransferResultOut,
    status=201,
    errors=ERRORS,
    action=Action.TRANSFER_MEMBER,
    idempotent=True,
)
def out(ctx: Ctx, body: OutIn) -> TransferResultOut:
    req = transfer_out.OutRequest(
        to_name=body.to_name,
        addressee=body.addressee,
        on=body.date,
        valid_days=body.valid_days,
        allow_shortfall=body.allow_shortfall,
        probation_end=body.probation_end,
    )
    transfer = transfer_out.transfer_out(
        ctx.session,
        ctx.actor,
        ctx.settings,
        body.member_id,
        req,
        today=hall_today(ctx.settings.dues),
    )
    return _result(ctx, transfer)


class MemberIn(BaseModel):
    name: str = Field(max_length=50)
    id_number: str = Field(max_length=20)
    joined_date: dt.date
    status: str = Field(default="full", description="full|probationary（或 正式|预备）")
    sex: str | None = None
    ethnicity: str = "汉族"
    education: str | None = None
    work_start_date: dt.date | None = None
    full_member_date: dt.date | None = None
    address: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=20)
    dues_category: str = "employed"
    dues_base: str | None = Field(default=None, description="月计算基数（元）")


class InIn(BaseModel):
    org_id: int = Field(description="接收的党支部")
    from_name: str = Field(min_length=1, max_length=100, description="转出的党组织")
    letter_no: str | None = Field(default=None, max_length=60, description="介绍信编号")
    date: dt.date | None = None
    card_uid: str | None = Field(default=None, max_length=64, description="当场发卡时的卡片UID")
    paid_to: str | None = Field(default=None, description='介绍信上的党费交至，如 "2026-10"')
    member: MemberIn


@endpoint(
    api_bp,
    "/transfers/in",
    method="POST",
    summary="区外转入（建档、发卡、党费待核定）",
    body=InIn,
    response=TransferResultOut,
    status=201,
    errors=ERRORS,
    action=Action.TRANSFER_MEMBER,
    idempotent=True,
)
def into(ctx: Ctx, body: InIn) -> TransferResultOut:
    m = body.member
    data = MemberData(
        **m.model_dump(exclude={"dues_base"}),
        dues_base_fen=parse_yuan(m.dues_base) if m.dues_base else None,
    )
    req = transfer_in.InRequest(
        data=data,
        org_id=body.org_id,
        from_name=body.from_name,
        letter_no=body.letter_no,
        on=body.date,
        card_uid=body.card_uid,
        paid_to=parse_month(body.paid_to) if body.paid_to else None,
    )
    transfer = transfer_in.transfer_in(
        ctx.session, ctx.actor, ctx.settings, req, today=hall_today(ctx.settings.dues)
    )
    return _result(ctx, transfer)


class TransferQuery(BaseModel):
    kind: TransferKind | None = None
    year: int | None = Field(default=None, ge=2000, le=2100)
    member_id: int | None = None


class TransferListOut(BaseModel):
    items: list[TransferOut]


@endpoint(
    api_bp,
    "/transfers",
    summary="组织关系接转记录",
    query=TransferQuery,
    response=TransferListOut,
    action=Action.READ,
)
def list_transfers(ctx: Ctx, query: TransferQuery) -> TransferListOut:
    rows = transfer_register.list_transfers(
        ctx.session, ctx.actor, kind=query.kind, year=query.year, member_id=query.member_id
    )
    return TransferListOut(items=[transfer_out_model(t) for t in rows])


@endpoint(
    api_bp,
    "/transfers/<int:transfer_id>",
    summary="转接记录与打印文档",
    response=TransferResultOut,
    errors=(404,),
    action=Action.READ,
)
def get_transfer(ctx: Ctx, transfer_id: int) -> TransferResultOut:
    return _result(ctx, transfer_register.get_transfer(ctx.session, ctx.actor, transfer_id))


@endpoint(
    api_bp,
    "/transfers/<int:transfer_id>/reprint",
    method="POST",
    summary="补打转接的全部单据（各自记入登记簿，标注补打次数与时间）",
    response=TransferResultOut,
    errors=(404, 409),
    action=Action.TRANSFER_MEMBER,
)
def reprint_transfer(ctx: Ctx, transfer_id: int) -> TransferResultOut:
    transfer = transfer_register.get_transfer(ctx.session, ctx.actor, transfer_id)
    docs = reprints.reprint_transfer(ctx.session, ctx.actor, ctx.settings, transfer)
    return TransferResultOut(transfer=transfer_out_model(transfer), documents=documents_out(docs))
