"""The honor roll (光荣榜) in the console: commendations with photos and consent, and the fund's
donors with theirs.

Donations are recorded at the fund desk (``views_fund``); this page only shows the donors of
the user's subtree and records whether each agrees to be named on the kiosk. A person's photo
appears on the kiosk only with their consent, so the list shows it only then as well.
"""

from __future__ import annotations

from typing import Any

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import extract, or_, select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import paginate, sheet_rows, sorting, wants_xlsx, xlsx_download
from backend.console.views_finance import scope_orgs
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError
from backend.models import (
    Donation,
    FundReceipt,
    HonorEntry,
    HonorKind,
    MediaFile,
    Member,
    Organization,
)
from backend.services import honors
from backend.services.exports import Column
from backend.services.media import NewMedia
from backend.services.policy import Action
from backend.services.scope import get_org, members_in_scope, org_in_scope

add_menu_entry("光荣榜", "console.honors", section="服务", order=45, active_prefix="console.honor")

TITLES = (*honors.TITLE_ORDER, "光荣在党50年纪念章", "优秀志愿者", "党员先锋岗", "模范党员")
FIELDS = {
    "honor_fields": "title",
    "honor_kind": "title",
    "honor_year": "year",
    "honor_citation": "citation",
    "honor_person": "person_name",
    "member_not_found": "member_no",
    "org_not_found": "org_id",
    "media_*": "photo",
}


HONOR_SORTS = {
    "year": (HonorEntry.year,),
    "title": (HonorEntry.title,),
    "kind": (HonorEntry.kind,),
    "org": (Organization.code,),
}
HONOR_COLUMNS = [
    Column("年度", "int", 6),
    Column("荣誉称号", width=24),
    Column("类别", width=8),
    Column("受表彰人/集体", width=16),
    Column("所在组织", width=22),
    Column("授予单位", width=20),
    Column("查询机", width=8),
]


def _honor_values(row: tuple[HonorEntry, str]) -> list[object]:
    e, org_name = row
    who = (e.person_name or "") if e.kind is HonorKind.PERSON else org_name
    return [e.year, e.title, e.kind.label, who, e.unit_name or org_name, e.awarding_body,
            "显示" if e.visible else "隐藏"]  # fmt: skip


@console_bp.get("/honors", endpoint="honors")
@login_required(Action.READ)
def honors_list() -> ResponseReturnValue:
    form = Form(request.args)
    year = form.integer("year", "年度")
    kind = form.choice("kind", "类别", [k.value for k in HonorKind])
    stmt = (
        select(HonorEntry, Organization.name)
        .join(Organization, HonorEntry.org_id == Organization.id)
        .where(org_in_scope(actor()))
        .order_by(HonorEntry.year.desc(), HonorEntry.id.desc())
    )
    if year:
        stmt = stmt.where(HonorEntry.year == year)
    if kind:
        stmt = stmt.where(HonorEntry.kind == HonorKind(kind))
    donations = select(Donation, FundReceipt).outerjoin(
        FundReceipt, FundReceipt.donation_id == Donation.id
    )
    donations = donations.join(Organization, Donation.receiving_org_id == Organization.id).where(
        org_in_scope(actor())
    )
    if year:
        donations = donations.where(extract("year", Donation.donated_on) == year)
    sort = sorting(HONOR_SORTS, default="year", descending=True, tie=(HonorEntry.id,))
    if wants_xlsx():
        return xlsx_download(
            "光荣榜表彰", HONOR_COLUMNS, sheet_rows(db(), sort.apply(stmt), _honor_values)
        )
    return render_template(
        "honors/list.html",
        form=form,
        page=paginate(db(), stmt, sort=sort),
        donors=db()
        .execute(donations.order_by(Donation.donated_on.desc(), Donation.id.desc()).limit(500))
        .all(),
        summary=honors.donor_summary(db()),
        kinds=[(k.value, k.label) for k in HonorKind],
    )


def _person(form: Form) -> Member | None:
    """The honored member named by member number or card number, inside the user's scope."""
    token = form.get("member_no")
    if not token:
        return None
    card_no = token.zfill(settings().card_no_digits) if token.isdigit() else token
    member = db().scalar(
        members_in_scope(actor()).where(or_(Member.member_no == token, Member.card_no == card_no))
    )
    if member is None:
        form.error("member_no", f"找不到党员编号或卡号为{token}的党员（或不在您的管理范围内）")
    return member


def _photo() -> NewMedia | None:
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        return None
    return NewMedia(upload.filename, upload.read())


