"""Volunteer teams and their rosters (志愿服务队, docs/volunteers.md).

A team belongs to one organization (the community keeping it); members of that organization's
subtree may join it — at the desk (console or counter) or themselves at the kiosk after a card
tap. Staff see and change only teams of their own subtree (``scope``). Leaving keeps the roster
row, so past hours still count for the team in the statistics.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import Member, Organization, VolunteerMembership, VolunteerTeam
from backend.services import audit, policy, scope
from backend.services.actor import Actor
from backend.services.idnumber import normalize_mobile
from backend.services.input_rules import check_text
from backend.services.masking import mask_phone
from backend.services.policy import Action

VIA_LABELS = {"console": "后台登记", "counter": "窗口登记", "kiosk": "查询机刷卡"}


@dataclass(frozen=True)
class TeamData:
    org_id: int
    name: str
    leader: str
    phone: str | None = None
    note: str | None = None


def text(value: str | None, label: str, limit: int, *, required: bool = True) -> str | None:
    """A trimmed text field, or a Chinese message naming it."""
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise Invalid(f"请填写{label}", code="field_missing")
        return None
    if len(cleaned) > limit:
        raise Invalid(f"{label}不能超过{limit}个字", code="field_too_long")
    return check_text(cleaned, label)


def teams_query(actor: Actor, *, active_only: bool = False) -> Select:
    """Teams whose organization is in the actor's subtree, by organization code and name."""
    stmt = (
        select(VolunteerTeam)
        .join(Organization, VolunteerTeam.org_id == Organization.id)
        .where(scope.org_in_scope(actor))
    )
    if active_only:
        stmt = stmt.where(VolunteerTeam.active.is_(True))
    return stmt.order_by(Organization.code, VolunteerTeam.name, VolunteerTeam.id)


def get_team(session: Session, actor: Actor, team_id: int) -> VolunteerTeam:
    team = session.scalar(teams_query(actor).where(VolunteerTeam.id == team_id))
    if team is None:
        raise NotFound("未找到该志愿服务队，或不在您的管理范围内", code="team_not_found")
    return team


def _snapshot(team: VolunteerTeam) -> dict[str, object]:
    return {
        "org_id": team.org_id,
        "name": team.name,
        "leader": team.leader,
        "phone": mask_phone(team.phone),
        "note": team.note,
        "active": team.active,
    }


def _checked(session: Session, actor: Actor, data: TeamData, team_id: int | None) -> dict:
    org = scope.get_org(session, actor, data.org_id)
    if not org.active:
        raise Invalid(f"{org.name}已撤销，不能新建志愿服务队", code="org_dissolved")
    name = text(data.name, "队伍名称", 60)
    same = session.scalar(
        select(VolunteerTeam).where(VolunteerTeam.org_id == org.id, VolunteerTeam.name == name)
    )
    if same is not None and same.id != team_id:
        raise Conflict(f"{org.name}已有名为“{name}”的志愿服务队", code="team_exists")
    return {
        "org_id": org.id,
        "name": name,
        "leader": text(data.leader, "队长", 50),
        "phone": normalize_mobile(data.phone),
        "note": text(data.note, "备注", 200, required=False),
    }


def create_team(session: Session, actor: Actor, data: TeamData) -> VolunteerTeam:
    policy.authorize(actor, Action.VOLUNTEER_EDIT)
    team = VolunteerTeam(**_checked(session, actor, data, None), created_by=actor.name)
    session.add(team)
    session.flush()
    audit.record(
        session, actor, "volunteer_team.create", "volunteer_team", team.id, after=_snapshot(team)
    )
    return team


def update_team(
    session: Session, actor: Actor, team: VolunteerTeam, data: TeamData, *, active: bool = True
) -> VolunteerTeam:
    policy.authorize(actor, Action.VOLUNTEER_EDIT)
    before = _snapshot(team)
    for key, value in _checked(session, actor, data, team.id).items():
        setattr(team, key, value)
    team.active = active
    session.flush()
    audit.record(
        session,
        actor,
        "volunteer_team.update",
        "volunteer_team",
        team.id,
        before=before,
        after=_snapshot(team),
    )
    return team


