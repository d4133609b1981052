"""The demo's organizational life (docs/demo.md, docs/meetings.md).

The branches of the demo's first 总支 (幸福社区党总支, ``010101xx``, where the demo branch account
``zhibu01`` works) get a year of 三会一课 and 主题党日 with attendance and absences; one of them
skipped last month's 党小组会 and last quarter's 党课, so it shows on the red-warnings page. Every
other branch has recorded just the meetings of the last finished periods (no attendance list), so
the warnings page shows the one branch behind rather than the whole district. A 主题党日 of
幸福社区第一党支部 is planned for today, for the kiosk's attendance mode; and one member of
another 党委 has registered with that branch as 在职党员 and joined two of its 主题党日.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import MeetingKind, Member, Organization, OrgType
from backend.services import community, meeting_rates, meetings
from backend.services.actor import Actor
from backend.settings import MeetingSettings

SHOWCASE_PREFIX = "010101"
BEHIND_BRANCH = "01010102"
TODAY_BRANCH = "01010101"
ABSENCE_REASONS = ("出差", "病假", "在外地照顾家人", "工作值班", "")
TOPICS = {
    MeetingKind.COMMITTEE: "研究本月支部工作",
    MeetingKind.GROUP: "党小组学习讨论",
    MeetingKind.ASSEMBLY: "党员大会：通报支部工作",
    MeetingKind.LECTURE: "书记讲党课",
    MeetingKind.THEME_DAY: "主题党日：社区志愿服务",
}
DAYS = {  # the day of the month each kind is held on (quarterly kinds: the quarter's 2nd month)
    MeetingKind.COMMITTEE: 5,
    MeetingKind.GROUP: 12,
    MeetingKind.ASSEMBLY: 18,
    MeetingKind.LECTURE: 22,
    MeetingKind.THEME_DAY: 25,
}


@dataclass(frozen=True)
class DemoMeetings:
    meetings: int
    branches_behind: int


def _months_back(today: date, count: int) -> list[date]:
    first = today.replace(day=1)
    out = []
    for _ in range(count):
        first = (first - timedelta(days=1)).replace(day=1)
        out.append(first)
    return sorted(out)


def _last_finished(today: date, period: int) -> tuple[date, date]:
    """The last period of ``period`` months that ended before today's began."""
    current = meeting_rates.period_of(today, period)[0]
    return meeting_rates.period_of(current - timedelta(days=1), period)


def _due(kind: MeetingKind, month: date, rules: dict[MeetingKind, int]) -> bool:
    period = rules.get(kind, 1)
    return (month.month - 1) % period == min(1, period - 1)


def _hold(
    session: Session,
    actor: Actor,
    org: Organization,
    kind: MeetingKind,
    day: date,
    *,
    rng: random.Random | None,
    expected: list[int] | None = None,
    always: int | None = None,
) -> int:
    data = meetings.MeetingInput(
        kind,
        TOPICS[kind],
        day,
        time(14, 30),
        org.meeting_place or "党员活动室",
        org.secretary,
        "组织委员",
    )
    meeting = meetings.plan_meeting(session, actor, org.id, data, [] if rng is None else expected)
    if rng is None:
        present: list[int] = []
        reasons: dict[int, str] = {}
    else:
        rows = meetings.attendances(session, meeting)
        present = [r.member_id for r in rows if r.member_id == always or rng.random() < 0.86]
        reasons = {r.member_id: rng.choice(ABSENCE_REASONS) for r in rows}
    meetings.record_meeting(
        session,
        actor,
        meeting,
        data,
        minutes=f"{TOPICS[kind]}。会议按议程进行，形成记录。",
        present=present,
        absence_reasons=reasons,
    )
    return meeting.id


def load_demo_meetings(
    session: Session,
    actor: Actor,
    settings: MeetingSettings,
    today: date,
    invited: Sequence[int] = (),
    seed: int = 16,
) -> DemoMeetings:
    """``invited``: members asked to today's 主题党日 besides the host branch's own — the demo
    cards' members, so that each demo card can be tried at a kiosk in attendance mode."""
    rng = random.Random(seed)
    rules = meeting_rates.rules(settings)
    branches = list(
        session.scalars(
            select(Organization)
            .where(Organization.type == OrgType.BRANCH, Organization.active.is_(True))
            .order_by(Organization.code)
        )
    )
    months = _months_back(today, 12)
    last = months[-1]
    quarter = _last_finished(today, 3)
    count = 0
    for org in branches:
        if org.code.startswith(SHOWCASE_PREFIX):
            for month in months:
                for kind in MeetingKind:
                    if not _due(kind, month, rules):
                        continue
                    skipped = org.code == BEHIND_BRANCH and (
                        (kind is MeetingKind.GROUP and month == last)
                        or (kind is MeetingKind.LECTURE and quarter[0] <= month <= quarter[1])
                    )
                    if not skipped:
                        _hold(session, actor, org, kind, month.replace(day=DAYS[kind]), rng=rng)
                        count += 1
        else:
            for kind, period in rules.items():
                end = _last_finished(today, period)[1]
                _hold(session, actor, org, kind, end.replace(day=DAYS[kind]), rng=None)
                count += 1
    by_code = {o.code: o for o in branches}
    host = by_code.get(TODAY_BRANCH)
    if host is not None:
        plan = meetings.MeetingInput(
            MeetingKind.THEME_DAY,
            "主题党日：学习新党章",
            today,
            time(9),
            "社区党群服务中心",
            host.secretary,
            "组织委员",
        )
        own = session.scalars(
            select(Member.id).where(Member.org_id == host.id, Member.archived.is_(False))
        ).all()
        meetings.plan_meeting(session, actor, host.id, plan, [*own, *invited])
        count += 1
        count += _community_member(session, actor, host, today, rng)
    return DemoMeetings(meetings=count, branches_behind=1 if BEHIND_BRANCH in by_code else 0)


def _community_member(
    session: Session, actor: Actor, host: Organization, today: date, rng: random.Random
) -> int:
    """A member of a branch outside the host's 党委 registers with the host, months ago, and
    joins two of its 主题党日."""
    committee_path = "/" + "/".join(host.path.strip("/").split("/")[:2]) + "/"
    worker = session.scalar(
        select(Member)
        .join(Organization, Organization.id == Member.org_id)
        .where(~Organization.path.startswith(committee_path), Member.archived.is_(False))
        .order_by(Member.id)
        .limit(1)
    )
    if worker is None:
        return 0
    since = _months_back(today, 4)[0]
    community.register_at_counter(session, actor, worker.id, host.id, since)
    for month in _months_back(today, 2):
        expected = [*_host_members(session, host), worker.id]
        day = month.replace(day=27)
        _hold(
            session,
            actor,
            host,
            MeetingKind.THEME_DAY,
            day,
            rng=rng,
            expected=expected,
            always=worker.id,
        )
    return 2


def _host_members(session: Session, host: Organization) -> list[int]:
    return list(
        session.scalars(
            select(Member.id).where(Member.org_id == host.id, Member.archived.is_(False))
        )
    )