@console_bp.route("/honors/new", methods=["GET", "POST"])
@login_required(Action.HONOR_EDIT)
def honor_new() -> ResponseReturnValue:
    defaults = {"kind": "person", "year": today().year, "org_id": actor().org_id}
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "POST":
        kind = form.choice("kind", "类别", [k.value for k in HonorKind], required=True)
        title = form.text("title", "荣誉称号", required=True, max_len=50)
        year = form.integer("year", "表彰年度", required=True)
        body = form.text("awarding_body", "授予单位", required=True, max_len=100)
        org_id = form.integer("org_id", "所在组织", required=True)
        citation = form.text("citation", "事迹简介", max_len=300) or ""
        member = _person(form) if kind == HonorKind.PERSON else None
        if form.ok and kind and title and year and body and org_id:
            try:
                entry = honors.add_honor(
                    db(),
                    actor(),
                    kind=kind,
                    title=title,
                    year=year,
                    awarding_body=body,
                    org=member.org if member else get_org(db(), actor(), org_id),
                    citation=citation,
                    person_name=form.get("person_name") or None,
                    member=member,
                    unit_name=form.get("unit_name") or None,
                    photo=_photo(),
                    photo_consent=form.flag("photo_consent"),
                    today=today(),
                )
            except DomainError as exc:
                rollback()
                form.fail(exc, FIELDS)
            else:
                flash(f"已将{_name(entry)}“{entry.title}”（{entry.year}年）列入光荣榜", "success")
                return redirect(url_for("console.honors"))
    return render_template(
        "honors/form.html", form=form, orgs=scope_orgs(), titles=TITLES, kinds=_kinds()
    ), (200 if form.ok else 400)


def _kinds() -> list[tuple[str, str]]:
    return [(k.value, k.label) for k in HonorKind]


def _name(entry: HonorEntry) -> str:
    if entry.kind is HonorKind.PERSON and entry.person_name:
        return entry.person_name
    return entry.org.name


@console_bp.route("/honors/<int:entry_id>", methods=["GET", "POST"])
@login_required(Action.HONOR_EDIT)
def honor_edit(entry_id: int) -> ResponseReturnValue:
    entry = honors.get_honor(db(), actor(), entry_id)
    defaults: dict[str, Any] = {
        "citation": entry.citation,
        "photo_consent": entry.photo_consent,
        "visible": entry.visible,
    }
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "POST":
        citation = form.text("citation", "事迹简介", max_len=300) or ""
        if form.ok:
            honors.update_honor(
                db(),
                actor(),
                entry,
                citation=citation,
                photo_consent=form.flag("photo_consent")
                if entry.kind is HonorKind.PERSON
                else None,
                visible=form.flag("visible"),
            )
            flash("光荣榜条目已保存", "success")
            return redirect(url_for("console.honors"))
    return render_template("honors/edit.html", form=form, entry=entry, name=_name(entry)), (
        200 if form.ok else 400
    )


@console_bp.post("/honors/<int:entry_id>/<any(consent,visible):what>")
@login_required(Action.HONOR_EDIT)
def honor_toggle(entry_id: int, what: str) -> ResponseReturnValue:
    entry = honors.get_honor(db(), actor(), entry_id)
    on = request.form.get("on") == "1"
    if what == "consent":
        honors.update_honor(db(), actor(), entry, photo_consent=on)
        message = (
            "已记录本人同意，查询机光荣榜显示照片" if on else "已撤销照片公开，查询机不再显示照片"
        )
    else:
        honors.update_honor(db(), actor(), entry, visible=on)
        message = "已在光荣榜显示" if on else "已从光荣榜隐藏"
    flash(f"{_name(entry)}：{message}", "success")
    return redirect(url_for("console.honors"))


@console_bp.post("/honors/donations/<int:donation_id>/consent")
@login_required(Action.HONOR_EDIT)
def honor_donor_consent(donation_id: int) -> ResponseReturnValue:
    donation = db().get(Donation, donation_id)
    if donation is None:
        abort(404)
    on = request.form.get("on") == "1"
    honors.set_donation_consent(db(), actor(), donation, on)
    flash(
        f"已记录：{donation.donor_name}同意在光荣榜公开姓名和金额"
        if on
        else f"已记录：{donation.donor_name}不在光荣榜公开，只计入匿名合计",
        "success",
    )
    return redirect(url_for("console.honors", year=request.form.get("year") or None))


@console_bp.get("/honors/<int:entry_id>/photo")
@login_required(Action.HONOR_EDIT)
def honor_photo(entry_id: int) -> ResponseReturnValue:
    entry = honors.get_honor(db(), actor(), entry_id)
    photo = db().get(MediaFile, entry.photo_id) if entry.photo_id else None
    if photo is None:
        abort(404)
    response = Response(photo.data, mimetype=photo.content_type)
    response.headers["Cache-Control"] = "private, max-age=300"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
