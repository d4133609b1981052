"""Transfer queries, counts and the printed list in the console (组织关系接转 查询、统计、打印),
by organization subtree, kind and period; the archival 组织关系介绍信 of a within-district
transfer as a PDF (``services.transfer_stats``, ``services.transfer_archive``)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import paginate
from backend.console.views_finance import chosen_org, scope_orgs, send, send_pdf
from backend.console.web import actor, audit_apart, db, login_required, settings, today
from backend.errors import DomainError
from backend.models import TransferKind
from backend.services import hall_clock, transfer_archive, transfer_register, transfer_stats
from backend.services.policy import Action

EXPORT_LIMIT = 5_000

add_menu_entry(
    "接转查询统计",
    "console.transfer_register",
    section="组织与党员",
    order=61,
    active_prefix="console.transfer_register",
)


def _filter(form: Form) -> transfer_stats.TransferFilter:
    kind = form.choice("kind", "类型", [k.value for k in TransferKind])
    return transfer_stats.TransferFilter(
        org=chosen_org(form),
        kind=TransferKind(kind) if kind else None,
        start=form.date("start", "开始日期"),
        end=form.date("end", "结束日期"),
    )


@console_bp.get("/transfers", endpoint="transfer_register")
@login_required(Action.READ)
def register() -> ResponseReturnValue:
    form = Form(request.args)
    f = _filter(form)
    fmt = request.args.get("format")
    if form.ok and fmt in ("xlsx", "pdf"):
        try:
            sheet = transfer_stats.list_sheet(
                db(), f, today=today(), printed_by=actor().name, limit=EXPORT_LIMIT
            )
        except DomainError as exc:
            flash(exc.message, "error")
            return redirect(url_for("console.transfer_register", **_args()))
        # Personal data leaving the system: who took which list is kept in the audit log.
        audit_apart(
            "transfer.export",
            "transfer",
            None,
            {"filter": f.describe(), "format": fmt, "rows": len(sheet.rows)},
        )
        return send(sheet, fmt)
    if form.ok:
        try:
            counts = transfer_stats.counts(db(), f)
            page = paginate(db(), transfer_stats.query(f), per_page=50)
        except DomainError as exc:
            form.fail(exc, {"period": "end"})
    if not form.ok:
        return render_template(
            "transfers/register.html", form=form, orgs=scope_orgs(), kinds=TransferKind, page=None
        ), 400
    return render_template(
        "transfers/register.html",
        form=form,
        orgs=scope_orgs(),
        kinds=TransferKind,
        counts=counts,
        page=page,
        columns=transfer_stats.COLUMNS_OF_COUNTS,
        args=_args(),
    )


def _args() -> dict[str, Any]:
    return {k: v for k, v in request.args.items() if k not in ("format", "page")}


@console_bp.post("/transfers/<int:transfer_id>/archive-letter", endpoint="transfer_archive_letter")
@login_required(Action.LETTER_ISSUE)
def archive_letter(transfer_id: int) -> ResponseReturnValue:
    """The archival 组织关系介绍信 as a PDF; each print is counted (补打 from the second)."""
    transfer = transfer_register.get_transfer(db(), actor(), transfer_id)
    prints = transfer_archive.count_print(db(), actor(), transfer)
    now = hall_clock.now_local(settings().dues.timezone)
    letter = transfer_archive.content(transfer, prints, now)
    return send_pdf(transfer_archive.pdf(letter), f"组织关系介绍信存档-{transfer.name}")
