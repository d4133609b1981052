"""Honor services at the window (console): the eligible members, issuing a free use with its
荣誉服务通知单, the uses of a year, and the notice itself for printing or 补打
(docs/honor-services.md)."""

from __future__ import annotations

from typing import Any

from flask import Response, flash, redirect, render_template, request, url_for
from sqlalchemy import Select, or_

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.paging import paginate, sheet_rows, sorting, wants_xlsx, xlsx_download
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError
from backend.models import HonorUse, Member, MemberStatus, Organization
from backend.services import (
    honor_service_notice,
    honor_service_rules,
    honor_service_uses,
)
from backend.services.dues_year import to_local
from backend.services.exports import Column
from backend.services.kiosk_summary import whole_years
from backend.services.policy import Action
from backend.services.scope import get_member

ELIGIBLE_SORTS = {
    "name": (Member.name,),
    "org": (Organization.code,),
    "joined": (Member.joined_date,),
}
ELIGIBLE_COLUMNS = [
    Column("姓名", width=10),
    Column("党员编号", width=16),
    Column("所在组织", width=24),
    Column("党龄", "int", 6),
    Column("享受条件", width=30),
]
USE_SORTS = {"no": (HonorUse.notice_seq,), "org": (Organization.code,)}
USE_COLUMNS = [
    Column("通知单编号", width=12),
    Column("党员", width=10),
    Column("所在组织", width=24),
    Column("合作单位", width=24),
    Column("服务内容", width=20),
    Column("享受条件", width=16),
    Column("开具方式", width=10),
    Column("开具时间", width=16),
]


def _party_age(member: Member) -> int | None:
    since = member.full_member_date or (
        member.joined_date if member.status is MemberStatus.FULL else None
    )
    return whole_years(since, today()) if since else None


def _met(row: Any) -> str:
    kinds = honor_service_rules.KINDS
    return "、".join(spec.label for k, spec in kinds.items() if getattr(row, k, False))


def _eligible_values(row: Any) -> list[object]:
    member, org_name = row[0], row[1]
    return [member.name, member.member_no or "", org_name, _party_age(member), _met(row)]


def _search(stmt: Select, text: str) -> Select:
    if not text:
        return stmt
    card_no = text.zfill(settings().card_no_digits) if text.isdigit() else text
    return stmt.where(
        or_(Member.name.contains(text), Member.member_no == text, Member.card_no == card_no)
    )


@console_bp.get("/honor-services/eligible")
@login_required(Action.READ)
def honor_service_eligible():
    form = Form(request.args)
    stmt = _search(honor_service_rules.eligible_rows(db(), actor(), today()), form.get("q"))
    sort = sorting(ELIGIBLE_SORTS, default="org", tie=(Member.id,))
    if wants_xlsx():
        return xlsx_download(
            "荣誉服务可享受党员",
            ELIGIBLE_COLUMNS,
            sheet_rows(db(), sort.apply(stmt), _eligible_values),
        )
    return render_template(
        "honor_services/eligible.html",
        form=form,
        page=paginate(db(), stmt, sort=sort),
        values=_eligible_values,
    )


@console_bp.route("/honor-services/issue/<int:member_id>", methods=["GET", "POST"])
@login_required(Action.HONOR_SERVICE_ISSUE)
def honor_service_issue(member_id: int):
    member = get_member(db(), actor(), member_id)
    form = Form(request.form if request.method == "POST" else None)
    if request.method == "POST":
        offer_id = form.integer("offer_id", "优惠项目", required=True)
        if form.ok and offer_id:
            try:
                use = honor_service_uses.issue(db(), actor(), member, offer_id, today=today())
            except DomainError as exc:
                rollback()
                form.fail(exc, {"honor_offer_not_found": "offer_id"})
            else:
                flash(f"已开具荣誉服务通知单{use.notice_no}", "success")
                return redirect(url_for("console.honor_service_use", use_id=use.id))
        member = get_member(db(), actor(), member_id)
    return render_template(
        "honor_services/issue.html",
        form=form,
        member=member,
        reasons=honor_service_rules.reasons(db(), member, today()),
        standings=honor_service_uses.standings(db(), member, today()),
        party_age=_party_age(member),
    ), (200 if form.ok else 400)


def _use_values(use: HonorUse) -> list[object]:
    return [
        use.notice_no,
        use.member.name,
        use.org.name,
        use.offer.venue.name,
        use.offer.title,
        use.basis,
        honor_service_notice.CHANNELS.get(use.channel, use.channel),
        f"{to_local(use.used_on, settings().dues):%Y-%m-%d %H:%M}",
    ]


@console_bp.get("/honor-services/uses")
@login_required(Action.READ)
def honor_service_uses_list():
    form = Form(request.args, {"year": today().year})
    year = form.integer("year", "年度") or today().year
    stmt = honor_service_uses.uses_of_year(actor(), year)
    sort = sorting(USE_SORTS, default="no", descending=True, tie=(HonorUse.id,))
    if wants_xlsx():
        return xlsx_download(
            f"{year}年荣誉服务使用登记",
            USE_COLUMNS,
            sheet_rows(db(), sort.apply(stmt), _use_values),
        )
    return render_template(
        "honor_services/uses.html",
        form=form,
        year=year,
        page=paginate(db(), stmt, sort=sort),
        values=_use_values,
    )


@console_bp.get("/honor-services/uses/<int:use_id>")
@login_required(Action.READ)
def honor_service_use(use_id: int):
    use = honor_service_uses.get_use(db(), actor(), use_id)
    return render_template(
        "honor_services/use.html",
        use=use,
        reprint=request.args.get("reprint") == "1",
        values=_use_values(use),
    )


@console_bp.get("/honor-services/uses/<int:use_id>/notice.png")
@login_required(Action.READ)
def honor_service_notice_png(use_id: int):
    from devices.printer import PrinterProfile, png_bytes

    use = honor_service_uses.get_use(db(), actor(), use_id)
    if request.args.get("reprint") == "1" and use.prints > 1:
        document = honor_service_notice.reprint_document(settings(), use)
    else:
        document = honor_service_notice.notice_document(settings(), use)
    response = Response(png_bytes(document, PrinterProfile()), mimetype="image/png")
    response.headers["Cache-Control"] = "private, no-store"
    return response


@console_bp.post("/honor-services/uses/<int:use_id>/reprint")
@login_required(Action.HONOR_SERVICE_ISSUE)
def honor_service_reprint(use_id: int):
    use = honor_service_uses.get_use(db(), actor(), use_id)
    prints = honor_service_uses.count_reprint(db(), actor(), use, None)
    flash(f"通知单{use.notice_no}第{prints - 1}次补打", "success")
    return redirect(url_for("console.honor_service_use", use_id=use.id, reprint=1))