def in_community(team: VolunteerTeam, member: Member) -> bool:
    """Whether the member belongs to the organization keeping the team (or below it)."""
    return member.org.path.startswith(team.org.path)


def roster_row(session: Session, team_id: int, member_id: int) -> VolunteerMembership | None:
    return session.scalar(
        select(VolunteerMembership).where(
            VolunteerMembership.team_id == team_id, VolunteerMembership.member_id == member_id
        )
    )


def is_on_team(session: Session, team_id: int, member_id: int) -> bool:
    row = roster_row(session, team_id, member_id)
    return row is not None and row.left_on is None


def join(
    session: Session, actor: Actor, team: VolunteerTeam, member: Member, *, via: str, today: date
) -> VolunteerMembership:
    """Put the member on the team's roster (again, after leaving). Staff must be allowed to;
    a kiosk acts for the member whose card opened its session (checked by the caller)."""
    if actor.type != "device":
        policy.authorize(actor, Action.VOLUNTEER_EDIT)
    if not team.active:
        raise Conflict(f"“{team.name}”已停止招募队员", code="team_inactive")
    if member.archived:
        raise Conflict("该党员已不在册", code="member_archived")
    if not in_community(team, member):
        raise Invalid(
            f"“{team.name}”是{team.org.name}的志愿服务队，只接收本组织的党员",
            code="team_other_community",
        )
    row = roster_row(session, team.id, member.id)
    if row is not None and row.left_on is None:
        raise Conflict(f"已是“{team.name}”的队员", code="already_joined")
    if row is None:
        row = VolunteerMembership(team_id=team.id, member_id=member.id, joined_on=today, via=via)
        session.add(row)
    else:
        row.joined_on, row.via, row.left_on = today, via, None
    session.flush()
    audit.record(
        session,
        actor,
        "volunteer.join",
        "volunteer_team",
        team.id,
        after={"member_id": member.id, "via": via, "joined_on": today},
    )
    return row


def leave(
    session: Session, actor: Actor, team: VolunteerTeam, member_id: int, *, today: date
) -> VolunteerMembership:
    policy.authorize(actor, Action.VOLUNTEER_EDIT)
    row = roster_row(session, team.id, member_id)
    if row is None or row.left_on is not None:
        raise NotFound("该党员不是本队队员", code="not_on_team")
    row.left_on = today
    session.flush()
    audit.record(
        session,
        actor,
        "volunteer.leave",
        "volunteer_team",
        team.id,
        after={"member_id": member_id, "left_on": today},
    )
    return row


def roster_query(team_id: int, *, current_only: bool = True) -> Select:
    stmt = (
        select(VolunteerMembership)
        .join(Member, VolunteerMembership.member_id == Member.id)
        .where(VolunteerMembership.team_id == team_id)
    )
    if current_only:
        stmt = stmt.where(VolunteerMembership.left_on.is_(None))
    return stmt.order_by(VolunteerMembership.joined_on, Member.name, VolunteerMembership.id)


def community_teams(session: Session, member: Member) -> list[VolunteerTeam]:
    """The active teams a member may join: kept by their organization or one above it."""
    prefixes = [p for p in _path_prefixes(member.org.path)]
    stmt = (
        select(VolunteerTeam)
        .join(Organization, VolunteerTeam.org_id == Organization.id)
        .where(VolunteerTeam.active.is_(True), Organization.path.in_(prefixes))
        .order_by(Organization.path.desc(), VolunteerTeam.name, VolunteerTeam.id)
    )
    return list(session.scalars(stmt))


def _path_prefixes(path: str) -> list[str]:
    """ "/1/4/17/" → ["/1/", "/1/4/", "/1/4/17/"]: the organization and every one above it."""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def find_member(session: Session, actor: Actor, card_no: str) -> Member:
    """The in-scope member with this card number (卡号, as on the card), for the desk."""
    number = (card_no or "").strip()
    if not number:
        raise Invalid("请填写党员卡号", code="card_no_missing")
    found = session.scalar(
        select(Member).where(Member.card_no == number, Member.archived.is_(False))
    )
    if found is None:
        raise NotFound("没有这个卡号的党员，或不在您的管理范围内", code="member_not_found")
    return scope.get_member(session, actor, found.id)
