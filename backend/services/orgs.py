"""Organizations: 8-digit, 4-level codes with an explicit parent.

See docs/founding-spec.md (the code scheme) and docs/architecture.md (Codes).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Forbidden, Invalid
from backend.models import Organization, OrgType
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.scope import path_in_scope
from backend.settings import Settings

# The district segment when the caller passes none: the setting's default (docs/architecture.md).
DEFAULT_DISTRICT_CODE = Settings.district_code

LEVEL = {
    OrgType.DISTRICT: 1,
    OrgType.COMMITTEE: 2,
    OrgType.GENERAL_BRANCH: 3,
    OrgType.BRANCH: 4,
}


def check_code(
    code: str,
    org_type: OrgType,
    parent: Organization | None,
    *,
    district_code: str = DEFAULT_DISTRICT_CODE,
) -> None:
    """A code is 4 segments of 2 digits; the first is the district's, fixed by the setting
    ``district_code``; it repeats its parent's segments, skipped levels are ``00``, its own
    segment is not ``00`` and the segments below it are ``00``."""
    if len(code) != 8 or not code.isdigit():
        raise Invalid(f"组织编码应为8位数字：{code}", code="org_code_format")
    segments = [code[i : i + 2] for i in range(0, 8, 2)]
    if segments[0] != district_code:
        raise Invalid(
            f"组织编码{code}的区级编码段应为{district_code}（本区统一为“{district_code}”）",
            code="org_code_district",
        )
    level = LEVEL[org_type]
    if segments[level - 1] == "00":
        raise Invalid(f"组织编码{code}第{level}级不能为00", code="org_code_format")
    if any(s != "00" for s in segments[level:]):
        raise Invalid(f"组织编码{code}的下级编码段应为00", code="org_code_format")
    if parent is None:
        if org_type is not OrgType.DISTRICT:
            raise Invalid("只有区级组织可以没有上级", code="org_parent_missing")
        return
    parent_level = LEVEL[parent.type]
    if parent_level >= level:
        raise Invalid(f"{org_type.label}不能设在{parent.type.label}之下", code="org_parent_type")
    if code[: 2 * parent_level] != parent.code[: 2 * parent_level]:
        raise Invalid(
            f"组织编码{code}应以上级组织编码{parent.code[: 2 * parent_level]}开头",
            code="org_code_parent",
        )
    if any(s != "00" for s in segments[parent_level : level - 1]):
        raise Invalid(f"组织编码{code}中跳过的层级应为00", code="org_code_format")


def create_org(
    session: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    type: OrgType | str,
    parent: Organization | None,
    secretary: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    fax: str | None = None,
    postcode: str | None = None,
    district_code: str = DEFAULT_DISTRICT_CODE,
) -> Organization:
    policy.authorize(actor, Action.ORG_EDIT)
    org_type = OrgType(type)
    if parent is not None and not path_in_scope(actor, parent.path):
        raise Forbidden("不能在管理范围以外新建组织", code="out_of_scope")
    if parent is None and actor.org_path is not None:
        raise Forbidden("只有区级管理员可以新建区级组织", code="out_of_scope")
    check_code(code, org_type, parent, district_code=district_code)
    if session.scalar(select(Organization.id).where(Organization.code == code)):
        raise Conflict(f"组织编码{code}已存在", code="org_code_taken")
    org = Organization(
        code=code,
        name=name,
        type=org_type,
        parent=parent,
        path="",
        secretary=secretary,
        phone=phone,
        address=address,
        fax=fax,
        postcode=postcode,
    )
    session.add(org)
    session.flush()
    org.path = f"{parent.path if parent else '/'}{org.id}/"
    session.flush()
    audit.record(session, actor, "org.create", "organization", org.id, after=audit.snapshot(org))
    return org


def ancestor_of_type(session: Session, org: Organization, org_type: OrgType) -> Organization | None:
    """The nearest ancestor (or the org itself) of a type, from the path: one query."""
    ids = [int(i) for i in org.path.strip("/").split("/")]
    rows = session.scalars(
        select(Organization).where(Organization.id.in_(ids), Organization.type == org_type)
    ).all()
    return max(rows, key=lambda o: len(o.path), default=None)
