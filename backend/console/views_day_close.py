"""Console pages of the counter's money controls: the day closes (日结) with their xlsx export,
and the void requests (冲正) a 党委 or district desk user approves or rejects. Rules:
docs/day-close.md."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.once import answered_once
from backend.console.views_finance import send
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError, Invalid
from backend.services import day_close_doc, day_close_register, voids
from backend.services.policy import Action

SECTION = "党费"
add_menu_entry("窗口日结", "console.day_closes", section=SECTION, order=44, action=Action.READ)
add_menu_entry(
    "作废审批",
    "console.void_requests",
    section=SECTION,
    order=45,
    action=Action.VOID_APPROVE,
)


@console_bp.get("/finance/day-closes")
@login_required(Action.READ)
def day_closes() -> ResponseReturnValue:
    form = Form(request.args, defaults={"start": today().replace(day=1), "end": today()})
    start = form.date("start", "开始日期") or today().replace(day=1)
    end = form.date("end", "结束日期") or today()
    if start > end:
        raise Invalid("开始日期不能晚于结束日期", code="date_range")
    operator = (form.get("operator") or "").strip() or None
    closes = day_close_register.list_closes(db(), actor(), start, end, operator)
    title = f"窗口日结汇总（{start:%Y-%m-%d}至{end:%Y-%m-%d}）"
    sheet = day_close_doc.closes_sheet(settings(), closes, title)
    if request.args.get("format") == "xlsx":
        return send(sheet, "xlsx")
    return render_template("finance/day_closes.html", form=form, sheet=sheet)


@console_bp.get("/finance/void-requests")
@login_required(Action.READ)
def void_requests() -> ResponseReturnValue:
    rows = voids.requests_in_scope(db(), actor(), pending_only=False)
    return render_template("finance/void_requests.html", rows=rows[:200])


@console_bp.post("/finance/void-requests/<int:request_id>/<any(approve,reject):action>")
@login_required(Action.VOID_APPROVE)
@answered_once()
def void_request_action(request_id: int, action: str) -> ResponseReturnValue:
    try:
        found = voids.get_request(db(), actor(), request_id)
        voids.decide(
            db(),
            actor(),
            settings().dues,
            found,
            approve=action == "approve",
            note=request.form.get("note"),
            today=today(),
        )
        slip = found.payment.slip_no
        if action == "approve":
            flash(f"已批准：凭条{slip}作废，作为冲正列入经办人下一次日结", "success")
        else:
            flash(f"已驳回凭条{slip}的作废申请", "success")
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    return redirect(url_for("console.void_requests"))
