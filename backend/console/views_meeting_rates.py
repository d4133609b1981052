"""Completion rates of the meeting rules per branch and month, and the members registered with
community branches (在职党员进社区报到) with the activities they joined (docs/meetings.md)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.paging import (
    paginate,
    sheet_rows,
    show_defaults,
    sorting,
    wants_xlsx,
    xlsx_download,
)
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError, NotFound
from backend.models import CommunityRegistration, MeetingKind, Member, Organization
from backend.services import community, meeting_rates
from backend.services.exports import Column
from backend.services.policy import Action
from backend.services.scope import get_org, members_in_scope, org_in_scope

RATE_SORTS = {"code": (Organization.code,), "name": (Organization.name,)}
REG_SORTS = {
    "community": (Organization.code,),
    "name": (Member.name,),
    "since": (CommunityRegistration.registered_on,),
}


def _orgs() -> list[tuple[int, str]]:
    stmt = select(Organization).where(org_in_scope(actor()), Organization.active.is_(True))
    return [(o.id, f"{o.code} {o.name}") for o in db().scalars(stmt.order_by(Organization.code))]


def _year_month(form: Form) -> tuple[int, int]:
    value = form.get("month")
    if len(value) == 7 and value[4] == "-" and value[:4].isdigit() and value[5:].isdigit():
        if 1 <= int(value[5:]) <= 12 and int(value[:4]) >= 1900:
            return int(value[:4]), int(value[5:])
        form.error("month", "月份不正确")
    elif value:
        form.error("month", "月份应为“2026-03”的格式")
    now = today()
    return now.year, now.month


@console_bp.get("/meetings/rates", endpoint="meeting_rates")
@login_required(Action.READ)
def rates():
    form = Form(request.args)
    year, month = _year_month(form)
    org_id = form.integer("org_id", "党组织")
    root = get_org(db(), actor(), org_id) if org_id else None
    show_defaults(form, month=f"{year:04d}-{month:02d}")
    stmt = meeting_rates.branches_query(actor(), root)
    sort = sorting(RATE_SORTS, default="code", tie=(Organization.id,))
    rules = meeting_rates.rules(settings().meetings)
    kinds = list(MeetingKind)

    def rates_of(orgs: list[Organization]) -> dict[int, meeting_rates.MonthRate]:
        return meeting_rates.month_rates(
            db(), settings().meetings, [o.id for o in orgs], year, month
        )

    if wants_xlsx():
        orgs = list(db().scalars(sort.apply(stmt)))  # the branches: thousands at most
        found = rates_of(orgs)
        columns = [Column("党支部", width=24), *(Column(k.label, "int", 8) for k in kinds)]
        columns += [Column("应达标项", "int", 8), Column("已达标项", "int", 8)]
        columns += [Column("完成率", width=8), Column("出席率", width=8)]
        rows = [
            [
                o.name,
                *(found[o.id].held[k] for k in kinds),
                len(found[o.id].due),
                len(found[o.id].met),
                found[o.id].rate_text,
                found[o.id].attendance_text,
            ]
            for o in orgs
        ]
        return xlsx_download(f"会议完成率{year}年{month}月", columns, rows)
    page = paginate(db(), stmt, sort=sort)
    return render_template(
        "console/meetings/rates.html",
        page=page,
        form=form,
        orgs=_orgs(),
        rates=rates_of(page.items),
        kinds=kinds,
        headers=[
            ("党支部", "", "name"),
            *((k.label, "num") for k in kinds),
            *((h, "num") for h in ("应达标", "已达标", "完成率", "出席率")),
            "尚未达标",
        ],
        rules=rules,
        year=year,
        month=month,
    )


def _registrations_stmt(form: Form):
    org_id = form.integer("org_id", "社区党支部")
    root = get_org(db(), actor(), org_id) if org_id else None
    return community.registrations_query(actor(), root)


@console_bp.get("/community", endpoint="community")
@login_required(Action.READ)
def registrations():
    form = Form(request.args)
    stmt = _registrations_stmt(form)
    sort = sorting(REG_SORTS, default="community", tie=(CommunityRegistration.id,))
    if wants_xlsx():
        columns = [
            Column("社区党支部", width=24),
            Column("姓名", width=10),
            Column("所在党组织", width=24),
            Column("报到日期", width=12),
            Column("方式", width=8),
            Column("参加活动次数", "int", 10),
        ]
        rows = sheet_rows(db(), sort.apply(stmt), _registration_row)
        return xlsx_download("在职党员进社区报到", columns, rows)
    page = paginate(db(), stmt, sort=sort)
    return _community_page(form, page, Form(None))


def _registration_row(row) -> list[object]:
    reg, joined = row
    via = "查询机" if reg.via == "kiosk" else "窗口"
    return [
        reg.org.name,
        reg.member.name,
        reg.member.org.name,
        reg.registered_on.isoformat(),
        via,
        int(joined),
    ]


def _community_page(form: Form, page, new_form: Form, status: int = 200):
    branches = [(o.id, f"{o.code} {o.name}") for o in community.community_branches(db())]
    html = render_template(
        "console/meetings/community.html",
        form=form,
        page=page,
        new_form=new_form,
        orgs=_orgs(),
        branches=branches,
    )
    return html, status


@console_bp.post("/community", endpoint="community_new")
@login_required(Action.COMMUNITY_REGISTER)
def register():
    new_form = Form(request.form)
    card_no = new_form.text("card_no", "党员卡号", required=True, max_len=10)
    org_id = new_form.integer("org_id", "社区党支部", required=True)
    if new_form.ok and card_no and org_id is not None:
        member = db().scalar(members_in_scope(actor()).where(Member.card_no == card_no))
        if member is None:
            new_form.error("card_no", "没有这个卡号的党员，或不在您的管理范围内")
        else:
            try:
                reg = community.register_at_counter(db(), actor(), member.id, org_id, today())
            except DomainError as exc:
                rollback()
                new_form.fail(exc, {"community_*": "org_id", "member_*": "card_no"})
            else:
                flash(f"{member.name}已到{reg.org.name}报到", "success")
                return redirect(url_for("console.community"))
    form = Form(request.args)
    page = paginate(db(), _registrations_stmt(form))
    return _community_page(form, page, new_form, 400)


@console_bp.post("/community/<int:registration_id>/end", endpoint="community_end")
@login_required(Action.COMMUNITY_REGISTER)
def end(registration_id: int):
    try:
        community.end_registration(db(), actor(), registration_id, today())
    except NotFound as exc:
        flash(exc.message, "error")
    else:
        flash("报到已结束", "success")
    return redirect(url_for("console.community"))
