"""批量同意 on the 减免 list: the picked requests approved at the level each waits at, all or
none (``services/waiver_bulk.py``)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.web import actor, db, login_required, rollback, today
from backend.errors import DomainError
from backend.services import waiver_bulk
from backend.services.input_rules import whole_number
from backend.services.policy import Action


@console_bp.post("/finance/waivers/approve")
@login_required(Action.WAIVER_APPROVE)
def waivers_approve_selected() -> ResponseReturnValue:
    form = Form(request.form)
    ids = [n for n in (whole_number(v) for v in request.form.getlist("request_id")) if n]
    decided_on = form.date("decided_on", "决定日期") or today()
    if not form.ok:
        flash(next(iter(form.errors.values())), "error")
        return redirect(url_for("console.waivers"))
    try:
        done = waiver_bulk.approve_selected(
            db(), actor(), ids, decided_on=decided_on, comment=form.get("comment")
        )
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(f"已同意{len(done)}份减免申请", "success")
    return redirect(url_for("console.waivers"))
