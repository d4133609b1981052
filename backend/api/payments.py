"""Staff payment endpoints: record a payment for a member, look one up, void it, reprint it.

The idempotency key comes in the ``Idempotency-Key`` header (or the body's
``idempotency_key``): the first request answers 201, a repeat answers 200 with the original
payment and charges nothing.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.errors import Invalid
from backend.models import Payment, PaymentMethod, VoidRequest
from backend.services import hall_clock, payments, scope, slips, voids
from backend.services.dues_year import hall_today, month_key, to_local
from backend.services.money import amount_in_capitals, format_yuan, parse_yuan
from backend.services.policy import Action
from backend.services.verify import slip_url

KEY_HEADER = "Idempotency-Key"


class PaymentIn(BaseModel):
    months: list[str] | None = Field(
        default=None, max_length=120, description='要缴纳的月份，如 ["2026-03", "2026-04"]'
    )
    count: int | None = Field(default=None, ge=1, le=120, description="缴纳月数（从最早欠交起）")
    method: str = Field(default="cash", description="cash（现金）| bank（银行转账）")
    expected_total: str | None = Field(
        default=None, description="页面上显示的应缴合计（元）；与服务器计算不符时返回409"
    )
    tendered: str | None = Field(
        default=None, max_length=20, description="现金实收（元），不少于合计；找零=实收−合计"
    )
    idempotency_key: str | None = Field(
        default=None, max_length=80, description="幂等键（也可用请求头 Idempotency-Key）"
    )


class PaymentItemOut(BaseModel):
    month: str
    amount: str


class VoidRequestOut(BaseModel):
    id: int
    payment_id: int
    slip_no: str
    amount: str
    operator: str
    state: str
    state_label: str
    why_approval: str
    reason: str
    requested_by: str
    requested_at: str
    decided_by: str | None
    decided_at: str | None
    decision_note: str | None


def void_request_out(ctx: Ctx, request: VoidRequest) -> VoidRequestOut:
    dues = ctx.settings.dues
    return VoidRequestOut(
        id=request.id,
        payment_id=request.payment_id,
        slip_no=request.payment.slip_no,
        amount=format_yuan(request.payment.amount_fen),
        operator=request.payment.operator,
        state=request.state.value,
        state_label=request.state.label,
        why_approval=request.why_approval,
        reason=request.reason,
        requested_by=request.requested_by,
        requested_at=to_local(request.requested_at, dues).isoformat(timespec="seconds"),
        decided_by=request.decided_by,
        decided_at=(
            to_local(request.decided_at, dues).isoformat(timespec="seconds")
            if request.decided_at
            else None
        ),
        decision_note=request.decision_note,
    )


class PaymentOut(BaseModel):
    id: int
    slip_no: str
    member_id: int
    org_id: int
    amount: str
    amount_capitals: str
    method: str
    method_label: str
    months: list[str]
    items: list[PaymentItemOut]
    operator: str
    created_at: str
    voided: bool
    void_reason: str | None
    voided_at: str | None
    voided_by: str | None
    reprints: int
    tendered: str | None = Field(description="现金实收（元）")
    change: str | None = Field(description="找零（元）")
    void_kind: str | None = Field(description="作废 | 冲正（日结或汇缴后经审批作废）")
    void_approved_by: str | None
    void_request: VoidRequestOut | None = Field(description="待审批的作废申请")
    verify_url: str
    document: dict[str, Any] | None = Field(default=None, description="缴费凭条打印文档")


class VoidIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200, description="作废原因")


class PaymentListOut(BaseModel):
    items: list[PaymentOut]


class SlipOut(BaseModel):
    slip_no: str
    reprints: int
    document: dict[str, Any]


def payment_out(ctx: Ctx, payment: Payment, document: dict[str, Any] | None = None) -> PaymentOut:
    dues = ctx.settings.dues
    correction = voids.correction_of(ctx.session, payment)
    pending = None if payment.voided else voids.pending_request(ctx.session, payment)
    tendered = payment.tendered_fen
    return PaymentOut(
        id=payment.id,
        slip_no=payment.slip_no,
        member_id=payment.member_id,
        org_id=payment.org_id,
        amount=format_yuan(payment.amount_fen),
        amount_capitals=amount_in_capitals(payment.amount_fen),
        method=payment.method,
        method_label=PaymentMethod(payment.method).label,
        months=[month_key(i.year, i.month) for i in payment.items],
        items=[
            PaymentItemOut(month=month_key(i.year, i.month), amount=format_yuan(i.amount_fen))
            for i in payment.items
        ],
        operator=payment.operator,
        created_at=hall_clock.api_timestamp(payment.created_at, dues.timezone) or "",
        voided=payment.voided,
        void_reason=payment.void_reason,
        voided_at=hall_clock.api_timestamp(payment.voided_at, dues.timezone),
        voided_by=payment.voided_by,
        reprints=payment.reprints,
        tendered=format_yuan(tendered) if tendered is not None else None,
        change=format_yuan(tendered - payment.amount_fen) if tendered is not None else None,
        void_kind=("冲正" if correction is not None else "作废") if payment.voided else None,
        void_approved_by=correction.decided_by if correction is not None else None,
        void_request=void_request_out(ctx, pending) if pending is not None else None,
        verify_url=slip_url(ctx.settings, payment),
        document=document,
    )


@endpoint(
    api_bp,
    "/members/<int:member_id>/payments",
    method="POST",
    summary="收缴党费（按月份或月数），返回缴费凭条打印文档",
    body=PaymentIn,
    response=PaymentOut,
    status=201,
    errors=(400, 404, 409),
    action=Action.PAYMENT_TAKE,
)
def create_payment(ctx: Ctx, member_id: int, body: PaymentIn) -> tuple[PaymentOut, int]:
    key = ctx.header(KEY_HEADER) or body.idempotency_key
    if body.idempotency_key and key != body.idempotency_key:
        raise Invalid("请求头与请求体中的幂等键不一致", code="idempotency_key")
    expected = parse_yuan(body.expected_total) if body.expected_total else None
    tendered = parse_yuan(body.tendered) if body.tendered else None
    member = scope.get_member(ctx.session, ctx.actor, member_id)
    outcome = payments.pay(
        ctx.session,
        ctx.actor,
        ctx.settings.dues,
        member,
        idempotency_key=key or "",
        months=body.months,
        count=body.count,
        method=body.method,
        expected_total_fen=expected,
        tendered_fen=tendered,
        today=hall_today(ctx.settings.dues),
    )
    document = slips.payment_slip(ctx.session, ctx.settings, outcome.payment).to_dict()
    return payment_out(ctx, outcome.payment, document), 201 if outcome.created else 200


@endpoint(
    api_bp,
    "/members/<int:member_id>/payments",
    summary="党员的缴费记录（最近100笔）",
    response=PaymentListOut,
    errors=(404,),
    action=Action.READ,
)
def list_member_payments(ctx: Ctx, member_id: int) -> PaymentListOut:
    member = scope.get_member(ctx.session, ctx.actor, member_id)
    found = payments.member_payments(ctx.session, member.id)
    return PaymentListOut(items=[payment_out(ctx, p) for p in found])


@endpoint(
    api_bp,
    "/payments/<int:payment_id>",
    summary="查看一笔缴费",
    response=PaymentOut,
    errors=(404,),
    action=Action.READ,
)
def get_payment(ctx: Ctx, payment_id: int) -> PaymentOut:
    return payment_out(ctx, payments.get_payment(ctx.session, ctx.actor, payment_id))


@endpoint(
    api_bp,
    "/payments/<int:payment_id>/void",
    method="POST",
    summary=(
        "作废一笔缴费（须填原因；凭条编号保留不再使用）。已日结或已汇缴的缴费只登记作废申请，"
        "返回202，待党委或区级工作人员审批后作废（冲正）"
    ),
    body=VoidIn,
    response=PaymentOut,
    errors=(400, 404, 409),
    action=Action.PAYMENT_VOID,
    idempotent=True,
)
def void_payment(ctx: Ctx, payment_id: int, body: VoidIn) -> tuple[PaymentOut, int]:
    payment = payments.get_payment(ctx.session, ctx.actor, payment_id)
    request = voids.void(
        ctx.session,
        ctx.actor,
        ctx.settings.dues,
        payment,
        body.reason,
        today=hall_today(ctx.settings.dues),
    )
    return payment_out(ctx, payment), 200 if request is None else 202


@endpoint(
    api_bp,
    "/payments/<int:payment_id>/reprint",
    method="POST",
    summary="补打缴费凭条（文档标注“补打”，记录补打次数）",
    response=SlipOut,
    errors=(404, 409),
    action=Action.PAYMENT_TAKE,
)
def reprint_slip(ctx: Ctx, payment_id: int) -> SlipOut:
    payment = payments.get_payment(ctx.session, ctx.actor, payment_id)
    payment = slips.record_reprint(ctx.session, ctx.actor, payment)
    document = slips.payment_slip(ctx.session, ctx.settings, payment, reprint=True)
    return SlipOut(slip_no=payment.slip_no, reprints=payment.reprints, document=document.to_dict())
