"""The yearly assessment worksheet (年度党费核定): one page of it at a time, sortable, with the
whole worksheet's fingerprint and counts (what fixing checks) and an xlsx of every line."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import (
    paginate,
    sheet_rows,
    show_defaults,
    sorting,
    wants_xlsx,
    xlsx_download,
)
from backend.console.views_finance import chosen_org, chosen_year, scope_orgs
from backend.console.web import actor, db, login_required, rollback, settings
from backend.errors import DomainError
from backend.models import Member, Organization
from backend.models.member import DUES_CATEGORY_LABELS
from backend.services import yearly_assessment as ya
from backend.services.exports import Column
from backend.services.input_rules import whole_number
from backend.services.policy import Action

add_menu_entry("年度核定", "console.finance_assessment", section="党费", order=44)


def _overrides(form: Form, sheet_ids: list[int]) -> dict[int, ya.Override]:
    """Category and base of each member as edited on the worksheet."""
    out: dict[int, ya.Override] = {}
    for member_id in sheet_ids:
        category = form.get(f"cat_{member_id}")
        base = form.yuan(f"base_{member_id}", "月计算基数")
        if category:
            out[member_id] = (category, base)
    return out


ASSESSMENT_SORTS = {
    "org": (Organization.code, Member.card_no),
    "card": (Member.card_no,),
    "name": (Member.name,),
    "category": (Member.dues_category,),
    "base": (Member.dues_base_fen,),
    "current": (Member.monthly_dues_fen,),
}
ASSESSMENT_COLUMNS = [
    Column("卡号", width=8),
    Column("姓名", width=10),
    Column("党支部", width=22),
    Column("党费类别", width=10),
    Column("月计算基数（元）", "money", 12),
    Column("现月交（元）", "money", 11),
    Column("核定月交（元）", "money", 11),
    Column("依据", width=40),
]


def _assessment_values(row: ya.WorksheetRow) -> list[object]:
    category = DUES_CATEGORY_LABELS.get(row.category, "") if row.category else ""
    return [row.card_no, row.name, row.org_name, category, row.base_fen, row.current_fen,
            row.new_fen, row.error or row.rule]  # fmt: skip


@console_bp.route("/finance/assessment", methods=["GET", "POST"])
@login_required(Action.READ)
def finance_assessment() -> ResponseReturnValue:
    form = Form(request.values)
    org, year = chosen_org(form), chosen_year(form)
    show_defaults(form, org_id=org.id, year=year)
    ids = [n for k in request.form if k.startswith("cat_") and (n := whole_number(k[4:]))]
    overrides = _overrides(form, ids)
    dues = settings().dues
    if request.method == "POST" and request.form.get("action") == "fix" and form.ok:
        try:
            result = ya.fix(db(), actor(), dues, org.id, year, form.get("fingerprint"), overrides)
        except DomainError as exc:
            rollback()
            flash(exc.message, "error")
        else:
            flash(
                f"{year}年度党费已核定：{result.members}名党员，其中{result.changed}名金额有变化",
                "success",
            )
            args: dict[str, Any] = request.args.to_dict()
            return redirect(url_for("console.finance_assessment", **args))
    sort = sorting(ASSESSMENT_SORTS, default="org", tie=(Member.id,))
    stmt = ya.worksheet_query(org)
    if wants_xlsx():
        rows = sheet_rows(db(), sort.apply(stmt), lambda m: _assessment_values(
            ya.worksheet_row(m, None, dues)))  # fmt: skip
        return xlsx_download(f"{org.name}{year}年度党费核定表", ASSESSMENT_COLUMNS, rows)
    # The whole worksheet is computed for its fingerprint and counts (what fixing checks);
    # the table shows one page of it, straight from the database.
    sheet = ya.worksheet(db(), actor(), dues, org.id, year, overrides)
    page = paginate(db(), stmt, sort=sort)
    lines = [ya.worksheet_row(m, overrides.get(m.id), dues) for m in page.items]
    return render_template(
        "finance/assessment.html",
        form=form,
        sheet=sheet,
        page=replace(page, items=lines),
        changed=sum(1 for r in sheet.rows if r.changed),
        orgs=scope_orgs(),
        categories=list(DUES_CATEGORY_LABELS.items()),
        reviewed=request.method == "POST",
    )
