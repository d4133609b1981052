"""Console pages of the dues desk: reports, the live ledger, payments, reminders, remittance and
the yearly publication. Each table is an ``exports.Sheet`` (or the report it is made from), so
what the screen shows is what the xlsx and the PDF say."""

from __future__ import annotations

from dataclasses import replace

from flask import Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import (
    paginate,
    sheet_rows,
    show_defaults,
    sorting,
    wants_xlsx,
    xlsx_download,
)
from backend.console.web import (
    actor,
    current_user,
    day_filter,
    db,
    login_required,
    rollback,
    settings,
    today,
)
from backend.downloads import content_disposition
from backend.errors import DomainError, Invalid
from backend.models import Member, Organization, OrgType, Payment
from backend.services import (
    dues_desk,
    exports,
    finance_docs,
    ledger_page,
    reminder_list,
    remittance,
    remittance_items,
    reports,
    voids,
)
from backend.services.ledger import warning_for
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
def finance_reports() -> ResponseReturnValue:
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
def finance_ledger() -> ResponseReturnValue:
    form = Form(request.args)
    org, year = chosen_org(form), chosen_year(form)
    fmt = request.args.get("format")
    if fmt in ("xlsx", "pdf"):
        sheet = finance_docs.ledger_sheet(db(), org, year, today(), printed_by=actor().name)
        return send(sheet, fmt)
    show_defaults(form, org_id=org.id, year=year)
    stmt = ledger_page.ledger_query(org, year, today())
    sort = sorting(ledger_page.sort_options(year, today()), default="org", tie=ledger_page.TIE)
    page = paginate(db(), stmt, sort=sort)
    lines = ledger_page.ledger_lines(db(), page.items, year, today())
    return render_template(
        "finance/ledger.html",
        form=form,
        org=org,
        year=year,
        orgs=scope_orgs(),
        page=replace(page, items=lines),
        totals=ledger_page.ledger_totals(db(), stmt),
        today_text=f"{today():%Y年%m月%d日}",
    )


PAYMENT_SORTS = {
    "at": (Payment.created_at,),
    "slip": (Payment.slip_year, Payment.slip_seq),
    "member": (Member.name,),
    "org": (Organization.code,),
    "amount": (Payment.amount_fen,),
}
PAYMENT_METHODS = {"cash": "现金", "bank": "银行转账"}
PAYMENT_COLUMNS = [
    exports.Column("凭条号", width=14),
    exports.Column("收款时间", width=17),
    exports.Column("党员", width=10),
    exports.Column("党组织", width=20),
    exports.Column("所交月份", width=24),
    exports.Column("金额（元）", "money", 11),
    exports.Column("方式", width=8),
    exports.Column("经办人", width=10),
    exports.Column("状态", width=8),
]


def _payment_values(row: tuple[Payment, str, str]) -> list[object]:
    p, member_name, org_name = row
    return [
        p.slip_no,
        day_filter(p.created_at),
        member_name,
        org_name,
        "、".join(f"{i.year}年{i.month}月" for i in p.items),
        p.amount_fen,
        PAYMENT_METHODS.get(p.method, p.method),
        p.operator,
        "已作废" if p.voided else "有效",
    ]


@console_bp.get("/finance/payments")
@login_required(Action.READ)
def finance_payments() -> ResponseReturnValue:
    form = Form(request.args)
    org = chosen_org(form)
    start = form.date("start", "开始日期") or today().replace(day=1)
    end = form.date("end", "结束日期") or today()
    show_defaults(form, org_id=org.id, start=start, end=end)
    stmt = dues_desk.payments_query(db(), actor(), org.id, start, end, settings().dues.timezone)
    sort = sorting(PAYMENT_SORTS, default="at", descending=True, tie=(Payment.id,))
    if wants_xlsx():
        title = f"{org.name}缴费记录（{start:%Y-%m-%d}至{end:%Y-%m-%d}）"
        return xlsx_download(
            title, PAYMENT_COLUMNS, sheet_rows(db(), sort.apply(stmt), _payment_values)
        )
    page = paginate(db(), stmt, sort=sort)
    voided = [p.id for p, _member, _org in page.items if p.voided]
    return render_template(
        "finance/payments.html",
        form=form,
        page=page,
        valid=dues_desk.payments_valid_fen(db(), stmt),
        methods=PAYMENT_METHODS,
        orgs=scope_orgs(),
        org=org,
        corrections=voids.corrections_among(db(), voided),
    )


REMINDER_COLUMNS = [
    exports.Column("卡号", width=8),
    exports.Column("姓名", width=10),
    exports.Column("党组织", width=24),
    exports.Column("联系电话", width=13),
    exports.Column("欠交（月）", "int", 10),
    exports.Column("截至上月连续未交（月）", "int", 12),
    exports.Column("累计欠交（元）", "money", 12),
    exports.Column("提醒", width=40),
]


@console_bp.get("/finance/reminders")
@login_required(Action.READ)
def finance_reminders() -> ResponseReturnValue:
    form = Form(request.args)
    org = chosen_org(form)
    show_defaults(form, org_id=org.id)
    dues = settings().dues
    stmt, options = reminder_list.reminders_query(org, dues, today())
    sort = sorting(options, default="months", descending=True, tie=reminder_list.TIE)

    def values(row: tuple) -> list[object]:
        member, org_name, months, run, arrears = row
        text = warning_for(int(months), dues).text
        return [member.card_no, member.name, org_name, member.phone, months, run, arrears, text]

    if wants_xlsx():
        rows = sheet_rows(db(), sort.apply(stmt), values)
        return xlsx_download(f"{org.name}欠费提醒名单", REMINDER_COLUMNS, rows)
    page = paginate(db(), stmt, sort=sort)
    warnings = {row[0].id: warning_for(int(row[2]), dues) for row in page.items}
    return render_template(
        "finance/reminders.html",
        form=form,
        page=page,
        warnings=warnings,
        orgs=scope_orgs(),
        org=org,
        dues=dues,
    )


# --- remittance ------------------------------------------------------------------------------


# The remittance page and its batch form: views_remittance.py.


@console_bp.get("/finance/remittance/<int:batch_id>")
@login_required(Action.READ)
def finance_batch(batch_id: int) -> ResponseReturnValue:
    batch = remittance.get_batch(db(), actor(), batch_id)
    fmt = request.args.get("format")
    if fmt in ("xlsx", "pdf"):
        sheet = finance_docs.batch_sheet(
            db(), batch, settings().dues, printed_on=today(), printed_by=actor().name
        )
        return send(sheet, fmt)
    # The page shows the items a page at a time; the downloads are the whole printed list.
    sort = sorting(remittance_items.SORTS, default="org", tie=remittance_items.TIE)
    page = paginate(db(), remittance_items.batch_items_query(batch.id), sort=sort)
    return render_template("finance/batch.html", batch=batch, page=page)


@console_bp.post("/finance/remittance/<int:batch_id>/<any(confirm,cancel,reverse):action>")
@login_required(
    Action.REMITTANCE_PREPARE,
    variants={"confirm": Action.REMITTANCE_CONFIRM, "reverse": Action.REMITTANCE_CONFIRM},
)
def finance_batch_action(batch_id: int, action: str) -> ResponseReturnValue:
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
