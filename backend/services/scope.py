"""Organizational scope: the one place where staff reads and writes are limited to a subtree.

See docs/architecture.md.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, true
from sqlalchemy.orm import Session

from backend.errors import NotFound
from backend.models import Member, Organization
from backend.services.actor import Actor


def org_in_scope(actor: Actor) -> ColumnElement[bool]:
    """SQL condition on ``Organization`` rows: inside the actor's subtree."""
    if actor.org_path is None:
        return true()
    return Organization.path.startswith(actor.org_path, autoescape=True)


def members_in_scope(actor: Actor, stmt: Select | None = None) -> Select:
    """A member query limited to the actor's subtree (joins Organization)."""
    from sqlalchemy import select

    stmt = stmt if stmt is not None else select(Member)
    return stmt.join(Organization, Member.org_id == Organization.id).where(org_in_scope(actor))


def path_in_scope(actor: Actor, path: str) -> bool:
    return actor.org_path is None or path.startswith(actor.org_path)


def get_member(session: Session, actor: Actor, member_id: int) -> Member:
    """The member, if the actor may see it. Out of scope looks exactly like not found."""
    member = session.get(Member, member_id)
    if member is None or not path_in_scope(actor, member.org.path):
        raise NotFound("未找到该党员，或不在您的管理范围内", code="member_not_found")
    return member


def get_org(session: Session, actor: Actor, org_id: int) -> Organization:
    org = session.get(Organization, org_id)
    if org is None or not path_in_scope(actor, org.path):
        raise NotFound("未找到该党组织，或不在您的管理范围内", code="org_not_found")
    return org
