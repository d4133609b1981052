"""Console pages of the party-building fund (党建基金): donations, receipts, certificates."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.once import answered_once
from backend.console.paging import (
    paginate,
    sheet_rows,
    show_defaults,
    sorting,
    wants_xlsx,
    xlsx_download,
)
from backend.console.views_finance import chosen_year, scope_orgs, send_pdf
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError
from backend.models import Donation, DonorKind, FundReceipt, Organization
from backend.services import finance_docs, fund, honors
from backend.services.exports import Column, letter_pdf
from backend.services.policy import Action

add_menu_entry("党建基金", "console.fund", section="服务", order=60, active_prefix="console.fund")

FIELDS = {
    "donor_name": "donor_name",
    "donor_kind": "donor_kind",
    "donation_amount": "amount",
    "donation_date": "donated_on",
    "donation_method": "method",
    "phone_format": "phone",
    "purpose_missing": "purpose",
    "text_too_long": "purpose",
    "org_not_found": "receiving_org_id",
}


DONATION_SORTS = {
    "date": (Donation.donated_on,),
    "receipt": (FundReceipt.receipt_no,),
    "donor": (Donation.donor_name,),
    "org": (Organization.code,),
    "amount": (Donation.amount_fen,),
}
DONATION_COLUMNS = [
    Column("收据编号", width=14),
    Column("日期", width=11),
    Column("捐赠人（单位）", width=24),
    Column("类型", width=16),
    Column("接收组织", width=20),
    Column("金额（元）", "money", 12),
    Column("光荣榜", width=10),
    Column("状态", width=8),
]


def _donation_values(row: tuple[Donation, FundReceipt]) -> list[object]:
    d, r = row
    return [
        r.receipt_no,
        d.donated_on.isoformat(),
        d.donor_name + (f"（{d.unit}）" if d.unit else ""),
        f"定向：{d.purpose}" if d.directed else "非定向",
        d.receiving_org.name,
        d.amount_fen,
        "同意公开" if d.consent_public else "不公开",
        "已作废" if d.voided else "有效",
    ]


@console_bp.get("/finance/fund", endpoint="fund")
@login_required(Action.READ)
def fund_list() -> ResponseReturnValue:
    form = Form(request.args)
    year = chosen_year(form)
    show_defaults(form, year=year)
    stmt = fund.donations_query(actor(), year=year)
    sort = sorting(DONATION_SORTS, default="date", descending=True, tie=(Donation.id,))
    if wants_xlsx():
        rows = sheet_rows(db(), sort.apply(stmt), _donation_values)
        return xlsx_download(f"{year}年党建基金捐赠", DONATION_COLUMNS, rows)
    return render_template(
        "finance/fund_list.html",
        form=form,
        year=year,
        page=paginate(db(), stmt, sort=sort),
        totals=fund.totals(db(), actor()),
    )


@console_bp.route("/finance/fund/new", methods=["GET", "POST"])
@login_required(Action.FUND_DONATE)
def fund_new() -> ResponseReturnValue:
    if request.method == "GET":
        form = Form(None, {"donated_on": today(), "method": "cash", "donor_kind": "person"})
        return render_template("finance/fund_form.html", form=form, orgs=scope_orgs())
    form = Form(request.form)
    amount = form.yuan("amount", "捐赠金额")
    donated_on = form.date("donated_on", "捐赠日期", required=True)
    org_id = form.integer("receiving_org_id", "接收组织", required=True)
    if form.ok and donated_on is not None and org_id is not None:
        data = fund.DonationData(
            donor_name=form.get("donor_name"),
            amount_fen=amount or 0,
            donated_on=donated_on,
            receiving_org_id=org_id,
            donor_kind=form.get("donor_kind") or DonorKind.PERSON,
            unit=form.get("unit"),
            address=form.get("address"),
            phone=form.get("phone"),
            directed=form.get("directed") == "1",
            purpose=form.get("purpose"),
            method=form.get("method") or "cash",
            consent_public=form.flag("consent_public"),
        )
        try:
            donation, receipt = fund.record_donation(db(), actor(), data, today=today())
        except DomainError as exc:
            rollback()
            form.fail(exc, FIELDS)
        else:
            flash(f"已登记捐赠，收据编号{receipt.receipt_no}", "success")
            return redirect(url_for("console.fund_detail", donation_id=donation.id))
    return render_template("finance/fund_form.html", form=form, orgs=scope_orgs()), 400


@console_bp.get("/finance/fund/<int:donation_id>")
@login_required(Action.READ)
def fund_detail(donation_id: int) -> ResponseReturnValue:
    donation, receipt = fund.get_donation(db(), actor(), donation_id)
    document = finance_docs.donation_receipt(donation, receipt, settings().center_name)
    return render_template(
        "finance/fund_detail.html", donation=donation, receipt=receipt, document=document
    )


@console_bp.get("/finance/fund/<int:donation_id>/<any(receipt,certificate):kind>.pdf")
@login_required(Action.READ)
def fund_pdf(donation_id: int, kind: str) -> ResponseReturnValue:
    donation, receipt = fund.get_donation(db(), actor(), donation_id)
    center = settings().center_name
    if kind == "certificate":
        data = finance_docs.donation_certificate_pdf(donation, receipt, center, issued_on=today())
        return send_pdf(data, f"捐赠证书{receipt.receipt_no}")
    rows = finance_docs.donation_rows(donation, receipt)
    note = [f"本收据已作废：{receipt.void_reason}"] if donation.voided else []
    data = letter_pdf("党建基金捐赠收据", note, rows=rows, signature=[center])
    return send_pdf(data, f"捐赠收据{receipt.receipt_no}")


@console_bp.post("/finance/fund/<int:donation_id>/<any(void,consent):action>")
@login_required(
    Action.FUND_DONATE, variants={"void": Action.FUND_VOID, "consent": Action.HONOR_EDIT}
)
@answered_once(actions={"void"})
def fund_action(donation_id: int, action: str) -> ResponseReturnValue:
    donation, receipt = fund.get_donation(db(), actor(), donation_id)
    try:
        if action == "void":
            fund.void_donation(db(), actor(), donation.id, request.form.get("reason", ""))
            flash(f"收据{receipt.receipt_no}已作废", "success")
        else:
            consent = request.form.get("consent") == "1"
            honors.set_donation_consent(db(), actor(), donation, consent)
            flash("已更新光荣榜公开意愿", "success")
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    return redirect(url_for("console.fund_detail", donation_id=donation_id))
