"""Dues reports for staff: on screen (JSON) and as xlsx or PDF, scoped to the user's subtree."""

from __future__ import annotations

from typing import Literal

from flask import Response
from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.downloads import content_disposition
from backend.services import dues_desk, exports, finance_docs, reports
from backend.services.dues_year import hall_today
from backend.services.money import format_yuan
from backend.services.policy import Action
from backend.services.scope import get_org


def download(data: bytes, filename: str, mimetype: str) -> Response:
    """A file answer with its Chinese file name."""
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": content_disposition(filename)}
    )


def export(sheet: exports.Sheet, fmt: str, stem: str) -> Response:
    if fmt == "pdf":
        return download(exports.to_pdf(sheet), f"{stem}.pdf", exports.PDF_MIME)
    return download(exports.to_xlsx(sheet), f"{stem}.xlsx", exports.XLSX_MIME)


class ReportQuery(BaseModel):
    year: int = Field(ge=2000, le=2100, description="年度")
    quarter: int | None = Field(default=None, ge=1, le=4, description="季度；不填为全年")
    org_id: int | None = Field(default=None, description="组织；不填为本人所在组织")


class ExportQuery(ReportQuery):
    format: Literal["xlsx", "pdf"] = "xlsx"


class FiguresOut(BaseModel):
    due: str = Field(description="应交（元）")
    paid: str = Field(description="实交（元）")
    unpaid: str = Field(description="未交（元）")
    rate: str = Field(description="交纳率")
    waived_months: int
    pending_months: int


class ReportRowOut(BaseModel):
    key: str
    name: str
    org_id: int | None
    member_id: int | None
    figures: FiguresOut


class ReportOut(BaseModel):
    title: str
    org_id: int
    org_code: str
    org_name: str
    period: str
    start_month: int
    end_month: int
    by: str = Field(description="org：各组织一行；member：各党员一行")
    basis: str
    rows: list[ReportRowOut]
    total: FiguresOut


def figures_out(f: reports.Figures) -> FiguresOut:
    return FiguresOut(
        due=format_yuan(f.due_fen),
        paid=format_yuan(f.paid_fen),
        unpaid=format_yuan(f.unpaid_fen),
        rate=f.rate_percent,
        waived_months=f.waived_months,
        pending_months=f.pending_months,
    )


def _report(ctx: Ctx, query: ReportQuery) -> reports.DuesReport:
    period = reports.Period.parse(query.year, query.quarter)
    return reports.dues_report(ctx.session, ctx.actor, query.org_id, period)


@endpoint(
    api_bp,
    "/reports/dues",
    summary="党费收缴统计表（季度、年度）",
    query=ReportQuery,
    response=ReportOut,
    errors=(404,),
    action=Action.READ,
)
def dues_report(ctx: Ctx, query: ReportQuery) -> ReportOut:
    r = _report(ctx, query)
    return ReportOut(
        title=r.title,
        org_id=r.org.id,
        org_code=r.org.code,
        org_name=r.org.name,
        period=r.period.label,
        start_month=r.period.start_month,
        end_month=r.period.end_month,
        by=r.by,
        basis=r.basis,
        rows=[
            ReportRowOut(
                key=row.key,
                name=row.name,
                org_id=row.org_id,
                member_id=row.member_id,
                figures=figures_out(row.figures),
            )
            for row in r.rows
        ],
        total=figures_out(r.total),
    )


@endpoint(
    api_bp,
    "/reports/dues/export",
    summary="下载党费收缴统计表（xlsx 或 PDF）",
    query=ExportQuery,
    errors=(404,),
    action=Action.READ,
)
def dues_report_export(ctx: Ctx, query: ExportQuery) -> Response:
    r = _report(ctx, query)
    sheet = reports.report_sheet(
        r, printed_on=hall_today(ctx.settings.dues), printed_by=ctx.actor.name
    )
    return export(sheet, query.format, r.title)


class LedgerExportQuery(BaseModel):
    year: int = Field(ge=2000, le=2100, description="年度")
    org_id: int | None = Field(default=None, description="党委、总支或支部；不填为本人所在组织")
    format: Literal["xlsx", "pdf"] = "pdf"


@endpoint(
    api_bp,
    "/reports/ledger/export",
    summary="打印实时党费台账（按党委、总支或支部）",
    query=LedgerExportQuery,
    errors=(404,),
    action=Action.READ,
)
def ledger_export(ctx: Ctx, query: LedgerExportQuery) -> Response:
    org = get_org(ctx.session, ctx.actor, query.org_id or ctx.actor.org_id or 0)
    sheet = finance_docs.ledger_sheet(
        ctx.session, org, query.year, hall_today(ctx.settings.dues), printed_by=ctx.actor.name
    )
    return export(sheet, query.format, sheet.title)


class ReminderQuery(BaseModel):
    org_id: int | None = Field(default=None, description="组织；不填为本人所在组织")


class ReminderOut(BaseModel):
    member_id: int
    name: str
    card_no: str | None
    org_name: str
    consecutive_months: int
    months_owed: int = Field(description="欠交月数（不论是否连续；提醒与警示据此）")
    arrears: str
    level: str = Field(description="reminder：提醒；final：已满六个月")
    text: str


class RemindersOut(BaseModel):
    items: list[ReminderOut]


@endpoint(
    api_bp,
    "/reports/reminders",
    summary="欠费提醒名单（欠交月数达到提醒月数的党员）",
    query=ReminderQuery,
    response=RemindersOut,
    errors=(404,),
    action=Action.READ,
)
def reminders(ctx: Ctx, query: ReminderQuery) -> RemindersOut:
    rows = dues_desk.reminders(
        ctx.session,
        ctx.actor,
        ctx.settings.dues,
        query.org_id or ctx.actor.org_id or 0,
        hall_today(ctx.settings.dues),
    )
    items = [
        ReminderOut(
            member_id=r.member_id,
            name=r.name,
            card_no=r.card_no,
            org_name=r.org_name,
            consecutive_months=r.consecutive,
            months_owed=r.owed,
            arrears=format_yuan(r.arrears_fen),
            level=r.warning.level,
            text=r.warning.text,
        )
        for r in rows
    ]
    return RemindersOut(items=items)
