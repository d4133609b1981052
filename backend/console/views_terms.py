"""换届 in the console: every organization of one's subtree with its current term and due date,
and one organization's page with its terms and the form recording an election with the new
committee (``services.terms``; docs/member-development.md)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError, Invalid
from backend.models import Member, Organization
from backend.models.info import PARTY_POSTS
from backend.services import org_info, terms
from backend.services.policy import Action
from backend.services.scope import get_org, org_in_scope

add_menu_entry(
    "换届提醒", "console.terms", section="组织与党员", order=66, active_prefix="console.org_term"
)
SEAT_ROWS = 9  # blank rows offered for the new committee
FIELDS = {"term_years": "term_years", "date_*": "term_start"}


@console_bp.get("/terms", endpoint="terms")
@login_required(Action.READ)
def overview():
    _total, rows = terms.terms_due(db(), actor(), today(), None, 2000)
    with_term = {r.org_id for r in rows}
    without = [
        o
        for o in db().scalars(
            select(Organization)
            .where(org_in_scope(actor()), Organization.active.is_(True))
            .order_by(Organization.code)
        )
        if o.id not in with_term
    ]
    return render_template(
        "console/orgs/terms.html", rows=rows, without=without, days=settings().term_reminder_days
    )


def _page(org: Organization, form: Form, status: int = 200):
    people = db().scalars(
        select(Member)
        .join(Organization, Organization.id == Member.org_id)
        .where(Organization.path.startswith(org.path, autoescape=True), Member.archived.is_(False))
        .order_by(Organization.code, Member.card_no)
    )
    html = render_template(
        "console/orgs/org_terms.html",
        org=org,
        form=form,
        history=terms.history(db(), org),
        committee=org_info.committee(db(), org),
        members=[(m.id, m.name) for m in people],
        posts=PARTY_POSTS,
        seat_rows=range(SEAT_ROWS),
        default_years=terms.DEFAULT_TERM_YEARS[org.type],
        due_on=terms.due_on,
    )
    return html, status


@console_bp.get("/terms/<int:org_id>", endpoint="org_terms")
@login_required(Action.READ)
def org_page(org_id: int):
    org = get_org(db(), actor(), org_id)
    return _page(org, Form(None, {"term_start": today().isoformat()}))


def _seats() -> list[terms.Seat]:
    seats = []
    for member, post in zip(
        request.form.getlist("seat_member"), request.form.getlist("seat_post"), strict=False
    ):
        if not member and not post:
            continue
        if not member.isdigit() or not post:
            raise Invalid("每位委员须同时选择党员和党内职务", code="seat_member")
        seats.append(terms.Seat(int(member), post))
    return seats


@console_bp.post("/terms/<int:org_id>", endpoint="org_term_new")
@login_required(Action.TERM_EDIT)
def record(org_id: int):
    org = get_org(db(), actor(), org_id)
    form = Form(request.form)
    start = form.date("term_start", "换届日期", required=True)
    years = form.integer("term_years", "任期")
    if form.ok and start is not None:
        try:
            seats = _seats() if form.flag("with_committee") else None
            terms.record_term(
                db(),
                actor(),
                org.id,
                start,
                term_years=years,
                seats=seats,
                note=form.get("note") or None,
                today=today(),
            )
        except DomainError as exc:
            rollback()
            form.fail(exc, FIELDS)
        else:
            flash(f"已登记{org.name}换届", "success")
            return redirect(url_for("console.org_terms", org_id=org.id))
    return _page(org, form, 400)
