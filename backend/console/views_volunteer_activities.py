"""Volunteer activities in the console (活动记录): the log of one's teams, an activity with its
participants (added by card number, hours adjusted, removed), photos, and the sign-in sheet as
xlsx or PDF (docs/volunteers.md)."""

from __future__ import annotations

from datetime import date

from flask import Response, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from backend.console import console_bp
from backend.console.forms import Form
from backend.console.paging import paginate, sheet_rows, wants_xlsx, xlsx_download
from backend.console.views_finance import send
from backend.console.web import actor, db, login_required, rollback, today
from backend.errors import DomainError
from backend.models import MediaFile, VolunteerActivity, VolunteerPhoto
from backend.services import exports, volunteer_activities, volunteer_prints, volunteer_teams
from backend.services.policy import Action
from backend.services.volunteer_activities import format_hours

ACTIVITY_FIELDS = {
    "held_on": "held_on",
    "hours*": "hours",
    "field_missing": "description",
}
COLUMNS = [
    exports.Column("日期", width=11),
    exports.Column("队伍", width=20),
    exports.Column("地点", width=18),
    exports.Column("活动内容", width=30),
    exports.Column("每人时长（小时）", width=10),
    exports.Column("参加人数", "int", 8),
]


@console_bp.app_template_filter("hours")
def hours_filter(minutes: int | None) -> str:
    return format_hours(minutes)


def _year() -> int | None:
    raw = request.args.get("year", "")
    return int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100 else None


@console_bp.get("/volunteers/activities", endpoint="volunteer_activities")
@login_required(Action.READ)
def activities():
    stmt = volunteer_activities.activities_query(actor())
    team_id = request.args.get("team_id", "")
    team = None
    if team_id.isascii() and team_id.isdigit():
        team = volunteer_teams.get_team(db(), actor(), int(team_id))
        stmt = stmt.where(VolunteerActivity.team_id == team.id)
    year = _year()
    if year is not None:
        stmt = stmt.where(VolunteerActivity.held_on.between(date(year, 1, 1), date(year, 12, 31)))
    if wants_xlsx():
        return xlsx_download(
            "志愿服务活动记录",
            COLUMNS,
            sheet_rows(
                db(),
                stmt,
                lambda a: (
                    a.held_on.isoformat(),
                    a.team.name,
                    a.place,
                    a.description,
                    format_hours(a.minutes),
                    volunteer_activities.participant_count(db(), a.id),
                ),
            ),
        )
    page = paginate(db(), stmt)
    counts = {a.id: volunteer_activities.participant_count(db(), a.id) for a in page.items}
    return render_template(
        "volunteers/activities.html", page=page, team=team, year=year, counts=counts
    )


@console_bp.post("/volunteers/<int:team_id>/activities", endpoint="volunteer_activity_new")
@login_required(Action.VOLUNTEER_EDIT)
def create(team_id: int):
    team = volunteer_teams.get_team(db(), actor(), team_id)
    form = Form(request.form)
    held_on = form.date("held_on", "活动日期", required=True)
    if form.ok and held_on is not None:
        data = volunteer_activities.ActivityData(
            team.id, held_on, form.get("place"), form.get("description"), form.get("hours")
        )
        try:
            activity = volunteer_activities.create_activity(db(), actor(), data, today=today())
        except DomainError as exc:
            rollback()
            form.fail(exc, ACTIVITY_FIELDS)
        else:
            flash("已登记活动", "success")
            return redirect(url_for("console.volunteer_activity", activity_id=activity.id))
    flash(form.message or "；".join(form.errors.values()), "error")
    return redirect(url_for("console.volunteer_team", team_id=team_id))


def _activity_page(activity: VolunteerActivity, form: Form, status: int = 200):
    people = list(db().scalars(volunteer_activities.participants_query(activity.id).limit(1000)))
    html = render_template(
        "volunteers/activity.html",
        activity=activity,
        people=people,
        total=sum(p.minutes for p in people),
        photos=volunteer_activities.photos(db(), activity.id),
        form=form,
        format_hours=format_hours,
    )
    return html, status


