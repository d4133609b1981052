"""导入导出: members, cards and dues from .xlsx/.csv with a preview and an all-or-nothing import
behind a progress bar; the same lists exported to .xlsx.

Upload → the file is kept under a random token bound to the user (``services.import_jobs``)
and checked in a background thread (``services.import_runs``) → the preview shows the counts,
the first rows and every bad row (行号/列/原因) → confirm imports in the background, checking
every row again first → result. The upload and confirm requests render the progress page
themselves, and its script polls a status address that reads no database (``import_status``).
"""

from __future__ import annotations

import io
from pathlib import Path

from flask import current_app, jsonify, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.views_finance import attachment, chosen_org
from backend.console.web import (
    actor,
    audit_apart,
    current_user,
    db,
    hall,
    login_required,
    settings,
    today,
)
from backend.errors import Invalid, NotFound
from backend.models import CardState, Organization, OrgType, PaymentMethod
from backend.services import list_exports
from backend.services.exports import XLSX_MIME, Column, Sheet, to_xlsx
from backend.services.import_jobs import KINDS, Job, JobState, JobStore
from backend.services.import_rows import write_template
from backend.services.import_runs import Runner
from backend.services.policy import Action
from backend.services.scope import get_org, org_in_scope

SHOWN_ERRORS = 1000
SUFFIXES = ("xlsx", "xlsm", "csv")

add_menu_entry(
    "导入导出",
    "console.imports",
    section="组织与党员",
    order=30,
    action=Action.IMPORT_RUN,
    active_prefix="console.import",
)


def store() -> JobStore:
    """Uploads live in the instance folder (``IMPORT_DIR`` in the app config overrides it)."""
    root = current_app.config.get("IMPORT_DIR") or Path(current_app.instance_path) / "imports"
    return JobStore(Path(root))


def _runner() -> Runner:
    return Runner(store(), hall().session_factory, settings(), actor())


def _orgs(*, branches: bool = False) -> list[Organization]:
    stmt = select(Organization).where(org_in_scope(actor())).order_by(Organization.code)
    if branches:
        stmt = stmt.where(Organization.type == OrgType.BRANCH, Organization.active.is_(True))
    return list(db().scalars(stmt))


def _index(errors: dict[str, str] | None = None, status: int = 200) -> ResponseReturnValue:
    posted = request.form if request.method == "POST" else None
    form = Form(posted, defaults={"org_id": current_user().org_id})
    return render_template(
        "imports/index.html",
        kinds=KINDS,
        branches=_orgs(branches=True),
        orgs=_orgs(),
        errors=errors or {},
        form=form,
        year=today().year,
        card_states=[(s.value, s.label) for s in CardState],
    ), status


@console_bp.get("/imports", endpoint="imports")
@login_required(Action.IMPORT_RUN)
def imports_page() -> ResponseReturnValue:
    return _index()


@console_bp.post("/imports", endpoint="import_upload")
@login_required(Action.IMPORT_RUN)
def import_upload() -> ResponseReturnValue:
    kind = KINDS.get(request.form.get("kind", ""))
    if kind is None:
        raise Invalid("请选择导入的数据类型", code="import_kind")
    branch = None
    method = "cash"
    if kind.needs_branch:
        org_id = Form(request.form).integer("org_id", "党支部")
        branch = get_org(db(), actor(), org_id) if org_id else None
        if branch is None or branch.type is not OrgType.BRANCH:
            return _index({kind.key: "请选择要导入党费的党支部"}, 400)
        method = request.form.get("method", "cash")
        if method not in {m.value for m in PaymentMethod}:
            return _index({kind.key: "请选择缴费方式"}, 400)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _index({kind.key: "请选择要导入的文件"}, 400)
    if Path(upload.filename).suffix.lower().lstrip(".") not in SUFFIXES:
        return _index({kind.key: "只支持 .xlsx 和 .csv 文件，请在Excel中另存为这两种格式之一"}, 400)
    job = store().create(
        user_id=current_user().id,
        kind=kind.key,
        filename=upload.filename,
        stream=upload.stream,
        branch=branch,
        method=method,
    )
    _runner().check(job)
    return _job_page(job)


