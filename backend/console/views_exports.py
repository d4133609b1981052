"""Long exports in the background: the district ledger, the member roll and a remittance batch
as xlsx, built by a thread (``services.export_runs``) behind the imports' progress bar, then
downloaded from the job's page. The start is a POST (it may write the audit row); the thread
only reads, in a read-only transaction (docs/transactions.md).
"""

from __future__ import annotations

from flask import Response, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.views_finance import attachment, chosen_org, chosen_year
from backend.console.views_imports import store
from backend.console.views_member_export import COLUMNS, roll_rows
from backend.console.views_members import filters_from
from backend.console.web import actor, current_user, db, hall, login_required, settings, today
from backend.errors import Invalid
from backend.models import Organization
from backend.services import audit, finance_docs, remittance
from backend.services.export_runs import Build, ExportRunner
from backend.services.exports import XLSX_MIME, Sheet
from backend.services.import_jobs import JobState
from backend.services.member_filters import member_query

KINDS = {"ledger": "党费收缴台账", "members": "党员名册", "batch": "党费汇缴明细表"}


@console_bp.post("/exports/<any(ledger,members,batch):kind>", endpoint="export_start")
@login_required()
def export_start(kind: str):  # type: ignore[no-untyped-def]
    form = Form(request.form)
    build, filename = _builder(kind, form)
    job = store().create_export(user_id=current_user().id, kind=kind, filename=filename)
    ExportRunner(store(), hall().read_session_factory).start(job, build)
    return redirect(url_for("console.export_job", token=job.token))


def _builder(kind: str, form: Form) -> tuple[Build, str]:
    """What the thread will build, checked here (scope, year) so a bad request fails at once."""
    who, day = actor(), today()
    if kind == "ledger":
        org, year = chosen_org(form), chosen_year(form)
        org_id = org.id

        def ledger(session: Session) -> tuple[Sheet, int | None]:
            branch = session.get(Organization, org_id)
            return finance_docs.ledger_sheet(session, branch, year, day, printed_by=who.name), None

        return ledger, f"{org.name}{year}年党费收缴台账.xlsx"
    if kind == "batch":
        batch_id = form.integer("batch_id", "汇缴批次")
        if batch_id is None:
            raise Invalid("请选择汇缴批次", code="batch_missing")
        batch = remittance.get_batch(db(), who, batch_id)
        dues = settings().dues

        def batch_list(session: Session) -> tuple[Sheet, int | None]:
            found = remittance.get_batch(session, who, batch_id)
            sheet = finance_docs.batch_sheet(
                session, found, dues, printed_on=day, printed_by=who.name
            )
            return sheet, None

        return batch_list, f"{batch.org.name}党费汇缴明细表{batch.batch_no}.xlsx"
    filters = filters_from(form)
    stmt = member_query(who, filters, day, with_months_behind=True)
    total = db().scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    # Personal data leaving the system: who took which list is kept in the audit log.
    chosen = {k: v for k, v in form.values.items() if v}
    audit.record(
        db(), who, "member.export", "member", None, after={"filters": chosen, "rows": total}
    )

    def roll(session: Session) -> tuple[Sheet, int | None]:
        header = [f"导出日期：{day.isoformat()}，共{total}名"]
        sheet = Sheet("党员名册", COLUMNS, roll_rows(session, stmt), header)  # type: ignore[arg-type]
        return sheet, total

    return roll, f"党员名册{day:%Y%m%d}.xlsx"


@console_bp.get("/exports/<token>", endpoint="export_job")
@login_required()
def export_job(token: str):  # type: ignore[no-untyped-def]
    job = store().get(token, current_user().id)
    return render_template("exports/job.html", job=job, title=KINDS.get(job.kind, "导出"))


@console_bp.get("/exports/<token>/file", endpoint="export_file")
@login_required()
def export_file(token: str) -> Response:
    job = store().get(token, current_user().id)
    if job.state is not JobState.DONE:
        return redirect(url_for("console.export_job", token=token))  # type: ignore[return-value]
    return attachment(store().result(job).read_bytes(), XLSX_MIME, job.filename)
