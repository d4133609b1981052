"""Remittance batches (汇缴) and fund donations (党建基金) for staff clients, e.g. the counter."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from flask import Response
from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.api.reports import download, export
from backend.models import RemittanceBatch
from backend.services import exports, finance_docs, fund, remittance
from backend.services.dues_year import hall_today
from backend.services.money import format_yuan, parse_yuan
from backend.services.policy import Action


class BatchIn(BaseModel):
    org_id: int
    year: int = Field(ge=2000, le=2100)
    start_month: int = Field(ge=1, le=12)
    end_month: int = Field(ge=1, le=12)


class LineOut(BaseModel):
    source_org: str
    items: int
    collected: str
    correction: str
    share_percent: str
    upward: str
    retained: str


class BatchOut(BaseModel):
    id: int
    batch_no: str
    org_name: str
    year: int
    start_month: int
    end_month: int
    cutoff: date
    state: str
    state_label: str
    collected: str
    correction: str
    upward: str
    retained: str
    lines: list[LineOut]


class BatchListOut(BaseModel):
    items: list[BatchOut]


class ReverseIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


class BatchExportQuery(BaseModel):
    format: Literal["xlsx", "pdf"] = "pdf"


def batch_out(batch: RemittanceBatch) -> BatchOut:
    return BatchOut(
        id=batch.id,
        batch_no=batch.batch_no,
        org_name=batch.org.name,
        year=batch.year,
        start_month=batch.start_month,
        end_month=batch.end_month,
        cutoff=batch.cutoff,
        state=batch.state.value,
        state_label=batch.state.label,
        collected=format_yuan(batch.collected_fen),
        correction=format_yuan(batch.correction_fen),
        upward=format_yuan(batch.upward_fen),
        retained=format_yuan(batch.retained_fen),
        lines=[
            LineOut(
                source_org=line.source_org.name,
                items=line.item_count,
                collected=format_yuan(line.collected_fen),
                correction=format_yuan(line.correction_fen),
                share_percent=f"{line.share_bp / 100:g}",
                upward=format_yuan(line.upward_fen),
                retained=format_yuan(line.retained_fen),
            )
            for line in batch.lines
        ],
    )


@endpoint(
    api_bp,
    "/remittance/batches",
    method="POST",
    summary="生成汇缴批次（待确认）",
    body=BatchIn,
    response=BatchOut,
    status=201,
    errors=(404, 409),
    action=Action.REMITTANCE_PREPARE,
)
def create_batch(ctx: Ctx, body: BatchIn) -> BatchOut:
    batch = remittance.create_batch(
        ctx.session,
        ctx.actor,
        ctx.settings,
        body.org_id,
        body.year,
        body.start_month,
        body.end_month,
    )
    return batch_out(batch)


@endpoint(
    api_bp, "/remittance/batches", summary="汇缴批次列表", response=BatchListOut, action=Action.READ
)
def list_batches(ctx: Ctx) -> BatchListOut:
    return BatchListOut(
        items=[batch_out(b) for b in remittance.list_batches(ctx.session, ctx.actor)]
    )


@endpoint(
    api_bp,
    "/remittance/batches/<int:batch_id>",
    summary="汇缴批次",
    response=BatchOut,
    errors=(404,),
    action=Action.READ,
)
def get_batch(ctx: Ctx, batch_id: int) -> BatchOut:
    return batch_out(remittance.get_batch(ctx.session, ctx.actor, batch_id))


@endpoint(
    api_bp,
    "/remittance/batches/<int:batch_id>/confirm",
    method="POST",
    summary="确认汇缴（核销汇缴库）",
    response=BatchOut,
    errors=(404, 409),
    action=Action.REMITTANCE_CONFIRM,
)
def confirm_batch(ctx: Ctx, batch_id: int) -> BatchOut:
    return batch_out(remittance.confirm_batch(ctx.session, ctx.actor, batch_id))


@endpoint(
    api_bp,
    "/remittance/batches/<int:batch_id>/cancel",
    method="POST",
    summary="取消待确认的汇缴批次",
    response=BatchOut,
    errors=(404, 409),
    action=Action.REMITTANCE_PREPARE,
)
def cancel_batch(ctx: Ctx, batch_id: int) -> BatchOut:
    return batch_out(remittance.cancel_batch(ctx.session, ctx.actor, batch_id))


@endpoint(
    api_bp,
    "/remittance/batches/<int:batch_id>/reverse",
    method="POST",
    summary="冲销已汇缴的批次（须填原因）",
    body=ReverseIn,
    response=BatchOut,
    errors=(404, 409),
    action=Action.REMITTANCE_CONFIRM,
)
def reverse_batch(ctx: Ctx, batch_id: int, body: ReverseIn) -> BatchOut:
    return batch_out(remittance.reverse_batch(ctx.session, ctx.actor, batch_id, body.reason))


@endpoint(
    api_bp,
    "/remittance/batches/<int:batch_id>/export",
    summary="下载汇缴明细表（xlsx 或 PDF）",
    query=BatchExportQuery,
    errors=(404,),
    action=Action.READ,
)
def export_batch(ctx: Ctx, batch_id: int, query: BatchExportQuery) -> Response:
    batch = remittance.get_batch(ctx.session, ctx.actor, batch_id)
    sheet = finance_docs.batch_sheet(
        ctx.session,
        batch,
        ctx.settings.dues,
        printed_on=hall_today(ctx.settings.dues),
        printed_by=ctx.actor.name,
    )
    return export(sheet, query.format, f"{sheet.title}{batch.batch_no}")


# --- the party-building fund -----------------------------------------------------------------


class DonationIn(BaseModel):
    donor_name: str = Field(min_length=1, max_length=100)
    donor_kind: Literal["person", "unit"] = "person"
    unit: str | None = Field(default=None, max_length=100)
    address: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=30)
    directed: bool = False
    purpose: str | None = Field(default=None, description="定向用途，不超过50个字")
    amount: str = Field(description='金额（元），如 "500.00"')
    donated_on: date
    method: Literal["cash", "bank", "other"] = "cash"
    receiving_org_id: int
    consent_public: bool = Field(default=False, description="同意在光荣榜公开姓名和金额")


class DonationOut(BaseModel):
    id: int
    receipt_no: str
    donor_name: str
    amount: str
    voided: bool
    receipt: dict[str, Any] = Field(description="收据打印文档（交给柜台打印机）")


def donation_out(ctx: Ctx, donation: Any, receipt: Any) -> DonationOut:
    document = finance_docs.donation_receipt(donation, receipt, ctx.settings.center_name)
    return DonationOut(
        id=donation.id,
        receipt_no=receipt.receipt_no,
        donor_name=donation.donor_name,
        amount=format_yuan(donation.amount_fen),
        voided=donation.voided,
        receipt=document.to_dict(),
    )


@endpoint(
    api_bp,
    "/fund/donations",
    method="POST",
    summary="登记党建基金捐赠并出具收据",
    body=DonationIn,
    response=DonationOut,
    status=201,
    errors=(404,),
    action=Action.FUND_DONATE,
)
def create_donation(ctx: Ctx, body: DonationIn) -> DonationOut:
    data = fund.DonationData(
        **body.model_dump(exclude={"amount"}), amount_fen=parse_yuan(body.amount)
    )
    donation, receipt = fund.record_donation(
        ctx.session, ctx.actor, data, today=hall_today(ctx.settings.dues)
    )
    return donation_out(ctx, donation, receipt)


@endpoint(
    api_bp,
    "/fund/donations/<int:donation_id>",
    summary="捐赠及其收据打印文档（补打）",
    response=DonationOut,
    errors=(404,),
    action=Action.READ,
)
def get_donation(ctx: Ctx, donation_id: int) -> DonationOut:
    return donation_out(ctx, *fund.get_donation(ctx.session, ctx.actor, donation_id))


@endpoint(
    api_bp,
    "/fund/donations/<int:donation_id>/certificate",
    summary="下载捐赠证书（PDF）",
    errors=(404, 409),
    action=Action.FUND_DONATE,
)
def donation_certificate(ctx: Ctx, donation_id: int) -> Response:
    donation, receipt = fund.get_donation(ctx.session, ctx.actor, donation_id)
    data = finance_docs.donation_certificate_pdf(
        donation, receipt, ctx.settings.center_name, issued_on=hall_today(ctx.settings.dues)
    )
    return download(data, f"捐赠证书{receipt.receipt_no}.pdf", exports.PDF_MIME)