def _job_page(job: Job) -> ResponseReturnValue:
    errors = store().errors(job) if job.state in (JobState.CHECKED, JobState.FAILED) else []
    return render_template(
        "imports/job.html",
        job=job,
        kind=job.import_kind,
        errors=errors[:SHOWN_ERRORS],
        bad_numbers={e.row_number for e in errors},
        shown_errors=SHOWN_ERRORS,
        branches=_orgs(branches=True) if job.import_kind.needs_branch else [],
    )


@console_bp.get("/imports/<token>", endpoint="import_job")
@login_required(Action.IMPORT_RUN)
def import_job(token: str) -> ResponseReturnValue:
    return _job_page(store().get(token, current_user().id))


@console_bp.get("/imports/<token>/status", endpoint="import_status")
def import_status(token: str) -> ResponseReturnValue:
    """Polled by the progress bar. It reads only the signed session cookie and the job's state
    file, never the database: on SQLite the running import holds the write lock, and a page
    that opened a transaction would wait for the import to end. It answers only the user who
    uploaded the file, and only with where the job stands."""
    uid = session.get("uid")
    if uid is None:
        return jsonify(code="login_required", message="请先登录"), 401
    try:
        job = store().get(token, uid)
    except NotFound as exc:
        return jsonify(code=exc.code, message=exc.message), 404
    return jsonify(job.status())


@console_bp.post("/imports/<token>/confirm", endpoint="import_confirm")
@login_required(Action.IMPORT_RUN)
def import_confirm(token: str) -> ResponseReturnValue:
    job = store().get(token, current_user().id)
    ready = job.state is JobState.CHECKED and not job.bad_rows and job.ok_rows
    # A second click (or a second tab) finds the job claimed and just shows where it stands.
    if not ready or not store().claim(job):
        return redirect(url_for("console.import_job", token=token))
    _runner().run_import(job)
    return _job_page(job)


@console_bp.get("/imports/<token>/errors.xlsx", endpoint="import_errors")
@login_required(Action.IMPORT_RUN)
def import_errors(token: str) -> ResponseReturnValue:
    job = store().get(token, current_user().id)
    title = f"{job.import_kind.title}导入错误报告"
    sheet = Sheet(
        title=title,
        columns=[
            Column("行号", kind="int", width=6),
            Column("列", width=12),
            Column("原因", width=60),
        ],
        rows=[[e.row_number, e.column or "", e.reason] for e in store().errors(job)],
        header_lines=[f"文件：{job.filename}，共{job.total_rows}行数据，其中{job.bad_rows}行有误"],
    )
    return attachment(to_xlsx(sheet), XLSX_MIME, f"{title}.xlsx")


@console_bp.get(
    "/imports/template/<any(members,cards,dues,orgs):kind>.xlsx", endpoint="import_template"
)
@login_required(Action.IMPORT_RUN)
def import_template(kind: str) -> ResponseReturnValue:
    out = io.BytesIO()
    write_template(out, KINDS[kind].columns, KINDS[kind].title)
    return attachment(out.getvalue(), XLSX_MIME, f"{KINDS[kind].title}导入模板.xlsx")


@console_bp.get("/cards.xlsx", endpoint="cards_export")
@login_required(Action.READ)
def cards_export() -> ResponseReturnValue:
    form = Form(request.args)
    org = chosen_org(form)
    state = form.choice("state", "卡片状态", [s.value for s in CardState])
    sheet = list_exports.cards_sheet(
        db(), org, today(), settings().dues, state=CardState(state) if state else None
    )
    data = to_xlsx(sheet)
    # Personal data leaving the system: who took which list is kept in the audit log.
    audit_apart(
        "card.export", "card", None, {"org_id": org.id, "state": state, "rows": len(sheet.rows)}
    )
    return attachment(data, XLSX_MIME, f"{sheet.title}.xlsx")
