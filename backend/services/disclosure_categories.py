"""Disclosure categories (公开栏目): configurable, seeded with the seed's and DOMAIN §4's lists."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import DisclosureCategory
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.policy import Action

# The seed's six categories, then the typical board categories of DOMAIN §4.
DEFAULT_CATEGORIES = (
    ("policy", "政策文件"),
    ("procedures", "办理程序和流程"),
    ("leadership", "组织领导"),
    ("activities", "党的活动"),
    ("party_lectures", "党课安排"),
    ("party_history", "党史资料"),
    ("organization", "组织设置与分工"),
    ("annual_goals", "年度目标与落实"),
    ("meetings", "三会一课/主题党日"),
    ("recruitment", "发展党员公示"),
    ("member_management", "党员管理"),
    ("dues", "党费收缴使用"),
    ("appraisal", "民主评议与评优"),
    ("integrity", "党风廉政"),
    ("service", "服务党员群众"),
)


def _require_admin(actor: Actor) -> None:
    policy.authorize(actor, Action.DISCLOSURE_CATEGORIES)


def ensure_default_categories(session: Session, actor: Actor) -> list[DisclosureCategory]:
    """Create the default categories that are missing (by code); returns all categories."""
    existing = {c.code: c for c in session.scalars(select(DisclosureCategory))}
    taken_names = {c.name for c in existing.values()}
    for order, (code, name) in enumerate(DEFAULT_CATEGORIES, start=1):
        if code not in existing and name not in taken_names:
            existing[code] = create_category(session, actor, code=code, name=name, sort_order=order)
    return sorted(existing.values(), key=lambda c: (c.sort_order, c.id))


def create_category(
    session: Session,
    actor: Actor,
    *,
    code: str,
    name: str,
    sort_order: int = 100,
    description: str | None = None,
) -> DisclosureCategory:
    _require_admin(actor)
    code, name = code.strip(), name.strip()
    if not code or not name or len(name) > 50:
        raise Invalid("栏目代码和名称不能为空，名称不超过50字", code="category_name")
    clash = session.scalar(
        select(DisclosureCategory.id).where(
            (DisclosureCategory.code == code) | (DisclosureCategory.name == name)
        )
    )
    if clash:
        raise Conflict(f"栏目“{name}”或代码{code}已存在", code="category_taken")
    category = DisclosureCategory(
        code=code, name=name, sort_order=sort_order, description=description
    )
    session.add(category)
    session.flush()
    after = audit.snapshot(category)
    audit.record(
        session,
        actor,
        "disclosure.category_create",
        "disclosure_category",
        category.id,
        after=after,
    )
    return category


def update_category(
    session: Session,
    actor: Actor,
    category: DisclosureCategory,
    *,
    name: str | None = None,
    sort_order: int | None = None,
    active: bool | None = None,
) -> DisclosureCategory:
    _require_admin(actor)
    before = audit.snapshot(category)
    if name is not None and name.strip() != category.name:
        if session.scalar(
            select(DisclosureCategory.id).where(DisclosureCategory.name == name.strip())
        ):
            raise Conflict(f"栏目“{name}”已存在", code="category_taken")
        category.name = name.strip()
    if sort_order is not None:
        category.sort_order = sort_order
    if active is not None:
        category.active = active
    session.flush()
    audit.record(
        session,
        actor,
        "disclosure.category_update",
        "disclosure_category",
        category.id,
        before=before,
        after=audit.snapshot(category),
    )
    return category


def find_category(session: Session, key: str) -> DisclosureCategory:
    """An active category by code or by name (as written in an imported file)."""
    key = key.strip()
    category = session.scalar(
        select(DisclosureCategory).where(
            (DisclosureCategory.code == key) | (DisclosureCategory.name == key),
            DisclosureCategory.active.is_(True),
        )
    )
    if category is None:
        raise NotFound(f"没有名为“{key}”的公开栏目", code="category_not_found")
    return category
