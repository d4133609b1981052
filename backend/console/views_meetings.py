"""三会一课 and 主题党日 in the console: the list of meetings, planning one, recording it (minutes,
who came, absences with reasons, photos). Completion rates are in ``views_meeting_rates``."""

from __future__ import annotations

from datetime import date, time

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import paginate, sheet_rows, sorting, wants_xlsx, xlsx_download
from backend.console.views_org_info import image_response
from backend.console.web import actor, db, login_required, rollback, today
from backend.errors import DomainError
from backend.models import MediaFile, Meeting, MeetingKind, MeetingPhoto, Organization
from backend.services import meetings
from backend.services.exports import Column
from backend.services.media import NewMedia
from backend.services.policy import Action
from backend.services.scope import get_org, org_in_scope

add_menu_entry(
    "三会一课",
    "console.meetings",
    section="组织与党员",
    order=70,
    action=Action.READ,
    active_prefix="console.meeting",
)

KINDS = [(k.value, k.label) for k in MeetingKind]
SORTS = {
    "held_on": (Meeting.held_on,),
    "org": (Organization.code,),
    "kind": (Meeting.kind,),
}
FIELDS = {
    "meeting_kind": "kind",
    "meeting_topic": "topic",
    "meeting_minutes": "minutes",
    "media_*": "photo",
    "org_*": "org_id",
}
COLUMNS = [
    Column("日期", width=12),
    Column("党组织", width=24),
    Column("会议类型", width=10),
    Column("主题", width=30),
    Column("地点", width=16),
    Column("主持人", width=8),
    Column("记录人", width=8),
    Column("状态", width=8),
]


def _orgs() -> list[Organization]:
    stmt = select(Organization).where(org_in_scope(actor()), Organization.active.is_(True))
    return list(db().scalars(stmt.order_by(Organization.code)))


