"""公开栏目: the district's disclosure categories — create, rename, order, retire and restore.

Categories are shared by every board of the district, so only a district administrator changes
them (the service checks it again); other staff see the list read-only, with the number of items
of their own subtree in each. Every change is audited by ``disclosure_categories``. Retiring
keeps a category's items on the boards but takes it out of the editor (docs/demo.md).
"""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import case, func, select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.web import actor, db, login_required, may, rollback
from backend.errors import DomainError
from backend.models import (
    DisclosureCategory,
    DisclosureDocument,
    DisclosureStatus,
    Organization,
)
from backend.services import disclosure_categories as categories
from backend.services.policy import Action
from backend.services.scope import org_in_scope

add_menu_entry(
    "公开栏目",
    "console.categories",
    section="服务",
    order=41,
    action=Action.DISCLOSURE_CATEGORIES,
    active_prefix="console.categor",
)

FIELDS = {"category_name": "name", "category_taken": "name", "category_code": "code"}


def _rows() -> list[dict[str, Any]]:
    """Every category in board order, with its items inside the user's subtree."""
    published = case((DisclosureDocument.status == DisclosureStatus.PUBLISHED, 1), else_=0)
    counts = {
        category_id: (total, shown)
        for category_id, total, shown in db().execute(
            select(DisclosureDocument.category_id, func.count(), func.sum(published))
            .join(Organization, DisclosureDocument.org_id == Organization.id)
            .where(org_in_scope(actor()))
            .group_by(DisclosureDocument.category_id)
        )
    }
    ordered = db().scalars(
        select(DisclosureCategory).order_by(DisclosureCategory.sort_order, DisclosureCategory.id)
    )
    return [
        {
            "category": c,
            "items": counts.get(c.id, (0, 0))[0],
            "published": int(counts.get(c.id, (0, 0))[1] or 0),
        }
        for c in ordered
    ]


def _page(form: Form, edit: dict[int, Form] | None = None, status: int = 200) -> Any:
    rows = _rows()
    codes = {r["category"].code for r in rows}
    missing = [name for code, name in categories.DEFAULT_CATEGORIES if code not in codes]
    return render_template(
        "disclosure/categories.html",
        form=form,
        rows=rows,
        edit=edit or {},
        may_edit=may(Action.DISCLOSURE_CATEGORIES),
        missing_defaults=missing,
        code_help=categories.CODE_HELP,
    ), status


@console_bp.get("/disclosure/categories", endpoint="categories")
@login_required(Action.READ)
def categories_list() -> ResponseReturnValue:
    return _page(Form(None))


@console_bp.post("/disclosure/categories")
@login_required(Action.DISCLOSURE_CATEGORIES)
def category_create() -> ResponseReturnValue:
    form = Form(request.form)
    name = form.text("name", "栏目名称", required=True, max_len=50)
    description = form.text("description", "说明", max_len=200)
    if form.ok and name:
        try:
            category = categories.create_category(
                db(), actor(), code=form.get("code"), name=name, description=description
            )
        except DomainError as exc:
            rollback()
            form.fail(exc, FIELDS)
        else:
            flash(f"已添加栏目“{category.name}”，排在最后，可用“上移”调整位置", "success")
            return redirect(url_for("console.categories"))
    return _page(form, status=400)


@console_bp.post("/disclosure/categories/defaults")
@login_required(Action.DISCLOSURE_CATEGORIES)
def category_defaults() -> ResponseReturnValue:
    before = db().scalar(select(func.count()).select_from(DisclosureCategory)) or 0
    after = len(categories.ensure_default_categories(db(), actor()))
    flash(f"已添加{after - before}个常用栏目", "success")
    return redirect(url_for("console.categories"))


@console_bp.post(
    "/disclosure/categories/<int:category_id>/<any(rename,up,down,retire,restore):action>"
)
@login_required(Action.DISCLOSURE_CATEGORIES)
def category_action(category_id: int, action: str) -> ResponseReturnValue:
    session, who = db(), actor()
    category = session.get(DisclosureCategory, category_id)
    if category is None:
        flash("该栏目不存在，可能已被其他管理员修改，请刷新后重试", "error")
        return redirect(url_for("console.categories"))
    form = Form(request.form)
    try:
        if action == "rename":
            name = form.text("name", "栏目名称", required=True, max_len=50)
            description = form.text("description", "说明", max_len=200) or ""
            if not form.ok or name is None:
                return _page(Form(None), {category.id: form}, 400)
            old = category.name
            categories.update_category(session, who, category, name=name, description=description)
            message = f"栏目“{old}”已改名为“{name}”" if old != name else "栏目说明已保存"
        elif action in ("up", "down"):
            ids = [r["category"].id for r in _rows()]
            at = ids.index(category.id)
            to = at - 1 if action == "up" else at + 1
            if 0 <= to < len(ids):
                ids[at], ids[to] = ids[to], ids[at]
                categories.reorder(session, who, ids)
            message = f"栏目“{category.name}”已{'上移' if action == 'up' else '下移'}"
        elif action == "retire":
            categories.update_category(session, who, category, active=False)
            message = (
                f"栏目“{category.name}”已停用：已发布的内容仍可在查询机上查看，"
                "但不能再在该栏目下起草新内容"
            )
        else:
            categories.update_category(session, who, category, active=True)
            message = f"栏目“{category.name}”已恢复使用"
    except DomainError as exc:
        rollback()
        form.fail(exc, FIELDS)
        return _page(Form(None), {category_id: form}, 400)
    flash(message, "success")
    return redirect(url_for("console.categories"))
