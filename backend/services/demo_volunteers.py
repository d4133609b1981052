"""The demo's volunteer teams (docs/demo.md, docs/volunteers.md): a team in each of the first
communities (党总支) with members from its branches, a year of monthly activities with hours,
and one activity today so a kiosk can be set to its card sign-in. The demo's first showcase card
is on a team, so a tap at the kiosk shows its hours; the other showcase cards are not, so joining
can be tried. Everything goes through the services, so it is audited like real work."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Member, Organization, OrgType
from backend.services import volunteer_activities as va
from backend.services import volunteer_teams
from backend.services.actor import Actor

SEED = 20260305
COMMUNITIES = ("01010100", "01010200")
MEMBERS_PER_TEAM = 24
WORK = (
    ("社区广场", "义务理发、测量血压"),
    ("辖区主干道", "清理小广告、捡拾垃圾"),
    ("社区活动室", "为老年人讲解智能手机使用"),
    ("小区门口", "文明交通劝导"),
    ("社区图书室", "整理图书、辅导学生作业"),
    ("困难党员家中", "走访慰问、打扫卫生"),
)
HOURS = ("1.5", "2", "2", "2.5", "3")


@dataclass(frozen=True)
class DemoVolunteers:
    teams: int
    activities: int
    sign_ins: int


def _team_name(org: Organization) -> str:
    base = org.name.removesuffix("党总支").removesuffix("总支")
    return f"{base}党员志愿服务队"


def _communities(
    session: Session, by_code: dict[str, Organization], on_team: int | None
) -> list[Organization]:
    """The demo communities, and the showcase member's own (its 总支, or its branch when it
    has none) if it is not among them."""
    chosen = [by_code[c] for c in COMMUNITIES if c in by_code]
    member = session.get(Member, on_team) if on_team is not None else None
    if member is not None and not any(member.org.path.startswith(o.path) for o in chosen):
        parent = member.org.parent
        home = parent if parent is not None and parent.type is OrgType.GENERAL_BRANCH else None
        chosen.append(home or member.org)
    return chosen


def load_demo_volunteers(
    session: Session,
    actor: Actor,
    by_code: dict[str, Organization],
    keep_off: set[int],
    on_team: int | None,
    today: date,
) -> DemoVolunteers:
    """``on_team``: a showcase member put on their community's team; ``keep_off``: showcase
    members left off every team (to try joining at the kiosk)."""
    rng = random.Random(SEED)
    teams = activities = sign_ins = 0
    for org in _communities(session, by_code, on_team):
        data = volunteer_teams.TeamData(
            org_id=org.id,
            name=_team_name(org),
            leader=org.secretary or "队长",
            phone=f"139{rng.randrange(10**8):08d}",
        )
        team = volunteer_teams.create_team(session, actor, data)
        teams += 1
        candidates = list(
            session.scalars(
                select(Member)
                .join(Organization, Member.org_id == Organization.id)
                .where(Organization.path.startswith(org.path), Member.archived.is_(False))
                .order_by(Member.id)
            )
        )
        pool = [m for m in candidates if m.id not in keep_off and m.id != on_team]
        roster = rng.sample(pool, min(MEMBERS_PER_TEAM, len(pool)))
        roster += [m for m in candidates if m.id == on_team]
        joined_on = today - timedelta(days=400)
        for member in roster:
            volunteer_teams.join(session, actor, team, member, via="console", today=joined_on)
        for month_back in range(12, 0, -1):
            held_on = today - timedelta(days=30 * month_back + rng.randrange(0, 5))
            place, what = rng.choice(WORK)
            activity = va.create_activity(
                session,
                actor,
                va.ActivityData(team.id, held_on, place, what, rng.choice(HOURS)),
                today=today,
            )
            activities += 1
            people = rng.sample(roster, (len(roster) + 1) // 2)
            people += [m for m in roster if m.id == on_team and m not in people]
            for member in people:
                va.add_participant(session, actor, activity, member, via="staff", today=today)
                sign_ins += 1
        place, what = WORK[0]
        va.create_activity(
            session, actor, va.ActivityData(team.id, today, place, what, "2"), today=today
        )
        activities += 1
    return DemoVolunteers(teams, activities, sign_ins)
