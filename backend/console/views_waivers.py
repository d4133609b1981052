"""Console pages for 减免: requests and their approvals (yearly assessment: views_assessment)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import or_

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
from backend.console.web import actor, db, login_required, rollback, today
from backend.errors import DomainError, NotFound
from backend.models import Member, Organization, WaiverRequest, WaiverState
from backend.services import waivers
from backend.services.exports import Column
from backend.services.money import format_yuan
from backend.services.policy import Action
from backend.services.scope import members_in_scope

add_menu_entry(
    "减免审批", "console.waivers", section="党费", order=45, active_prefix="console.waiver"
)

WAIVER_FIELDS = {
    "member_not_found": "member",
    "reduced_*": "reduced",
    "period": "start_month",
    "months_missing": "start_month",
    "month_*": "start_month",
    "waiver_overlap": "start_month",
}


def _member_by_number(text: str) -> Member:
    """A member in scope by card number or member number, as typed at the desk."""
    stmt = members_in_scope(actor()).where(
        Member.archived.is_(False), or_(Member.card_no == text, Member.member_no == text)
    )
    member = db().scalar(stmt) if text else None
    if member is None:
        raise NotFound("未找到该党员，或不在您的管理范围内", code="member_not_found")
    return member


WAIVER_VIEWS = {
    "open": ("待审批", (WaiverState.PENDING_BRANCH, WaiverState.PENDING_COMMITTEE)),
    "approved": ("已批准", (WaiverState.APPROVED,)),
    "rejected": ("不批准", (WaiverState.REJECTED,)),
    "all": ("全部", None),
}
WAIVER_SORTS = {
    "created": (WaiverRequest.created_at,),
    "member": (Member.name,),
    "org": (Organization.code,),
    "months": (WaiverRequest.year, WaiverRequest.start_month),
    "state": (WaiverRequest.state,),
}
WAIVER_COLUMNS = [
    Column("党员", width=10),
    Column("卡号", width=10),
    Column("党支部", width=20),
    Column("方式", width=14),
    Column("月份", width=14),
    Column("原因", width=24),
    Column("依据", width=24),
    Column("审批记录", width=36),
    Column("状态", width=10),
]


def _waiver_values(r: WaiverRequest) -> list[object]:
    kind = r.kind.label + (f"：每月{format_yuan(r.reduced_fen)}元" if r.reduced_fen else "")
    approvals = "；".join(
        f"{'支部' if a.level == 'branch' else '党委'}{'同意' if a.approved else '不同意'}"
        f"（{a.decided_by}，{a.decided_on:%Y-%m-%d}）"
        for a in r.approvals
    )
    months = f"{r.year}年{r.start_month}—{r.end_month}月"
    return [r.member.name, r.member.card_no, r.org.name, kind, months, r.reason, r.evidence,
            approvals, r.state.label]  # fmt: skip


@console_bp.get("/finance/waivers", endpoint="waivers")
@login_required(Action.READ)
def waiver_list() -> ResponseReturnValue:
    form = Form(request.args)
    view = form.get("state") if form.get("state") in WAIVER_VIEWS else "open"
    if request.args.get("all") == "1":  # the old "显示全部申请" link
        view = "all"
    show_defaults(form, state=view)
    stmt = waivers.requests_query(actor(), states=WAIVER_VIEWS[view][1])
    sort = sorting(WAIVER_SORTS, default="created", descending=True, tie=(WaiverRequest.id,))
    if wants_xlsx():
        title = f"党费减免申请（{WAIVER_VIEWS[view][0]}）"
        return xlsx_download(
            title, WAIVER_COLUMNS, sheet_rows(db(), sort.apply(stmt), _waiver_values)
        )
    page = paginate(db(), stmt, sort=sort)
    return render_template(
        "finance/waivers.html",
        form=form,
        page=page,
        views=[(k, label) for k, (label, _s) in WAIVER_VIEWS.items()],
        only_open=view == "open",
        can_decide={r.id: waivers.awaiting(actor(), r) for r in page.items},
        today=today(),
    )


@console_bp.route("/finance/waivers/new", methods=["GET", "POST"])
@login_required(Action.WAIVER_REQUEST)
def waiver_new() -> ResponseReturnValue:
    if request.method == "GET":
        form = Form(None, {"year": today().year, "kind": "waive", **request.args.to_dict()})
        return render_template("finance/waiver_form.html", form=form)
    form = Form(request.form)
    year = form.integer("year", "年度", required=True)
    start = form.integer("start_month", "起始月份", required=True)
    end = form.integer("end_month", "截止月份", required=True)
    reduced = form.yuan("reduced", "减交后每月金额")
    if form.ok:
        try:
            member = _member_by_number(form.get("member"))
            request_ = waivers.submit(
                db(),
                actor(),
                member.id,
                kind=form.get("kind"),
                year=year or 0,
                start_month=start or 0,
                end_month=end or 0,
                reduced_fen=reduced,
                reason=form.get("reason"),
                evidence=form.get("evidence"),
            )
        except DomainError as exc:
            rollback()
            form.fail(exc, WAIVER_FIELDS)
        else:
            flash(f"已提交{member.name}的减免申请，待支部审议", "success")
            return redirect(url_for("console.waivers", _anchor=f"w{request_.id}"))
    return render_template("finance/waiver_form.html", form=form), 400


@console_bp.post("/finance/waivers/<int:request_id>/decide")
@login_required(Action.WAIVER_APPROVE)
def waiver_decide(request_id: int) -> ResponseReturnValue:
    form = Form(request.form)
    decided_on = form.date("decided_on", "决定日期") or today()
    approve = form.get("decision") == "approve"
    try:
        result = waivers.decide(
            db(),
            actor(),
            request_id,
            approve=approve,
            decided_on=decided_on,
            comment=form.get("comment"),
        )
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(f"已记录审批意见：{result.state.label}", "success")
    return redirect(url_for("console.waivers"))