def _month(value: str) -> tuple[date, date] | None:
    try:
        year, month = int(value[:4]), int(value[5:7])
        start = date(year, month, 1)
    except ValueError:
        return None
    end = date(year + month // 12, month % 12 + 1, 1)
    return start, date.fromordinal(end.toordinal() - 1)


@console_bp.get("/meetings", endpoint="meetings")
@login_required(Action.READ)
def meeting_list():
    form = Form(request.args)
    org_id = form.integer("org_id", "党组织")
    org = get_org(db(), actor(), org_id) if org_id else None
    kind = form.choice("kind", "会议类型", [k for k, _ in KINDS])
    span = _month(form.get("month")) if form.get("month") else None
    stmt = meetings.meetings_query(
        actor(),
        org=org,
        kind=MeetingKind(kind) if kind else None,
        start=span[0] if span else None,
        end=span[1] if span else None,
    )
    sort = sorting(SORTS, default="held_on", descending=True, tie=(Meeting.id,))
    if wants_xlsx():
        rows = sheet_rows(db(), sort.apply(stmt), _sheet_row)
        return xlsx_download("三会一课记录", COLUMNS, rows)
    page = paginate(db(), stmt, sort=sort)
    return render_template(
        "console/meetings/list.html",
        page=page,
        form=form,
        orgs=[(o.id, f"{o.code} {o.name}") for o in _orgs()],
        kinds=KINDS,
    )


def _sheet_row(m: Meeting) -> list[object]:
    return [
        m.held_on.isoformat(),
        m.org.name,
        m.kind.label,
        m.topic,
        m.place or "",
        m.host or "",
        m.recorder or "",
        "已记录" if m.recorded_at else "计划",
    ]


def _input(form: Form) -> meetings.MeetingInput | None:
    kind = form.choice("kind", "会议类型", [k for k, _ in KINDS], required=True)
    topic = form.text("topic", "会议主题", required=True, max_len=200)
    held_on = form.date("held_on", "会议日期", required=True)
    start = _time(form)
    place = form.text("place", "地点", max_len=200)
    host = form.text("host", "主持人", max_len=50)
    recorder = form.text("recorder", "记录人", max_len=50)
    if not form.ok or kind is None or topic is None or held_on is None:
        return None
    return meetings.MeetingInput(kind, topic, held_on, start, place, host, recorder)


def _time(form: Form) -> time | None:
    value = form.get("start_time")
    if not value:
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        form.error("start_time", "开始时间应为“14:30”的格式")
        return None


@console_bp.route("/meetings/new", methods=["GET", "POST"], endpoint="meeting_new")
@login_required(Action.MEETING_RECORD)
def meeting_new():
    defaults = {"held_on": today().isoformat(), "org_id": actor().org_id}
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "POST":
        org_id = form.integer("org_id", "党组织", required=True)
        data = _input(form)
        if data is not None and org_id is not None:
            try:
                meeting = meetings.plan_meeting(db(), actor(), org_id, data)
            except DomainError as exc:
                rollback()
                form.fail(exc, FIELDS)
            else:
                flash(f"已计划{meeting.kind.label}：{meeting.topic}", "success")
                return redirect(url_for("console.meeting_detail", meeting_id=meeting.id))
    orgs = [(o.id, f"{o.code} {o.name}") for o in _orgs()]
    html = render_template("console/meetings/new.html", form=form, orgs=orgs, kinds=KINDS)
    return html, 400 if form.submitted else 200


def _detail(meeting: Meeting, form: Form, status: int = 200):
    html = render_template(
        "console/meetings/detail.html",
        meeting=meeting,
        form=form,
        kinds=KINDS,
        rows=meetings.attendances(db(), meeting),
        photos=meetings.photos(db(), meeting),
        present=meetings.count_present(db(), meeting.id),
        expected=meetings.count_expected(db(), meeting.id),
    )
    return html, status


def _defaults(meeting: Meeting) -> dict[str, object]:
    return {
        "kind": meeting.kind.value,
        "topic": meeting.topic,
        "held_on": meeting.held_on.isoformat(),
        "start_time": meeting.start_time.strftime("%H:%M") if meeting.start_time else "",
        "place": meeting.place,
        "host": meeting.host,
        "recorder": meeting.recorder,
        "minutes": meeting.minutes,
    }


@console_bp.get("/meetings/<int:meeting_id>", endpoint="meeting_detail")
@login_required(Action.READ)
def meeting_detail(meeting_id: int):
    meeting = meetings.get_meeting(db(), actor(), meeting_id)
    return _detail(meeting, Form(None, _defaults(meeting)))


@console_bp.post("/meetings/<int:meeting_id>/record", endpoint="meeting_record")
@login_required(Action.MEETING_RECORD)
def meeting_record(meeting_id: int):
    meeting = meetings.get_meeting(db(), actor(), meeting_id)
    form = Form(request.form)
    data = _input(form)
    minutes = form.text("minutes", "会议记录", required=True, max_len=20000)
    present = [int(v) for v in request.form.getlist("present") if v.isascii() and v.isdigit()]
    reasons = {
        int(key): value
        for name, value in request.form.items()
        if name.startswith("reason_")
        and (key := name.removeprefix("reason_")).isdecimal()
        and key.isascii()
    }
    if data is not None and minutes is not None:
        try:
            meetings.record_meeting(
                db(),
                actor(),
                meeting,
                data,
                minutes=minutes,
                present=present,
                absence_reasons=reasons,
            )
        except DomainError as exc:
            rollback()
            form.fail(exc, FIELDS)
        else:
            flash("会议记录已保存", "success")
            return redirect(url_for("console.meeting_detail", meeting_id=meeting.id))
    return _detail(meeting, form, 400)


@console_bp.post("/meetings/<int:meeting_id>/photos", endpoint="meeting_photo_add")
@login_required(Action.MEETING_RECORD)
def meeting_photo_add(meeting_id: int):
    meeting = meetings.get_meeting(db(), actor(), meeting_id)
    upload = request.files.get("photo")
    form = Form(None, _defaults(meeting))
    if upload is None or not upload.filename:
        form.error("photo", "请选择照片")
        return _detail(meeting, form, 400)
    try:
        meetings.add_photo(db(), actor(), meeting, NewMedia(upload.filename, upload.read()))
    except DomainError as exc:
        rollback()
        form.fail(exc, FIELDS)
        return _detail(meetings.get_meeting(db(), actor(), meeting_id), form, 400)
    flash("照片已上传", "success")
    return redirect(url_for("console.meeting_detail", meeting_id=meeting.id))


@console_bp.get("/meetings/<int:meeting_id>/photos/<int:photo_id>", endpoint="meeting_photo")
@login_required(Action.READ)
def meeting_photo(meeting_id: int, photo_id: int):
    meeting = meetings.get_meeting(db(), actor(), meeting_id)
    row = db().get(MeetingPhoto, photo_id)
    stored = db().get(MediaFile, row.media_id) if row and row.meeting_id == meeting.id else None
    if stored is None:
        abort(404)
    return image_response(stored)
