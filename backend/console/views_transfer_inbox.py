"""The receiving side's inbox in the console: 转入通知 and 党费核定通知单 for the 总支/党委 they
are addressed to and for the receiving branch — accept, record arrivals, and (the 党委) assess
the dues of a member from outside the district (``services.transfer_inbox``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.once import answered_once
from backend.console.paging import paginate
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError
from backend.models.member import DUES_CATEGORY_LABELS
from backend.services import transfer_in, transfer_inbox
from backend.services.money import format_yuan
from backend.services.policy import Action
from backend.services.transfer_inbox import InboxState

add_menu_entry(
    "转入通知",
    "console.transfer_inbox",
    section="组织与党员",
    order=60,
    active_prefix="console.transfer_inbox",
)


def _state(raw: str | None) -> InboxState | None:
    if raw == "all":
        return None
    try:
        return InboxState(raw or InboxState.OPEN.value)
    except ValueError:
        return InboxState.OPEN


def _back() -> ResponseReturnValue:
    return redirect(request.form.get("next") or url_for("console.transfer_inbox"))


@console_bp.get("/transfers/inbox", endpoint="transfer_inbox")
@login_required(Action.READ)
def inbox() -> ResponseReturnValue:
    state = _state(request.args.get("state"))
    page = paginate(db(), transfer_inbox.inbox_query(actor(), state), per_page=20)
    items = [transfer_inbox.item(db(), actor(), n) for n in page.items]
    return render_template(
        "transfers/inbox.html",
        page=page,
        items=items,
        state=state.value if state else "all",
        states=[(s.value, s.label) for s in InboxState] + [("all", "全部")],
        categories=list(DUES_CATEGORY_LABELS.items()),
        today=today(),
    )


@console_bp.post("/transfers/inbox/<int:notice_id>/accept", endpoint="transfer_inbox_accept")
@login_required(Action.NOTICE_HANDLE)
@answered_once()
def accept(notice_id: int) -> ResponseReturnValue:
    try:
        notice = transfer_inbox.get_notice(db(), actor(), notice_id)
        transfer_inbox.accept(db(), actor(), notice)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        names = "、".join(m["name"] for m in notice.payload["members"])
        flash(f"已接收：{names}", "success")
    return _back()


@console_bp.post("/transfers/inbox/arrival/<int:transfer_id>", endpoint="transfer_inbox_arrival")
@login_required(Action.TRANSFER_ARRIVAL)
@answered_once()
def arrival(transfer_id: int) -> ResponseReturnValue:
    form = Form(request.form)
    on = form.date("arrived_on", "报到日期") or today()
    if not form.ok:
        flash(next(iter(form.errors.values())), "error")
        return _back()
    try:
        t = transfer_inbox.record_arrival(db(), actor(), transfer_id, on=on, today=today())
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(f"已登记{t.name}于{on.isoformat()}报到", "success")
    return _back()


@console_bp.post("/transfers/inbox/<int:notice_id>/assess", endpoint="transfer_inbox_assess")
@login_required(Action.DUES_ASSESS_NEW)
@answered_once()
def assess(notice_id: int) -> ResponseReturnValue:
    form = Form(request.form)
    category = form.choice("category", "党费类别", DUES_CATEGORY_LABELS, required=True)
    base = form.yuan("base", "月计算基数")
    if not form.ok or category is None:
        flash(next(iter(form.errors.values())), "error")
        return _back()
    try:
        notice = transfer_inbox.get_notice(db(), actor(), notice_id)
        member, result = transfer_in.assess_new_member(
            db(), actor(), settings(), notice, category=category, base_fen=base
        )
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(
            f"已核定{member.name}每月党费{format_yuan(result.monthly_fen)}元，待核定的月份已可缴纳",
            "success",
        )
    return _back()
