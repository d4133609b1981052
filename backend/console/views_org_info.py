"""党组织基本情况信息表 in the console: edit the table's fields and place photos, seat and unseat
committee members, print the table as a PDF (docs/info-tables.md)."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import or_, select

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.views_finance import attachment
from backend.console.web import actor, db, login_required, rollback, today
from backend.errors import DomainError
from backend.models import MediaFile, Member, Organization, OrgPhoto
from backend.models.info import PARTY_POSTS
from backend.services import info_pdfs, info_tables, org_breakdown, org_info
from backend.services.exports import PDF_MIME
from backend.services.media import NewMedia
from backend.services.policy import Action
from backend.services.scope import get_org

INFO_FIELDS = {
    "org_approved_on": "approved_on",
    "org_liaison": "liaison",
    "org_liaison_phone": "liaison_phone",
    "org_meeting_place": "meeting_place",
    "media_*": "photo",
}
SEAT_FIELDS = {"seat_post": "post", "seat_member": "member", "seat_taken": "post"}


def _page(org: Organization, form: Form, seat_form: Form, status: int = 200) -> ResponseReturnValue:
    return render_template(
        "console/orgs/info.html",
        org=org,
        form=form,
        seat_form=seat_form,
        committee=org_info.committee(db(), org),
        photos=org_info.place_photos(db(), org),
        posts=[(p, p) for p in PARTY_POSTS],
        counts=info_tables.count_lines(org_breakdown.breakdown(db(), org.path, today())),
    ), status


def _upload(name: str) -> NewMedia | None:
    upload = request.files.get(name)
    if upload is None or not upload.filename:
        return None
    return NewMedia(upload.filename, upload.read())


@console_bp.route("/orgs/<int:org_id>/info", methods=["GET", "POST"])
@login_required(Action.ORG_EDIT)
def org_info_edit(org_id: int) -> ResponseReturnValue:
    org = get_org(db(), actor(), org_id)
    defaults = {k: getattr(org, k) for k in org_info.INFO_FIELDS}
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "POST":
        info = org_info.OrgInfo(
            approved_on=form.date("approved_on", "批准成立日期"),
            liaison=form.text("liaison", "联系人（联系小组）", max_len=100),
            liaison_phone=form.text("liaison_phone", "联系人电话", max_len=30),
            meeting_place=form.text("meeting_place", "活动场所", max_len=200),
        )
        if form.ok:
            try:
                org_info.update_info(db(), actor(), org, info, today=today())
                photo = _upload("photo")
                if photo is not None:
                    org_info.add_place_photo(db(), actor(), org, photo)
            except DomainError as exc:
                rollback()
                form.fail(exc, INFO_FIELDS)
            else:
                flash("基本情况信息已保存", "success")
                return redirect(url_for("console.org_info_edit", org_id=org.id))
    return _page(org, form, Form(None, {}), 200 if form.ok else 400)


@console_bp.post("/orgs/<int:org_id>/seats")
@login_required(Action.ORG_EDIT)
def org_seat_set(org_id: int) -> ResponseReturnValue:
    org = get_org(db(), actor(), org_id)
    seat_form = Form(request.form)
    token = seat_form.text("member", "党员（卡号或党员编号）", required=True)
    post = seat_form.choice("post", "党内职务", PARTY_POSTS, required=True)
    since = seat_form.date("since", "任职日期")
    member = None
    if token:
        member = db().scalar(
            select(Member).where(
                or_(Member.card_no == token, Member.member_no == token),
                Member.archived.is_(False),
            )
        )
        if member is None or not member.org.path.startswith(org.path):
            seat_form.error("member", f"{org.name}（含下级）没有卡号或党员编号为{token}的党员")
    if seat_form.ok and member is not None and post:
        try:
            org_info.set_seat(db(), actor(), org, member, post, since=since)
        except DomainError as exc:
            rollback()
            seat_form.fail(exc, SEAT_FIELDS)
        else:
            flash(f"已将{member.name}列为{org.name}{post}", "success")
            return redirect(url_for("console.org_info_edit", org_id=org.id))
    defaults = {k: getattr(org, k) for k in org_info.INFO_FIELDS}
    return _page(org, Form(None, defaults), seat_form, 400)


@console_bp.post("/orgs/<int:org_id>/seats/<int:seat_id>/remove")
@login_required(Action.ORG_EDIT)
def org_seat_remove(org_id: int, seat_id: int) -> ResponseReturnValue:
    org = get_org(db(), actor(), org_id)
    try:
        org_info.remove_seat(db(), actor(), org, seat_id)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash("已调整班子成员", "success")
    return redirect(url_for("console.org_info_edit", org_id=org.id))


@console_bp.post("/orgs/<int:org_id>/photos/<int:photo_id>/remove")
@login_required(Action.ORG_EDIT)
def org_photo_remove(org_id: int, photo_id: int) -> ResponseReturnValue:
    org = get_org(db(), actor(), org_id)
    try:
        org_info.remove_place_photo(db(), actor(), org, photo_id)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash("照片已删除", "success")
    return redirect(url_for("console.org_info_edit", org_id=org.id))


@console_bp.get("/orgs/<int:org_id>/photos/<int:photo_id>")
@login_required(Action.READ)
def org_photo(org_id: int, photo_id: int) -> ResponseReturnValue:
    org = get_org(db(), actor(), org_id)
    row = db().get(OrgPhoto, photo_id)
    stored = db().get(MediaFile, row.media_id) if row and row.org_id == org.id else None
    if stored is None:
        abort(404)
    return image_response(stored)


def image_response(stored: MediaFile) -> Response:
    response = Response(stored.data, mimetype=stored.content_type)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@console_bp.get("/orgs/<int:org_id>/info.pdf")
@login_required(Action.READ)
def org_info_pdf(org_id: int) -> ResponseReturnValue:
    org = get_org(db(), actor(), org_id)
    table = info_tables.org_table(db(), org, today())
    return attachment(info_pdfs.org_table_pdf(table), PDF_MIME, f"{table.title}.pdf")
