"""The remittance page (党费汇缴): a period's outstanding collections of one organization and the
form that draws up its batch. The organization in the selector is the one shown and the one the
form acts on; the district never remits, so it is never offered (docs/dues.md). The batch's own
page and its confirm / cancel / reverse forms are in ``views_finance``."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.views_finance import chosen_year
from backend.console.web import actor, current_user, db, login_required, rollback, settings, today
from backend.errors import DomainError
from backend.models import Organization, OrgType
from backend.services import remittance
from backend.services.policy import Action
from backend.services.remittance_ledger import Period, earlier_outstanding, outstanding
from backend.services.scope import org_in_scope


def remitting_orgs() -> list[Organization]:
    """The organizations in the user's scope that may draw up a batch (not the district)."""
    return list(
        db().scalars(
            select(Organization)
            .where(org_in_scope(actor()), Organization.type != OrgType.DISTRICT)
            .order_by(Organization.code)
        )
    )


def remitting_org(form: Form, orgs: list[Organization]) -> Organization | None:
    """The organization asked for, else the user's own, else the first in the selector — always
    one the selector lists, so what is shown is what is acted on."""
    wanted = form.integer("org_id", "党组织") or current_user().org_id
    by_id = {o.id: o for o in orgs}
    return by_id.get(wanted) or (orgs[0] if orgs else None)


def chosen_period(form: Form) -> Period:
    """Months start..end of the year; by default the current quarter up to this month."""
    year = chosen_year(form)
    end = min(max(form.integer("end_month", "截止月份") or today().month, 1), 12)
    default_start = ((end - 1) // 3) * 3 + 1
    start = min(max(form.integer("start_month", "起始月份") or default_start, 1), end)
    return Period(year, start, end)


@console_bp.get("/finance/remittance")
@login_required(Action.READ)
def finance_remittance() -> ResponseReturnValue:
    form = Form(request.args)
    orgs = remitting_orgs()
    org = remitting_org(form, orgs)
    period = chosen_period(form)
    timezone = settings().dues.timezone
    lines = outstanding(db(), org, period, timezone, settings().remittance) if org else []
    earlier = earlier_outstanding(db(), org, period, timezone) if org else (0, 0)
    names = {o.id: o for o in db().scalars(select(Organization).where(org_in_scope(actor())))}
    return render_template(
        "finance/remittance.html",
        org=org,
        orgs=orgs,
        period=period,
        lines=lines,
        earlier=earlier,
        names=names,
        batches=remittance.list_batches(db(), actor()),
    )


@console_bp.post("/finance/remittance")
@login_required(Action.REMITTANCE_PREPARE)
def finance_remittance_create() -> ResponseReturnValue:
    form = Form(request.form)
    org_id = form.integer("org_id", "党组织", required=True) or 0
    period = Period(
        chosen_year(form),
        form.integer("start_month", "起始月份") or 1,
        form.integer("end_month", "截止月份") or 12,
    )
    try:
        batch = remittance.create_batch(
            db(), actor(), settings(), org_id, period.year, period.start_month, period.end_month
        )
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
        # back to the same organization and period — the filter fields only, never the token
        back: dict[str, Any] = {
            "org_id": org_id,
            "year": period.year,
            "start_month": period.start_month,
            "end_month": period.end_month,
        }
        return redirect(url_for("console.finance_remittance", **back))
    flash(f"已生成汇缴批次{batch.batch_no}，请核对明细后确认", "success")
    return redirect(url_for("console.finance_batch", batch_id=batch.id))
