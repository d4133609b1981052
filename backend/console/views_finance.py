"""Console pages of the dues desk: reports, the live ledger, payments, reminders, remittance and
the yearly publication. Each table is an ``exports.Sheet`` (or the report it is made from), so
what the screen shows is what the xlsx and the PDF say."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.web import actor, current_user, db, login_required, rollback, settings, today
from backend.downloads import content_disposition
from backend.errors import DomainError, Invalid
from backend.models import Organization, OrgType
from backend.services import dues_desk, exports, finance_docs, remittance, reports, voids
from backend.services.policy import Action
from backend.services.scope import get_org, org_in_scope

SECTION = "党费"
for _label, _endpoint, _order in (
    ("收缴统计", "console.finance_reports", 40),
    ("党费台账", "console.finance_ledger", 41),
    ("缴费记录", "console.finance_payments", 42),
    ("欠费提醒", "console.finance_reminders", 43),
    ("党费汇缴", "console.finance_remittance", 46),
    ("收缴使用公示", "console.finance_publication", 47),
):
    add_menu_entry(_label, _endpoint, section=SECTION, order=_order)


def is_section(row: object) -> bool:
    return isinstance(row, exports.Section)


console_bp.add_app_template_global(exports.cell_text, "sheet_cell")
console_bp.add_app_template_global(is_section, "is_section")


def scope_orgs(*, branches: bool = True) -> list[Organization]:
    stmt = select(Organization).where(org_in_scope(actor())).order_by(Organization.code)
    if not branches:
        stmt = stmt.where(Organization.type != OrgType.BRANCH)
    return list(db().scalars(stmt))


def chosen_org(form: Form) -> Organization:
    org_id = form.integer("org_id", "党组织") or current_user().org_id
    return get_org(db(), actor(), org_id)


def chosen_year(form: Form) -> int:
    year = form.integer("year", "年度") or today().year
    if not 2000 <= year <= 2100:
        raise Invalid("年度不正确", code="year")
    return year


def attachment(data: bytes, mimetype: str, filename: str) -> Response:
    """A download; the Chinese file name travels RFC 5987-encoded."""
    return Response(
        data, mimetype=mimetype, headers={"Content-Disposition": content_disposition(filename)}
    )


def send(sheet: exports.Sheet, fmt: str) -> Response:
    if fmt == "pdf":
        return attachment(exports.to_pdf(sheet), exports.PDF_MIME, f"{sheet.title}.pdf")
    return attachment(exports.to_xlsx(sheet), exports.XLSX_MIME, f"{sheet.title}.xlsx")


def send_pdf(data: bytes, stem: str) -> Response:
    return attachment(data, exports.PDF_MIME, f"{stem}.pdf")


# --- reports and the ledger ------------------------------------------------------------------


@console_bp.get("/finance/reports")
@login_required(Action.READ)
def finance_reports():  # type: ignore[no-untyped-def]
    form = Form(request.args)
    org, year = chosen_org(form), chosen_year(form)
    quarter = form.integer("quarter", "季度")
    report = reports.dues_report(db(), actor(), org.id, reports.Period.parse(year, quarter))
    fmt = request.args.get("format")
    if fmt in ("xlsx", "pdf"):
        sheet = reports.report_sheet(report, printed_on=today(), printed_by=actor().name)
        return send(sheet, fmt)
    return render_template(
        "finance/reports.html", form=form, report=report, orgs=scope_orgs(), year=year
    )


@console_bp.get("/finance/ledger")
@login_required(Action.READ)
def finance_ledger():  # type: ignore[no-untyped-def]
    form = Form(request.args)
    org, year = chosen_org(form), chosen_year(form)
    sheet = finance_docs.ledger_sheet(db(), org, year, today(), printed_by=actor().name)
    fmt = request.args.get("format")
    if fmt in ("xlsx", "pdf"):
        return send(sheet, fmt)
    return render_template(
        "finance/sheet_page.html",
        form=form,
        sheet=sheet,
        orgs=scope_orgs(),
        heading="党费台账",
        show_year=True,
        endpoint="console.finance_ledger",
        export_kind="ledger",
    )


@console_bp.get("/finance/payments")
@login_required(Action.READ)
def finance_payments():  # type: ignore[no-untyped-def]
    form = Form(request.args, defaults={"start": today().replace(day=1), "end": today()})
    org = chosen_org(form)
    start = form.date("start", "开始日期") or today().replace(day=1)
    end = form.date("end", "结束日期") or today()
    rows = dues_desk.payments_list(db(), actor(), org.id, start, end, settings().dues.timezone)
    valid = sum(p.amount_fen for p, _m, _o in rows if not p.voided)
    corrections = voids.corrections_among(db(), [p.id for p, _m, _o in rows if p.voided])
    return render_template(
        "finance/payments.html",
        form=form,
        rows=rows,
        valid=valid,
        orgs=scope_orgs(),
        org=org,
        corrections=corrections,
    )


@console_bp.get("/finance/reminders")
@login_required(Action.READ)
def finance_reminders():  # type: ignore[no-untyped-def]
    form = Form(request.args)
    org = chosen_org(form)
    rows = dues_desk.reminders(db(), actor(), settings().dues, org.id, today())
    return render_template(
        "finance/reminders.html", form=form, rows=rows, orgs=scope_orgs(), org=org
    )


# --- remittance ------------------------------------------------------------------------------


# The remittance page and its batch form: views_remittance.py.


@console_bp.get("/finance/remittance/<int:batch_id>")
@login_required(Action.READ)
def finance_batch(batch_id: int):  # type: ignore[no-untyped-def]
    batch = remittance.get_batch(db(), actor(), batch_id)
    sheet = finance_docs.batch_sheet(
        db(), batch, settings().dues, printed_on=today(), printed_by=actor().name
    )
    fmt = request.args.get("format")
    if fmt in ("xlsx", "pdf"):
        return send(sheet, fmt)
    return render_template("finance/batch.html", batch=batch, sheet=sheet)


@console_bp.post("/finance/remittance/<int:batch_id>/<any(confirm,cancel,reverse):action>")
@login_required(
    Action.REMITTANCE_PREPARE,
    variants={"confirm": Action.REMITTANCE_CONFIRM, "reverse": Action.REMITTANCE_CONFIRM},
)
def finance_batch_action(batch_id: int, action: str):  # type: ignore[no-untyped-def]
    try:
        if action == "confirm":
            batch = remittance.confirm_batch(db(), actor(), batch_id)
            flash(f"批次{batch.batch_no}已确认汇缴，所含党费已从汇缴库中核销", "success")
        elif action == "cancel":
            batch = remittance.cancel_batch(db(), actor(), batch_id)
            flash(f"批次{batch.batch_no}已取消", "success")
        else:
            reason = request.form.get("reason", "")
            batch = remittance.reverse_batch(db(), actor(), batch_id, reason)
            flash(f"批次{batch.batch_no}已冲销，所含党费已退回汇缴库", "success")
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    return redirect(url_for("console.finance_batch", batch_id=batch_id))
