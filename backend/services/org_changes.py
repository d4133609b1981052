"""Changes to the organization tree: edit, move (renumber), merge branches, dissolve.

Nothing is deleted. A move re-paths and re-codes the whole subtree with one UPDATE each; members
whose number changes get a new membership period, so the history of numbers and organizations
stays readable. Every change writes its audit rows in the same transaction.
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import String, func, literal, select, update
from sqlalchemy.orm import Session

from backend.errors import Conflict, Forbidden, Invalid
from backend.models import Member, Organization, OrgType
from backend.services import audit, hall_clock, membership_bulk, policy
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from backend.services.orgs import DEFAULT_DISTRICT_CODE, LEVEL, check_code
from backend.services.policy import Action
from backend.services.scope import path_in_scope
from backend.services.transfer_within import transfer_branch
from backend.settings import Settings

EDITABLE = ("name", "secretary", "phone", "address", "fax", "postcode")
_LIMITS = {"name": 100, "secretary": 50, "phone": 30, "address": 200, "fax": 30, "postcode": 10}


def _check_scope(actor: Actor, org: Organization, *, change_root: bool = False) -> None:
    if not path_in_scope(actor, org.path):
        raise Forbidden("该组织不在您的管理范围内", code="out_of_scope")
    if not change_root and actor.org_path is not None and org.path == actor.org_path:
        raise Forbidden("不能调整您自己所在的管理范围根组织，请由上级办理", code="scope_root")


def update_org(
    session: Session, actor: Actor, org: Organization, changes: dict[str, str | None]
) -> Organization:
    """Edit name, secretary and contact details. Codes change only through ``move_org``."""
    policy.authorize(actor, Action.ORG_EDIT)
    _check_scope(actor, org, change_root=True)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise Invalid(f"不能修改这些字段：{'、'.join(sorted(unknown))}", code="fields")
    cleaned: dict[str, str | None] = {}
    for key, raw in changes.items():
        value = (raw or "").strip() or None
        if value is not None and len(value) > _LIMITS[key]:
            raise Invalid(f"内容过长（不超过{_LIMITS[key]}个字）", code=f"org_{key}")
        cleaned[key] = value
    if "name" in cleaned and not cleaned["name"]:
        raise Invalid("组织名称不能为空", code="org_name")
    if cleaned.get("postcode") and not re.fullmatch(r"\d{6}", cleaned["postcode"] or ""):
        raise Invalid("邮政编码应为6位数字", code="org_postcode")
    before = audit.snapshot(org)
    for key, value in cleaned.items():
        setattr(org, key, value)
    session.flush()
    audit.record(
        session,
        actor,
        "org.update",
        "organization",
        org.id,
        before=before,
        after=audit.snapshot(org),
    )
    return org


def suggest_code(session: Session, parent: Organization, org_type: OrgType | str) -> str:
    """The next free code for a new child of ``parent`` (01, 02, … at the child's level)."""
    org_type = OrgType(org_type)
    level, parent_level = LEVEL[org_type], LEVEL[parent.type]
    if parent_level >= level:
        raise Invalid(f"{org_type.label}不能设在{parent.type.label}之下", code="org_parent_type")
    prefix = parent.code[: 2 * parent_level] + "00" * (level - parent_level - 1)
    codes = session.scalars(
        select(Organization.code).where(Organization.code.startswith(prefix, autoescape=True))
    ).all()
    used = [int(c[2 * (level - 1) : 2 * level]) for c in codes if len(c) == 8 and c.isdigit()]
    following = max(used, default=0) + 1
    if following > 99:
        raise Conflict("该上级组织下的编码已用完", code="org_codes_exhausted")
    return f"{prefix}{following:02d}" + "00" * (4 - level)


def move_org(
    session: Session,
    actor: Actor,
    org: Organization,
    new_parent: Organization,
    new_code: str,
    *,
    on: date | None = None,
    district_code: str = DEFAULT_DISTRICT_CODE,
) -> Organization:
    """Change an organization's parent and/or code; its subtree follows (paths, codes and the
    member numbers built from them)."""
    policy.authorize(actor, Action.ORG_MOVE)
    on = on or hall_clock.today()
    new_code = (new_code or "").strip()
    if org.type is OrgType.DISTRICT:
        raise Invalid("区级组织不能调整", code="org_is_district")
    _check_scope(actor, org)
    _check_scope(actor, new_parent, change_root=True)
    if not org.active or not new_parent.active:
        raise Invalid("已撤销的组织不能调整", code="org_dissolved")
    if new_parent.path.startswith(org.path):
        raise Invalid("不能把组织调整到它自己或它的下级组织之下", code="org_cycle")
    check_code(new_code, org.type, new_parent, district_code=district_code)
    if new_parent.id == org.parent_id and new_code == org.code:
        raise Invalid("上级组织和编码都没有变化", code="org_unchanged")
    width = 2 * LEVEL[org.type]
    old_prefix, new_prefix = org.code[:width], new_code[:width]
    old_path, new_path = org.path, f"{new_parent.path}{org.id}/"
    if old_prefix != new_prefix:
        taken = session.scalar(
            select(Organization.code).where(
                Organization.code.startswith(new_prefix, autoescape=True),
                ~Organization.path.startswith(old_path, autoescape=True),
            )
        )
        if taken:
            raise Conflict(f"组织编码{new_code}与现有组织{taken}冲突", code="org_code_taken")
    before = audit.snapshot(org)
    in_subtree = Organization.path.startswith(old_path, autoescape=True)
    renumbered = session.execute(
        select(Member.id, Member.member_no, Member.card_no)
        .join(Organization, Organization.id == Member.org_id)
        .where(in_subtree, Member.archived.is_(False))
    ).all()
    org.parent_id = new_parent.id
    session.flush()
    session.execute(
        update(Organization)
        .where(in_subtree)
        .values(
            code=literal(new_prefix, String) + func.substr(Organization.code, width + 1),
            path=literal(new_path, String) + func.substr(Organization.path, len(old_path) + 1),
        )
        .execution_options(synchronize_session=False)
    )
    session.expire_all()
    if old_prefix != new_prefix and renumbered:
        moved = membership_bulk.subtree_member_ids(new_path)
        code_of = select(Organization.code).where(Organization.id == Member.org_id)
        session.execute(
            update(Member)
            .where(Member.id.in_(moved), Member.card_no.is_not(None))
            .values(member_no=code_of.scalar_subquery() + Member.card_no)
            .execution_options(synchronize_session=False)
        )
        membership_bulk.restart_periods(session, moved, on, "组织编码调整")
        membership_bulk.audit_members(
            session,
            actor,
            "member.renumber",
            [
                (mid, {"member_no": no}, {"member_no": new_prefix + no[width:]})
                for mid, no, card_no in renumbered
                if no and card_no
            ],
        )
    session.expire_all()
    org = session.get_one(Organization, org.id)
    audit.record(
        session,
        actor,
        "org.move",
        "organization",
        org.id,
        before=before,
        after={**audit.snapshot(org), "members_renumbered": len(renumbered)},
    )
    session.flush()
    return org


def merge_branches(
    session: Session,
    actor: Actor,
    settings: Settings,
    source: Organization,
    target: Organization,
    *,
    on: date | None = None,
    dissolve_source: bool = True,
) -> int:
    """Move every member of ``source`` into ``target`` and (by default) dissolve ``source``.

    The members move as a whole-branch transfer: each gets a transfer record, a new member
    number and a new membership period, the ledger months from the merge month on go with
    them, and the receiving organization gets one notice. Returns how many members moved.
    """
    policy.authorize(actor, Action.ORG_EDIT)
    today = hall_today(settings.dues)
    on = on or today
    for org in (source, target):
        if org.type is not OrgType.BRANCH:
            raise Invalid("只能合并党支部", code="org_not_branch")
        if not org.active:
            raise Invalid(f"{org.name}已撤销", code="org_dissolved")
    if source.id == target.id:
        raise Invalid("请选择另一个党支部作为合并目标", code="org_same")
    _check_scope(actor, source)
    _check_scope(actor, target, change_root=True)
    count = session.scalar(
        select(func.count())
        .select_from(Member)
        .where(Member.org_id == source.id, Member.archived.is_(False))
    )
    if count:
        transfer_branch(
            session,
            actor,
            settings,
            source.id,
            target.id,
            on=on,
            today=max(today, on),
            reason=f"支部合并（{source.name}并入{target.name}）",
        )
    session.expire_all()
    audit.record(
        session,
        actor,
        "org.merge",
        "organization",
        source.id,
        before={"org_id": source.id, "code": source.code, "name": source.name},
        after={"into_org_id": target.id, "into_code": target.code, "members": count},
    )
    if dissolve_source:
        dissolve_org(session, actor, source, on=on)
    session.flush()
    return count or 0


def dissolve_org(
    session: Session, actor: Actor, org: Organization, *, on: date | None = None
) -> Organization:
    """Mark an empty organization inactive from a date; it stays in the tree and the reports."""
    policy.authorize(actor, Action.ORG_EDIT)
    on = on or hall_clock.today()
    if org.type is OrgType.DISTRICT:
        raise Invalid("区级组织不能撤销", code="org_is_district")
    _check_scope(actor, org)
    if not org.active:
        raise Conflict("该组织已撤销", code="org_dissolved")
    children = session.scalar(
        select(func.count())
        .select_from(Organization)
        .where(Organization.parent_id == org.id, Organization.active.is_(True))
    )
    if children:
        raise Conflict(f"该组织下还有{children}个未撤销的下级组织，不能撤销", code="org_not_empty")
    members = session.scalar(
        select(func.count()).select_from(membership_bulk.subtree_member_ids(org.path).subquery())
    )
    if members:
        raise Conflict(f"该组织还有{members}名在册党员，请先转出或合并", code="org_not_empty")
    before = audit.snapshot(org)
    org.active = False
    org.dissolved_on = on
    session.flush()
    audit.record(
        session,
        actor,
        "org.dissolve",
        "organization",
        org.id,
        before=before,
        after=audit.snapshot(org),
    )
    return org
