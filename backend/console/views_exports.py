"""Long exports in the background: the district ledger, the member roll and a remittance batch
as xlsx, built by a child process (``services.export_runs``) behind the imports' progress bar,
then downloaded from the job's page. The start is a POST (it may write the audit row); the child
only reads, in a read-only transaction (docs/transactions.md).
"""

from __future__ import annotations

from dataclasses import replace

from flask import redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, select

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.views_finance import attachment, chosen_org, chosen_year
from backend.console.views_imports import store
from backend.console.views_members import filters_from
from backend.console.web import actor, current_user, db, login_required, settings, today
from backend.errors import Invalid
from backend.services import audit, remittance
from backend.services.export_runs import ExportOrder, ExportRunner
from backend.services.exports import XLSX_MIME
from backend.services.import_jobs import JobState
from backend.services.member_filters import member_query
from backend.services.policy import Action

KINDS = {"ledger": "党费收缴台账", "members": "党员名册", "batch": "党费汇缴明细表"}


@console_bp.post("/exports/<any(ledger,members,batch):kind>", endpoint="export_start")
@login_required(Action.READ)
def export_start(kind: str) -> ResponseReturnValue:
    order, filename = _order(kind, Form(request.form))
    job = store().create_export(user_id=current_user().id, kind=kind, filename=filename)
    ExportRunner(store(), settings().reports_url).start(job, order)
    return redirect(url_for("console.export_job", token=job.token))


def _order(kind: str, form: Form) -> tuple[ExportOrder, str]:
    """What the child will build, checked here (scope, year) so a bad request fails at once."""
    base = ExportOrder(kind, actor(), today(), settings().dues)
    if kind == "ledger":
        org, year = chosen_org(form), chosen_year(form)
        return replace(base, org_id=org.id, year=year), f"{org.name}{year}年党费收缴台账.xlsx"
    if kind == "batch":
        batch_id = form.integer("batch_id", "汇缴批次")
        if batch_id is None:
            raise Invalid("请选择汇缴批次", code="batch_missing")
        batch = remittance.get_batch(db(), actor(), batch_id)
        name = f"{batch.org.name}党费汇缴明细表{batch.batch_no}.xlsx"
        return replace(base, batch_id=batch_id), name
    filters = filters_from(form)
    stmt = member_query(actor(), filters, base.today, with_months_behind=True)
    total = db().scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    # Personal data leaving the system: who took which list is kept in the audit log.
    chosen = {k: v for k, v in form.values.items() if v}
    audit.record(
        db(), actor(), "member.export", "member", None, after={"filters": chosen, "rows": total}
    )
    return replace(base, filters=filters, total=total), f"党员名册{base.today:%Y%m%d}.xlsx"


@console_bp.get("/exports/<token>", endpoint="export_job")
@login_required(Action.READ)
def export_job(token: str) -> ResponseReturnValue:
    job = store().get(token, current_user().id)
    return render_template("exports/job.html", job=job, title=KINDS.get(job.kind, "导出"))


@console_bp.get("/exports/<token>/file", endpoint="export_file")
@login_required(Action.READ)
def export_file(token: str) -> ResponseReturnValue:
    job = store().get(token, current_user().id)
    if job.state is not JobState.DONE:
        return redirect(url_for("console.export_job", token=token))
    return attachment(store().result(job).read_bytes(), XLSX_MIME, job.filename)
