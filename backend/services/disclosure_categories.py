"""Disclosure categories (公开栏目): configurable, seeded with the founding specification's six
and the usual board lists (docs/founding-spec.md, docs/disclosure.md).

Only a district administrator sets them up (they are shared by every board of the district);
every change is audited. A retired category keeps its published items readable on the boards
(in the full list and by link) but is no longer offered for new drafts. See docs/demo.md.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import DisclosureCategory
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.policy import Action

# The founding specification's six categories, then the typical board categories
# (docs/founding-spec.md, docs/disclosure.md).
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


_CODE = re.compile(r"[a-z][a-z0-9_-]{0,39}")
CODE_HELP = (
    "栏目代码用于查询机链接，须以小写字母开头，只含小写字母、数字、下划线和连字符，不超过40位"
)


def _check_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 50:
        raise Invalid("栏目名称不能为空，且不超过50个字", code="category_name")
    return name


def _next_code(session: Session) -> str:
    taken = set(session.scalars(select(DisclosureCategory.code)))
    number = len(taken) + 1
    while f"category{number}" in taken:
        number += 1
    return f"category{number}"


def create_category(
    session: Session,
    actor: Actor,
    *,
    code: str = "",
    name: str,
    sort_order: int | None = None,
    description: str | None = None,
) -> DisclosureCategory:
    """A new category; without a code one is made up, without an order it goes last."""
    _require_admin(actor)
    name = _check_name(name)
    code = code.strip() or _next_code(session)
    if not _CODE.fullmatch(code):
        raise Invalid(CODE_HELP, code="category_code")
    if sort_order is None:
        last = session.scalar(select(func.max(DisclosureCategory.sort_order)))
        sort_order = (last or 0) + 1
    clash = session.scalar(
        select(DisclosureCategory.id).where(
            (DisclosureCategory.code == code) | (DisclosureCategory.name == name)
        )
    )
    if clash:
        raise Conflict(f"栏目“{name}”或代码{code}已存在", code="category_taken")
    category = DisclosureCategory(
        code=code, name=name, sort_order=sort_order, description=(description or "").strip() or None
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
    description: str | None = None,
) -> DisclosureCategory:
    """Rename, re-describe, move or retire/restore; audited as one change."""
    _require_admin(actor)
    before = audit.snapshot(category)
    if name is not None and name.strip() != category.name:
        name = _check_name(name)
        if session.scalar(select(DisclosureCategory.id).where(DisclosureCategory.name == name)):
            raise Conflict(f"栏目“{name}”已存在", code="category_taken")
        category.name = name
    if description is not None:
        category.description = description.strip()[:200] or None
    if sort_order is not None:
        category.sort_order = sort_order
    action = "disclosure.category_update"
    if active is not None and active != category.active:
        category.active = active
        action = "disclosure.category_restore" if active else "disclosure.category_retire"
    session.flush()
    audit.record(
        session,
        actor,
        action,
        "disclosure_category",
        category.id,
        before=before,
        after=audit.snapshot(category),
    )
    return category


def reorder(session: Session, actor: Actor, ordered_ids: Sequence[int]) -> list[DisclosureCategory]:
    """Number the categories 1, 2, 3 … in the given order (the others keep theirs, after)."""
    _require_admin(actor)
    by_id = {c.id: c for c in session.scalars(select(DisclosureCategory))}
    if len(set(ordered_ids)) != len(ordered_ids) or not set(ordered_ids) <= set(by_id):
        raise Invalid("栏目顺序不正确，请刷新页面后重试", code="category_order")
    rest = sorted(
        (c for c in by_id.values() if c.id not in set(ordered_ids)),
        key=lambda c: (c.sort_order, c.id),
    )
    ordered = [by_id[i] for i in ordered_ids] + rest
    before = {c.code: c.sort_order for c in ordered}
    for position, category in enumerate(ordered, start=1):
        category.sort_order = position
    session.flush()
    after = {c.code: c.sort_order for c in ordered}
    if after != before:
        audit.record(
            session,
            actor,
            "disclosure.category_reorder",
            "disclosure_category",
            None,
            before=before,
            after=after,
        )
    return ordered


def find_category(session: Session, key: str) -> DisclosureCategory:
    """An active category by code or by name (as written in an imported file)."""
    key = key.strip()
    category = session.scalar(
        select(DisclosureCategory).where(
            (DisclosureCategory.code == key) | (DisclosureCategory.name == key)
        )
    )
    if category is None:
        raise NotFound(
            f"没有名为“{key}”的公开栏目（系统管理员可在管理台“公开栏目”页添加）",
            code="category_not_found",
        )
    if not category.active:
        raise Invalid(
            f"栏目“{category.name}”已停用，不能再发布新内容（系统管理员可在“公开栏目”页恢复）",
            code="category_inactive",
        )
    return category
