"""Console page of the quarterly and yearly publication of dues collected and used
(收缴使用公示): the uses of the dues an organization keeps, the committee's (支委会) decision that
makes each one count, and the disclosure draft (docs/dues.md, Using the dues kept)."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.views_finance import chosen_org, chosen_year, scope_orgs, send
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError
from backend.models import Organization
from backend.services import dues_desk, dues_use
from backend.services.policy import Action

# --- the quarterly and yearly publication, and the uses it reports ---------------------------

USE_FIELDS = {
    "purpose_missing": "purpose",
    "amount_invalid": "amount",
    "beyond_kept_share": "amount",
}
APPROVAL_FIELDS = {
    "meeting_date": "meeting_on",
    "meeting_missing": "meeting",
    "decision_missing": "decision",
}


def _publication_post(org: Organization, year: int, quarter: int | None) -> tuple[Form, Form]:
    """Handle one of the page's forms; returns the use form and the approval form (with the
    refusal shown next to its field when there was one)."""
    use_form, approve_form = Form(request.form), Form(request.form)
    action = request.form.get("action")
    try:
        if action == "add_use":
            amount = use_form.yuan("amount", "金额")
            used_on = use_form.date("used_on", "日期", required=True)
            if use_form.ok and used_on is not None:
                dues_use.record_use(
                    db(),
                    actor(),
                    settings().remittance,
                    org.id,
                    used_on=used_on,
                    purpose=use_form.get("purpose"),
                    amount_fen=amount or 0,
                )
                flash("已登记党费使用，记录支委会决定后计入公示", "success")
        elif action == "approve_use":
            meeting_on = approve_form.date("meeting_on", "会议日期", required=True)
            if approve_form.ok:
                dues_use.approve_use(
                    db(),
                    actor(),
                    approve_form.integer("use_id", "使用记录") or 0,
                    meeting_on=meeting_on,
                    meeting=approve_form.get("meeting") or "",
                    decision=approve_form.get("decision") or "",
                    today=today(),
                )
                flash("已记录支委会决定，该笔使用计入公示", "success")
        elif action == "void_use":
            dues_use.void_use(db(), actor(), Form(request.form).integer("use_id", "使用记录") or 0)
            flash("已作废该使用记录", "success")
        elif action == "draft":
            pub = dues_desk.publication(
                db(), actor(), org.id, year, quarter=quarter, remittance=settings().remittance
            )
            doc = dues_desk.publication_draft(db(), actor(), pub, today=today())
            flash(f"已生成党务公开草稿“{doc.title}”，审核发布后在公开栏显示", "success")
    except DomainError as exc:
        rollback()
        target = approve_form if action == "approve_use" else use_form
        target.fail(exc, APPROVAL_FIELDS if action == "approve_use" else USE_FIELDS)
    return use_form, approve_form


@console_bp.route("/finance/publication", methods=["GET", "POST"])
@login_required(Action.READ)
def finance_publication() -> ResponseReturnValue:
    form = Form(request.values)
    org, year = chosen_org(form), chosen_year(form)
    quarter = form.integer("quarter", "季度")
    use_form, approve_form = Form(None), Form(None)
    if request.method == "POST":
        use_form, approve_form = _publication_post(org, year, quarter)
        if use_form.ok and approve_form.ok:
            args: dict[str, Any] = {"org_id": org.id, "year": year, "quarter": quarter}
            return redirect(url_for("console.finance_publication", **args))
    pub = dues_desk.publication(
        db(), actor(), org.id, year, quarter=quarter, remittance=settings().remittance
    )
    sheet = dues_desk.publication_sheet(pub, printed_on=today())
    fmt = request.args.get("format")
    if fmt in ("xlsx", "pdf"):
        return send(sheet, fmt)
    return render_template(
        "finance/publication.html",
        form=form,
        use_form=use_form,
        approve_form=approve_form,
        balance=dues_use.balance(db(), org, settings().remittance),
        quarter=quarter,
        pub=pub,
        sheet=sheet,
        orgs=scope_orgs(),
    ), (200 if use_form.ok and approve_form.ok else 400)
