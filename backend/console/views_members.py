"""Members: the filtered roll, one member's page, add, edit and archive."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form, yuan_text
from backend.console.paging import paginate
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError
from backend.models import (
    AuditEntry,
    Card,
    DuesCategory,
    Member,
    Membership,
    MemberStatus,
    Organization,
    OrgType,
)
from backend.services import ledger, ledger_span, members
from backend.services.input_rules import whole_number
from backend.services.member_filters import (
    AGE_BANDS,
    BEHIND_BANDS,
    EDUCATION_CHOICES,
    MemberFilters,
    member_query,
    months_behind,
    months_owed_map,
)
from backend.services.policy import Action
from backend.services.scope import get_member, org_in_scope

add_menu_entry(
    "党员名册", "console.members", section="组织与党员", order=20, active_prefix="console.member"
)

MEMBER_FIELDS = {
    "name": "name",
    "id_*": "id_number",
    "duplicate_member": "id_number",
    "birth_mismatch": "id_number",
    "sex_mismatch": "sex",
    "status": "status",
    "joined_date": "joined_date",
    "full_member_date": "full_member_date",
    "education": "education",
    "dues_category": "dues_category",
    "phone_format": "phone",
    "org_*": "org_id",
    "out_of_scope": "org_id",
}
TEXT_FIELDS = {
    "name": "姓名",
    "id_number": "身份证号",
    "ethnicity": "民族",
    "address": "家庭住址",
    "phone": "联系电话",
}


@console_bp.app_template_global()
def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _choices() -> dict[str, Any]:
    return {
        "age_bands": [(k, v[0]) for k, v in AGE_BANDS.items()],
        "behind_bands": [(k, v[0]) for k, v in BEHIND_BANDS.items()],
        "educations": list(EDUCATION_CHOICES.items()),
        "levels": [(e, e) for e in members.EDUCATION_LEVELS],
        "statuses": [(s.value, s.label) for s in MemberStatus],
        "categories": [(c.value, c.label) for c in DuesCategory],
        "sexes": [("M", "男"), ("F", "女")],
    }


def _scope_orgs(branches_only: bool = False) -> list[Organization]:
    stmt = select(Organization).where(org_in_scope(actor())).order_by(Organization.code)
    if branches_only:
        stmt = stmt.where(Organization.type == OrgType.BRANCH, Organization.active.is_(True))
    return list(db().scalars(stmt))


def filters_from(form: Form) -> MemberFilters:
    return MemberFilters(
        q=form.get("q"),
        org_id=whole_number(form.get("org_id")),
        age_band=form.get("age_band"),
        education=form.get("education"),
        hardship=form.flag("hardship"),
        pre_1949=form.flag("pre_1949"),
        status=form.get("status"),
        sex=form.get("sex"),
        behind=form.get("behind"),
        pending_assessment=form.flag("pending"),
        archived=form.flag("archived"),
    )


@console_bp.get("/members", endpoint="members")
@login_required(Action.READ)
def members_list() -> ResponseReturnValue:
    form = Form(request.args)
    page = paginate(db(), member_query(actor(), filters_from(form), today()))
    behind = months_owed_map(db(), [member.id for member, _org in page.items], today())
    return render_template(
        "console/members/list.html",
        form=form,
        page=page,
        behind_of=behind,
        orgs=_scope_orgs(),
        branches=destination_branches(),
        today=today(),
        **_choices(),
    )


def destination_branches() -> list[Organization]:
    """Where the bulk form may move members: any active branch of the district (the sending
    side starts a 区内转接, docs/transfers-and-letters.md)."""
    return list(
        db().scalars(
            select(Organization)
            .where(Organization.type == OrgType.BRANCH, Organization.active.is_(True))
            .order_by(Organization.code)
        )
    )


def _member_data(form: Form) -> members.MemberData | None:
    """The posted member form as ``MemberData``; ``None`` (with errors set) if it cannot be."""
    values = {
        key: form.text(key, label, required=key in ("name", "id_number"), max_len=200)
        for key, label in TEXT_FIELDS.items()
    }
    joined = form.date("joined_date", "入党日期", required=True)
    data = members.MemberData(
        name=values["name"] or "",
        id_number=values["id_number"] or "",
        joined_date=joined or today(),
        status=form.get("status") or MemberStatus.FULL,
        sex=form.get("sex") or None,
        ethnicity=values["ethnicity"] or "汉族",
        education=form.get("education") or None,
        work_start_date=form.date("work_start_date", "参加工作日期"),
        full_member_date=form.date("full_member_date", "转正日期"),
        address=values["address"],
        phone=values["phone"],
        dues_category=form.get("dues_category") or DuesCategory.EMPLOYED,
        dues_base_fen=form.yuan("dues_base", "党费计算基数"),
        monthly_dues_fen=form.yuan("monthly_dues", "月交党费"),
        hardship=form.flag("hardship"),
        floating=form.flag("floating"),
    )
    return data if form.ok else None


def _defaults(member: Member) -> dict[str, Any]:
    values = {k: getattr(member, k) for k in members.MEMBER_FIELDS}
    values["status"] = member.status.value
    values["dues_category"] = member.dues_category.value
    values["dues_base"] = yuan_text(member.dues_base_fen)
    values["monthly_dues"] = yuan_text(member.monthly_dues_fen)
    values["org_id"] = member.org_id
    return values


@console_bp.route("/members/new", methods=["GET", "POST"])
@login_required(Action.MEMBER_EDIT)
def member_new() -> ResponseReturnValue:
    branches = _scope_orgs(branches_only=True)
    defaults = {"status": "full", "dues_category": "employed", "ethnicity": "汉族"}
    if request.args.get("org_id"):
        defaults["org_id"] = request.args["org_id"]
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "POST":
        org_id = form.integer("org_id", "所在党支部", required=True)
        data = _member_data(form)
        org = next((o for o in branches if o.id == org_id), None)
        if org_id is not None and org is None:
            form.error("org_id", "请从列表中选择所在党支部")
        if data is not None and org is not None and form.ok:
            try:
                member = members.create_member(
                    db(),
                    actor(),
                    data,
                    org,
                    card_no_digits=settings().card_no_digits,
                    today=today(),
                )
                ledger_span.open_after_registration(db(), actor(), member, today())
            except DomainError as exc:
                rollback()
                form.fail(exc, MEMBER_FIELDS)
            else:
                flash(f"已登记党员{member.name}，党员编号{member.member_no}", "success")
                return redirect(url_for("console.member_detail", member_id=member.id))
    return render_template(
        "console/members/form.html", form=form, member=None, branches=branches, **_choices()
    ), (200 if form.ok else 400)


@console_bp.route("/members/<int:member_id>/edit", methods=["GET", "POST"])
@login_required(Action.MEMBER_EDIT)
def member_edit(member_id: int) -> ResponseReturnValue:
    member = get_member(db(), actor(), member_id)
    form = Form(request.form if request.method == "POST" else None, _defaults(member))
    if request.method == "POST":
        data = _member_data(form)
        if data is not None:
            changes = {k: getattr(data, k) for k in members.MEMBER_FIELDS}
            try:
                members.update_member(db(), actor(), member, changes, today=today())
            except DomainError as exc:
                rollback()
                form.fail(exc, MEMBER_FIELDS)
            else:
                flash("党员信息已保存", "success")
                return redirect(url_for("console.member_detail", member_id=member.id))
    return render_template(
        "console/members/form.html", form=form, member=member, branches=None, **_choices()
    ), (200 if form.ok else 400)


@console_bp.get("/members/<int:member_id>")
@login_required(Action.READ)
def member_detail(member_id: int) -> ResponseReturnValue:
    member = get_member(db(), actor(), member_id)
    day = today()
    session_ = db()
    cards = list(
        session_.scalars(select(Card).where(Card.member_id == member.id).order_by(Card.id))
    )
    periods = session_.scalars(
        select(Membership).where(Membership.member_id == member.id).order_by(Membership.id)
    )
    about_member = (AuditEntry.entity_type == "member") & (AuditEntry.entity_id == str(member.id))
    about_cards = (AuditEntry.entity_type == "card") & AuditEntry.entity_id.in_(
        [str(c.id) for c in cards]
    )
    history = session_.scalars(
        select(AuditEntry)
        .where(about_member | about_cards)
        .order_by(AuditEntry.id.desc())
        .limit(10)
    )
    behind = months_behind(session_, member.id, day)
    owed = ledger.months_owed(session_, member.id, day)
    org_names = {o.id: o.name for o in _scope_orgs()}
    return render_template(
        "console/members/detail.html",
        member=member,
        cards=cards,
        periods=list(periods),
        history=list(history),
        months=ledger.year_months(session_, member.id, day.year, day),
        arrears=ledger.arrears_fen(session_, member.id, day),
        behind=behind,
        owed=owed,
        warning=ledger.warning_for(owed, settings().dues),
        org_names=org_names,
        today=day,
    )


@console_bp.post("/members/<int:member_id>/archive")
@login_required(Action.MEMBER_EDIT)
def member_archive(member_id: int) -> ResponseReturnValue:
    member = get_member(db(), actor(), member_id)
    form = Form(request.form)
    reason = form.text("reason", "删除原因", required=True, max_len=200)
    letter_no = form.text("letter_no", "介绍信编号", max_len=40)
    if form.ok:
        try:
            members.archive_member(
                db(), actor(), member, reason=reason or "", letter_no=letter_no, on=today()
            )
        except DomainError as exc:
            rollback()
            form.fail(exc, {"reason_missing": "reason"})
        else:
            flash(f"{member.name}已移入删除党员库，原记录保留", "success")
            return redirect(url_for("console.member_detail", member_id=member.id))
    flash(form.message or next(iter(form.errors.values())), "error")
    return redirect(url_for("console.member_detail", member_id=member.id))
