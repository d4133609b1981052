"""Volunteer statistics in the console (志愿服务统计): per team or per member for one year,
paged, with the same rows exported to xlsx (``services.volunteer_stats``)."""

from __future__ import annotations

from flask import render_template, request

from backend.console import add_menu_entry, console_bp
from backend.console.paging import paginate, sheet_rows, wants_xlsx, xlsx_download
from backend.console.web import actor, db, login_required, today
from backend.services import exports, volunteer_stats
from backend.services.policy import Action
from backend.services.volunteer_activities import format_hours

add_menu_entry(
    "志愿服务统计",
    "console.volunteer_stats",
    section="服务",
    order=51,
    active_prefix="console.volunteer_stats",
)

TEAM_COLUMNS = [
    exports.Column("所属组织", width=24),
    exports.Column("队伍", width=20),
    exports.Column("在册队员", "int", 8),
    exports.Column("活动次数", "int", 8),
    exports.Column("参加人次", "int", 8),
    exports.Column("参加人数", "int", 8),
    exports.Column("服务时长（小时）", width=10),
]
MEMBER_COLUMNS = [
    exports.Column("姓名", width=10),
    exports.Column("卡号", width=8),
    exports.Column("队伍", width=20),
    exports.Column("所属组织", width=24),
    exports.Column("参加活动次数", "int", 10),
    exports.Column("服务时长（小时）", width=10),
]


def _team_row(row) -> tuple:
    team, org, members, acts, times, people, minutes = row
    return (org, team.name, members, acts, times, people, format_hours(minutes))


def _member_row(row) -> tuple:
    _id, name, card_no, team, org, times, minutes = row
    return (name, card_no or "", team, org, times, format_hours(minutes))


@console_bp.get("/volunteers/stats", endpoint="volunteer_stats")
@login_required(Action.READ)
def stats():
    raw = request.args.get("year", "")
    year = int(raw) if raw.isascii() and raw.isdigit() and 2000 <= int(raw) <= 2100 else None
    year = year or today().year
    by_member = request.args.get("by") == "member"
    if by_member:
        stmt = volunteer_stats.member_stats_query(actor(), year)
        columns, row = MEMBER_COLUMNS, _member_row
    else:
        stmt = volunteer_stats.team_stats_query(actor(), year)
        columns, row = TEAM_COLUMNS, _team_row
    title = f"{year}年志愿服务统计（{'按队员' if by_member else '按队伍'}）"
    if wants_xlsx():
        return xlsx_download(title, columns, sheet_rows(db(), stmt, row))
    page = paginate(db(), stmt)
    return render_template(
        "volunteers/stats.html",
        page=page,
        rows=[row(r) for r in page.items],
        columns=[c.label for c in columns],
        year=year,
        by_member=by_member,
        title=title,
    )
