"""Honor services (党员荣誉服务) in the console: partner venues and units, their offers, and
the eligibility rules (docs/honor-services.md). Issuing a use is in ``views_honor_service_uses``."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import paginate
from backend.console.views_finance import scope_orgs
from backend.console.web import actor, db, login_required, rollback
from backend.errors import DomainError
from backend.models import HonorOffer, HonorVenue, Organization
from backend.services import honor_service_rules, honor_services
from backend.services.policy import Action
from backend.services.scope import get_org, org_in_scope

add_menu_entry(
    "荣誉服务",
    "console.honor_services",
    section="服务",
    order=46,
    active_prefix="console.honor_service",
)

VENUE_FIELDS = {"honor_service_fields": "name", "org_not_found": "org_id"}
OFFER_FIELDS = {"honor_service_fields": "title", "honor_offer_uses": "free_uses"}


@console_bp.get("/honor-services", endpoint="honor_services")
@login_required(Action.READ)
def honor_services_home():
    stmt = (
        select(HonorVenue)
        .join(Organization, HonorVenue.org_id == Organization.id)
        .where(org_in_scope(actor()))
        .order_by(HonorVenue.active.desc(), HonorVenue.name, HonorVenue.id)
    )
    return render_template(
        "honor_services/home.html",
        page=paginate(db(), stmt),
        rules=honor_service_rules.rules(db()),
        kinds=honor_service_rules.KINDS,
    )


@console_bp.route("/honor-services/venues/new", methods=["GET", "POST"])
@login_required(Action.HONOR_SERVICE_EDIT)
def honor_service_venue_new():
    return _venue_form(None)


@console_bp.route("/honor-services/venues/<int:venue_id>", methods=["GET", "POST"])
@login_required(Action.HONOR_SERVICE_EDIT)
def honor_service_venue_edit(venue_id: int):
    return _venue_form(honor_services.get_venue(db(), actor(), venue_id))


def _venue_form(venue: HonorVenue | None):
    defaults: dict[str, object] = {"org_id": actor().org_id, "active": True}
    if venue is not None:
        defaults = {
            "org_id": venue.org_id,
            "name": venue.name,
            "address": venue.address,
            "contact_name": venue.contact_name,
            "contact_phone": venue.contact_phone,
            "active": venue.active,
        }
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "POST":
        name = form.text("name", "场所或单位名称", required=True, max_len=100)
        org_id = form.integer("org_id", "维护组织", required=True)
        if form.ok and name and org_id:
            try:
                saved = honor_services.save_venue(
                    db(),
                    actor(),
                    venue=venue,
                    org=get_org(db(), actor(), org_id),
                    name=name,
                    address=form.get("address"),
                    contact_name=form.get("contact_name"),
                    contact_phone=form.get("contact_phone"),
                    active=form.flag("active"),
                )
            except DomainError as exc:
                rollback()
                form.fail(exc, VENUE_FIELDS)
            else:
                flash(f"已保存合作场所“{saved.name}”", "success")
                return redirect(url_for("console.honor_services"))
    return render_template(
        "honor_services/venue_form.html", form=form, venue=venue, orgs=scope_orgs()
    ), (200 if form.ok else 400)


@console_bp.route("/honor-services/venues/<int:venue_id>/offers/new", methods=["GET", "POST"])
@login_required(Action.HONOR_SERVICE_EDIT)
def honor_service_offer_new(venue_id: int):
    return _offer_form(honor_services.get_venue(db(), actor(), venue_id), None)


@console_bp.route("/honor-services/offers/<int:offer_id>", methods=["GET", "POST"])
@login_required(Action.HONOR_SERVICE_EDIT)
def honor_service_offer_edit(offer_id: int):
    offer = honor_services.get_offer(db(), actor(), offer_id)
    return _offer_form(offer.venue, offer)


def _offer_form(venue: HonorVenue, offer: HonorOffer | None):
    defaults: dict[str, object] = {"free_uses": 1, "active": True}
    if offer is not None:
        defaults = {
            "title": offer.title,
            "schedule": offer.schedule,
            "free_uses": offer.free_uses,
            "active": offer.active,
        }
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "POST":
        title = form.text("title", "服务内容", required=True, max_len=100)
        uses = form.integer("free_uses", "每年免费次数", required=True)
        if form.ok and title and uses is not None:
            try:
                honor_services.save_offer(
                    db(),
                    actor(),
                    venue=venue,
                    offer=offer,
                    title=title,
                    schedule=form.get("schedule"),
                    free_uses=uses,
                    active=form.flag("active"),
                )
            except DomainError as exc:
                rollback()
                form.fail(exc, OFFER_FIELDS)
            else:
                flash(f"已保存“{venue.name}”的优惠项目“{title}”", "success")
                return redirect(url_for("console.honor_services"))
    return render_template("honor_services/offer_form.html", form=form, venue=venue, offer=offer), (
        200 if form.ok else 400
    )


@console_bp.post("/honor-services/rules")
@login_required(Action.HONOR_SERVICE_EDIT)
def honor_service_rules_save():
    form = Form(request.form)
    changes = []
    current = honor_service_rules.rules(db())
    for kind, spec in honor_service_rules.KINDS.items():
        threshold = form.integer(f"{kind}_threshold", spec.label, required=True)
        enabled = form.flag(f"{kind}_enabled")
        rule = current[kind]
        if threshold is not None and (enabled, threshold) != (rule.enabled, rule.threshold):
            changes.append((kind, enabled, threshold))
    if not form.ok:
        flash("；".join(form.errors.values()), "error")
        return redirect(url_for("console.honor_services"))
    try:
        for kind, enabled, threshold in changes:
            honor_service_rules.set_rule(db(), actor(), kind, enabled=enabled, threshold=threshold)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash("享受条件已保存", "success")
    return redirect(url_for("console.honor_services"))