@console_bp.get("/volunteers/activities/<int:activity_id>", endpoint="volunteer_activity")
@login_required(Action.READ)
def activity(activity_id: int):
    found = volunteer_activities.get_activity(db(), actor(), activity_id)
    return _activity_page(found, Form(None))


@console_bp.post(
    "/volunteers/activities/<int:activity_id>/participants",
    endpoint="volunteer_participant_new",
)
@login_required(Action.VOLUNTEER_EDIT)
def add(activity_id: int):
    found = volunteer_activities.get_activity(db(), actor(), activity_id)
    form = Form(request.form)
    try:
        member = volunteer_teams.find_member(db(), actor(), form.get("card_no"))
        volunteer_activities.staff_add(
            db(), actor(), found, member.id, today=today(), hours=form.get("hours") or None
        )
    except DomainError as exc:
        rollback()
        form.fail(exc, {"hours*": "hours", "*": "card_no"})
        found = volunteer_activities.get_activity(db(), actor(), activity_id)
        return _activity_page(found, form, 400)
    flash(f"已为{member.name}登记签到", "success")
    return redirect(url_for("console.volunteer_activity", activity_id=activity_id))


@console_bp.post(
    "/volunteers/activities/<int:activity_id>/participants/<int:member_id>/<any(hours,remove):action>",
    endpoint="volunteer_participant_change",
)
@login_required(Action.VOLUNTEER_EDIT)
def change(activity_id: int, member_id: int, action: str):
    found = volunteer_activities.get_activity(db(), actor(), activity_id)
    try:
        if action == "hours":
            hours = request.form.get("hours", "")
            volunteer_activities.set_minutes(db(), actor(), found, member_id, hours)
        else:
            volunteer_activities.remove_participant(db(), actor(), found, member_id)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash("已修改服务时长" if action == "hours" else "已撤销签到", "success")
    return redirect(url_for("console.volunteer_activity", activity_id=activity_id))


@console_bp.post("/volunteers/activities/<int:activity_id>/photos", endpoint="volunteer_photo_new")
@login_required(Action.VOLUNTEER_EDIT)
def add_photo(activity_id: int):
    found = volunteer_activities.get_activity(db(), actor(), activity_id)
    upload = request.files.get("photo")
    if upload is None or not upload.filename:
        flash("请选择要上传的照片", "error")
    else:
        try:
            volunteer_activities.add_photo(db(), actor(), found, upload.filename, upload.read())
        except DomainError as exc:
            rollback()
            flash(exc.message, "error")
        else:
            flash("已上传照片", "success")
    return redirect(url_for("console.volunteer_activity", activity_id=activity_id))


@console_bp.get(
    "/volunteers/activities/<int:activity_id>/photos/<int:photo_id>",
    endpoint="volunteer_photo",
)
@login_required(Action.READ)
def photo(activity_id: int, photo_id: int) -> Response:
    found = volunteer_activities.get_activity(db(), actor(), activity_id)
    media = db().scalar(
        select(MediaFile)
        .join(VolunteerPhoto, VolunteerPhoto.media_id == MediaFile.id)
        .where(VolunteerPhoto.id == photo_id, VolunteerPhoto.activity_id == found.id)
    )
    if media is None:
        abort(404)
    return Response(media.data, mimetype=media.content_type)


@console_bp.get(
    "/volunteers/activities/<int:activity_id>/sign-in-sheet.<any(xlsx,pdf):fmt>",
    endpoint="volunteer_sign_in_sheet",
)
@login_required(Action.READ)
def sign_in_sheet(activity_id: int, fmt: str) -> Response:
    found = volunteer_activities.get_activity(db(), actor(), activity_id)
    return send(volunteer_prints.sign_in_sheet(db(), found), fmt)
