"""Volunteer teams in the console (志愿服务队): the teams of one's subtree, a team's roster with
joining by card number and leaving, and the roster printed as xlsx or PDF (docs/volunteers.md)."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import paginate, sheet_rows, wants_xlsx, xlsx_download
from backend.console.views_finance import scope_orgs, send
from backend.console.web import actor, db, login_required, rollback, today
from backend.errors import DomainError
from backend.models import VolunteerTeam
from backend.services import exports, volunteer_prints, volunteer_teams
from backend.services.masking import mask_phone
from backend.services.policy import Action

add_menu_entry(
    "志愿服务队", "console.volunteers", section="服务", order=50, active_prefix="console.volunteer"
)

TEAM_FIELDS = {
    "org_*": "org_id",
    "team_exists": "name",
    "field_missing": "name",
    "phone*": "phone",
    "mobile*": "phone",
}
COLUMNS = [
    exports.Column("所属组织", width=24),
    exports.Column("队伍名称", width=20),
    exports.Column("队长", width=10),
    exports.Column("联系电话", width=13),
    exports.Column("状态", width=8),
]


def _team_form(form: Form) -> volunteer_teams.TeamData:
    return volunteer_teams.TeamData(
        org_id=form.integer("org_id", "所属组织", required=True) or 0,
        name=form.get("name"),
        leader=form.get("leader"),
        phone=form.get("phone") or None,
        note=form.get("note") or None,
    )


def _orgs() -> list[tuple[int, str]]:
    return [(o.id, f"{o.code} {o.name}") for o in scope_orgs() if o.active]


def _list(form: Form, status: int = 200):
    stmt = volunteer_teams.teams_query(actor())
    if wants_xlsx():
        return xlsx_download(
            "志愿服务队",
            COLUMNS,
            sheet_rows(
                db(),
                stmt,
                lambda t: (t.org.name, t.name, t.leader, t.phone or "", _state(t)),
            ),
        )
    page = paginate(db(), stmt)
    return render_template("volunteers/teams.html", page=page, form=form, orgs=_orgs()), status


def _state(team: VolunteerTeam) -> str:
    return "招募中" if team.active else "停止招募"


@console_bp.get("/volunteers", endpoint="volunteers")
@login_required(Action.READ)
def teams():
    return _list(Form(None))


@console_bp.post("/volunteers", endpoint="volunteer_team_new")
@login_required(Action.VOLUNTEER_EDIT)
def create():
    form = Form(request.form)
    data = _team_form(form)
    if form.ok:
        try:
            team = volunteer_teams.create_team(db(), actor(), data)
        except DomainError as exc:
            rollback()
            form.fail(exc, TEAM_FIELDS)
        else:
            flash(f"已新建志愿服务队“{team.name}”", "success")
            return redirect(url_for("console.volunteer_team", team_id=team.id))
    return _list(form, 400)


def _team_page(team: VolunteerTeam, form: Form, join: Form, status: int = 200):
    page = paginate(db(), volunteer_teams.roster_query(team.id))
    html = render_template(
        "volunteers/team.html",
        team=team,
        page=page,
        form=form,
        join=join,
        orgs=_orgs(),
        via=volunteer_teams.VIA_LABELS,
        phone=mask_phone(team.phone),
        today=today(),
    )
    return html, status


def _defaults(team: VolunteerTeam) -> Form:
    return Form(
        None,
        {
            "org_id": team.org_id,
            "name": team.name,
            "leader": team.leader,
            "phone": team.phone,
            "note": team.note,
            "active": "1" if team.active else "",
        },
    )


@console_bp.get("/volunteers/<int:team_id>", endpoint="volunteer_team")
@login_required(Action.READ)
def team(team_id: int):
    found = volunteer_teams.get_team(db(), actor(), team_id)
    return _team_page(found, _defaults(found), Form(None))


@console_bp.post("/volunteers/<int:team_id>/edit", endpoint="volunteer_team_edit")
@login_required(Action.VOLUNTEER_EDIT)
def edit(team_id: int):
    found = volunteer_teams.get_team(db(), actor(), team_id)
    form = Form(request.form)
    data = _team_form(form)
    if form.ok:
        try:
            volunteer_teams.update_team(db(), actor(), found, data, active=form.flag("active"))
        except DomainError as exc:
            rollback()
            form.fail(exc, TEAM_FIELDS)
        else:
            flash("已保存", "success")
            return redirect(url_for("console.volunteer_team", team_id=team_id))
    return _team_page(volunteer_teams.get_team(db(), actor(), team_id), form, Form(None), 400)


@console_bp.post("/volunteers/<int:team_id>/join", endpoint="volunteer_team_join")
@login_required(Action.VOLUNTEER_EDIT)
def join(team_id: int):
    found = volunteer_teams.get_team(db(), actor(), team_id)
    form = Form(request.form)
    try:
        member = volunteer_teams.find_member(db(), actor(), form.get("card_no"))
        volunteer_teams.join(db(), actor(), found, member, via="console", today=today())
    except DomainError as exc:
        rollback()
        form.fail(exc, {"*": "card_no"})
        found = volunteer_teams.get_team(db(), actor(), team_id)
        return _team_page(found, _defaults(found), form, 400)
    flash(f"{member.name}已加入“{found.name}”", "success")
    return redirect(url_for("console.volunteer_team", team_id=team_id))


@console_bp.post(
    "/volunteers/<int:team_id>/members/<int:member_id>/leave", endpoint="volunteer_team_leave"
)
@login_required(Action.VOLUNTEER_EDIT)
def leave(team_id: int, member_id: int):
    found = volunteer_teams.get_team(db(), actor(), team_id)
    try:
        volunteer_teams.leave(db(), actor(), found, member_id, today=today())
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash("已退出本队（已有的服务时长仍计入统计）", "success")
    return redirect(url_for("console.volunteer_team", team_id=team_id))


@console_bp.get(
    "/volunteers/<int:team_id>/roster.<any(xlsx,pdf):fmt>", endpoint="volunteer_team_roster"
)
@login_required(Action.READ)
def roster(team_id: int, fmt: str) -> Response:
    found = volunteer_teams.get_team(db(), actor(), team_id)
    sheet = volunteer_prints.roster_sheet(db(), found, printed_on=today().isoformat())
    return send(sheet, fmt)
