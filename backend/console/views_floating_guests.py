"""Floating members arriving from elsewhere in the console (流入党员): the guests of one's
branches, registering one with the 活动证, ending a stay (``services.floating_intake``)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import paginate
from backend.console.web import actor, db, login_required, rollback, today
from backend.errors import DomainError
from backend.models import Organization, OrgType
from backend.services import floating_intake
from backend.services.policy import Action
from backend.services.scope import org_in_scope

add_menu_entry(
    "流入党员",
    "console.floating_guests",
    section="组织与党员",
    order=62,
    active_prefix="console.floating_guest",
)

FIELDS = {
    "id_*": "id_number",
    "sex": "sex",
    "start_date": "start_date",
    "end_date": "end_date",
    "card_expired": "card_valid_until",
    "guest_exists": "card_number",
    "org_*": "host_org_id",
    "mobile*": "phone",
    "phone*": "phone",
}


def _branches() -> list[Organization]:
    stmt = (
        select(Organization)
        .where(org_in_scope(actor()), Organization.type == OrgType.BRANCH, Organization.active)
        .order_by(Organization.code)
    )
    return list(db().scalars(stmt))


def _render(form: Form, status: int = 200) -> ResponseReturnValue:
    current = request.args.get("all") != "1"
    page = paginate(db(), floating_intake.guests_query(actor(), current_only=current))
    html = render_template(
        "transfers/floating_guests.html",
        form=form,
        page=page,
        branches=[(o.id, f"{o.code} {o.name}") for o in _branches()],
        current=current,
        today=today(),
    )
    return html, status


@console_bp.get("/floating-guests", endpoint="floating_guests")
@login_required(Action.READ)
def guests() -> ResponseReturnValue:
    return _render(Form(None, {"start_date": today().isoformat(), "status": "full"}))


@console_bp.post("/floating-guests", endpoint="floating_guest_new")
@login_required(Action.FLOATING_INTAKE)
def register() -> ResponseReturnValue:
    form = Form(request.form)
    start = form.date("start_date", "流入日期", required=True)
    end = form.date("end_date", "预计离开日期")
    valid = form.date("card_valid_until", "活动证有效期至")
    host = form.integer("host_org_id", "参加活动的党支部", required=True)
    if form.ok and start is not None and host is not None:
        data = floating_intake.GuestData(
            name=form.get("name"),
            card_number=form.get("card_number"),
            home_org=form.get("home_org"),
            host_org_id=host,
            start_date=start,
            id_number=form.get("id_number") or None,
            sex=form.get("sex") or None,
            phone=form.get("phone") or None,
            status=form.get("status") or "full",
            home_place=form.get("home_place") or None,
            end_date=end,
            card_valid_until=valid,
            note=form.get("note") or None,
        )
        try:
            guest = floating_intake.register(db(), actor(), data, today=today())
        except DomainError as exc:
            rollback()
            form.fail(exc, FIELDS)
        else:
            flash(f"已登记流动党员{guest.name}，编入{guest.host_org.name}参加活动", "success")
            return redirect(url_for("console.floating_guests"))
    return _render(form, 400)


@console_bp.post("/floating-guests/<int:guest_id>/leave", endpoint="floating_guest_leave")
@login_required(Action.FLOATING_INTAKE)
def leave(guest_id: int) -> ResponseReturnValue:
    form = Form(request.form)
    on = form.date("left_on", "离开日期") or today()
    try:
        guest = floating_intake.get_guest(db(), actor(), guest_id)
        floating_intake.end_stay(
            db(), actor(), guest, on=on, reason=form.get("reason"), today=today()
        )
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(f"{guest.name}已离开，登记已结束", "success")
    return redirect(url_for("console.floating_guests"))
