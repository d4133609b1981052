"""Printable volunteer lists (xlsx and PDF through ``exports``): a team's roster and an
activity's sign-in sheet (签到表). The sign-in sheet goes round the room, so it carries no
phone numbers; blank lines follow the people already signed in for those who sign by hand."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.models import VolunteerActivity, VolunteerTeam
from backend.services import volunteer_activities, volunteer_teams
from backend.services.exports import Column, Sheet
from backend.services.volunteer_activities import format_hours

BLANK_LINES = 10


def roster_sheet(session: Session, team: VolunteerTeam, *, printed_on: str) -> Sheet:
    rows = [
        (
            i,
            m.member.name,
            m.member.card_no or "",
            m.member.org.name,
            m.member.phone or "",
            m.joined_on.isoformat(),
            volunteer_teams.VIA_LABELS.get(m.via, m.via),
        )
        for i, m in enumerate(session.scalars(volunteer_teams.roster_query(team.id)), 1)
    ]
    return Sheet(
        title=f"{team.name}队员名册",
        columns=[
            Column("序号", "int", 5),
            Column("姓名", width=10),
            Column("卡号", width=8),
            Column("所在党组织", width=24),
            Column("联系电话", width=13),
            Column("加入日期", width=11),
            Column("加入方式", width=10),
        ],
        rows=list(rows),
        header_lines=[
            f"所属组织：{team.org.name}　队长：{team.leader}　联系电话：{team.phone or ''}",
        ],
        footer_lines=[f"共{len(rows)}人　打印日期：{printed_on}"],
    )


def sign_in_sheet(session: Session, activity: VolunteerActivity) -> Sheet:
    signed = list(session.scalars(volunteer_activities.participants_query(activity.id)))
    rows: list[tuple[object, ...]] = [
        (
            i,
            p.member.name,
            p.member.org.name,
            format_hours(p.minutes),
            "刷卡" if p.via == "card" else "",
        )
        for i, p in enumerate(signed, 1)
    ]
    start = len(rows) + 1
    rows += [(start + i, "", "", "", "") for i in range(BLANK_LINES)]
    team = activity.team
    return Sheet(
        title=f"{team.name}志愿服务活动签到表",
        columns=[
            Column("序号", "int", 5),
            Column("姓名", width=12),
            Column("所在党组织", width=26),
            Column("服务时长（小时）", width=10),
            Column("签名", width=14),
        ],
        rows=list(rows),
        header_lines=[
            f"活动日期：{activity.held_on.isoformat()}　活动地点：{activity.place}",
            f"活动内容：{activity.description}",
        ],
        footer_lines=[f"已签到{len(signed)}人　记录人：__________"],
    )
