"""党员信息表 in the console: photo, work unit, 参加组织生活情况, 民主评议, hardship and skills; the
table printed as a PDF (docs/info-tables.md)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.views_finance import attachment
from backend.console.views_org_info import image_response
from backend.console.web import actor, db, login_required, rollback, today
from backend.errors import DomainError
from backend.models import MediaFile
from backend.models.info import APPRAISAL_RESULTS, ORG_LIFE_CHOICES
from backend.services import info_pdfs, info_tables, member_info
from backend.services.exports import PDF_MIME
from backend.services.media import NewMedia
from backend.services.policy import Action
from backend.services.scope import get_member

FIELDS = {
    "work_unit": "work_unit",
    "skills": "skills",
    "hardship_note": "hardship_note",
    "org_life": "org_life",
    "appraisal_year": "appraisal_year",
    "appraisal": "appraisal_result",
    "media_*": "photo",
}


@console_bp.route("/members/<int:member_id>/info", methods=["GET", "POST"])
@login_required(Action.MEMBER_EDIT)
def member_info_edit(member_id: int) -> ResponseReturnValue:
    member = get_member(db(), actor(), member_id)
    defaults = {k: getattr(member, k) for k in member_info.INFO_FIELDS if k != "photo_id"}
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "POST":
        upload = request.files.get("photo")
        info = member_info.MemberInfo(
            work_unit=form.text("work_unit", "工作单位及职务", max_len=100),
            org_life=form.choice("org_life", "参加组织生活情况", ORG_LIFE_CHOICES),
            skills=form.text("skills", "特长", max_len=200),
            hardship=form.flag("hardship"),
            hardship_note=form.text("hardship_note", "困难情况", max_len=200),
            photo=NewMedia(upload.filename, upload.read())
            if upload is not None and upload.filename
            else None,
            appraisal_year=form.integer("appraisal_year", "评议年度"),
            appraisal_result=form.choice("appraisal_result", "评议结果", APPRAISAL_RESULTS),
        )
        if form.ok:
            try:
                member_info.update_info(db(), actor(), member, info, today=today())
            except DomainError as exc:
                rollback()
                form.fail(exc, FIELDS)
            else:
                flash("党员信息表已保存", "success")
                return redirect(url_for("console.member_detail", member_id=member.id))
    return render_template(
        "console/members/info.html",
        member=member,
        form=form,
        details=info_tables.member_details(db(), member),
        org_life_choices=[(c, c) for c in ORG_LIFE_CHOICES],
        results=[(r, r) for r in APPRAISAL_RESULTS],
    ), (200 if form.ok else 400)


@console_bp.get("/members/<int:member_id>/photo")
@login_required(Action.READ)
def member_photo(member_id: int) -> ResponseReturnValue:
    member = get_member(db(), actor(), member_id)
    stored = db().get(MediaFile, member.photo_id) if member.photo_id else None
    if stored is None:
        abort(404)
    return image_response(stored)


@console_bp.get("/members/<int:member_id>/info.pdf")
@login_required(Action.READ)
def member_info_pdf(member_id: int) -> ResponseReturnValue:
    member = get_member(db(), actor(), member_id)
    table = info_tables.member_table(db(), member, today())
    return attachment(
        info_pdfs.member_table_pdf(table), PDF_MIME, f"{table.title}_{member.name}.pdf"
    )
