"""Staff users and their scopes: list, add, edit, unlock, reset password (administrators)."""

from __future__ import annotations

from datetime import datetime

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import paginate, sheet_rows, sorting, wants_xlsx, xlsx_download
from backend.console.web import actor, current_user, db, login_required, rollback
from backend.errors import DomainError, NotFound
from backend.models import Organization, Role, User
from backend.models.base import utcnow
from backend.services import user_admin, users
from backend.services.exports import Column
from backend.services.policy import Action
from backend.services.scope import get_org, org_in_scope, path_in_scope

add_menu_entry(
    "用户与权限",
    "console.users",
    section="系统管理",
    order=10,
    action=Action.USER_ADMIN,
    active_prefix="console.user",
)

USER_FIELDS = {
    "username_taken": "username",
    "weak_password": "password",
    "user_full_name": "full_name",
    "out_of_scope": "org_id",
}
ROLES = [(r.value, r.label) for r in Role]


def _scope_orgs() -> list[Organization]:
    stmt = select(Organization).where(org_in_scope(actor()), Organization.active.is_(True))
    return list(db().scalars(stmt.order_by(Organization.code)))


def _user(user_id: int) -> User:
    user = db().get(User, user_id)
    if user is None or not path_in_scope(actor(), user.org.path):
        raise NotFound("未找到该用户，或不在您的管理范围内", code="user_not_found")
    return user


USER_SORTS = {
    "username": (User.username,),
    "name": (User.full_name,),
    "role": (User.role,),
    "org": (Organization.code,),
}
USER_COLUMNS = [
    Column("用户名", width=14),
    Column("姓名", width=10),
    Column("角色", width=14),
    Column("管理范围", width=28),
    Column("状态", width=8),
]


def _user_state(user: User, now: datetime) -> str:
    if not user.active:
        return "已停用"
    return "已锁定" if user.locked_until and user.locked_until > now else "正常"


@console_bp.get("/users", endpoint="users")
@login_required(Action.USER_ADMIN)
def users_list() -> ResponseReturnValue:
    stmt = user_admin.users_in_scope(actor())
    sort = sorting(USER_SORTS, default="org", tie=(User.id,))
    now = utcnow()
    if wants_xlsx():
        rows = sheet_rows(db(), sort.apply(stmt), lambda r: [
            r[0].username, r[0].full_name, r[0].role.label, f"{r[1].code} {r[1].name}",
            _user_state(r[0], now)])  # fmt: skip
        return xlsx_download("用户与权限", USER_COLUMNS, rows)
    return render_template(
        "console/admin/users.html", page=paginate(db(), stmt, sort=sort), now=now
    )


@console_bp.route("/users/new", methods=["GET", "POST"])
@login_required(Action.USER_ADMIN)
def user_new() -> ResponseReturnValue:
    form = Form(request.form if request.method == "POST" else None, {"role": "org_staff"})
    if request.method == "POST":
        username = form.text("username", "用户名", required=True, max_len=50)
        full_name = form.text("full_name", "姓名", required=True, max_len=50)
        role = form.choice("role", "角色", [r.value for r in Role], required=True)
        org_id = form.integer("org_id", "管理范围", required=True)
        password = request.form.get("password", "")
        if not password:
            form.error("password", "请填写初始密码")
        if form.ok and org_id is not None:
            try:
                users.create_user(
                    db(),
                    actor(),
                    username=username or "",
                    password=password,
                    full_name=full_name or "",
                    role=role or "",
                    org=get_org(db(), actor(), org_id),
                )
            except DomainError as exc:
                rollback()
                form.fail(exc, USER_FIELDS)
            else:
                flash(f"已新建用户{username}", "success")
                return redirect(url_for("console.users"))
    return render_template(
        "console/admin/user_form.html", form=form, user=None, orgs=_scope_orgs(), roles=ROLES
    ), (200 if form.ok else 400)


@console_bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@login_required(Action.USER_ADMIN)
def user_edit(user_id: int) -> ResponseReturnValue:
    user = _user(user_id)
    defaults = {
        "full_name": user.full_name,
        "role": user.role.value,
        "org_id": user.org_id,
        "active": user.active,
    }
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "POST":
        full_name = form.text("full_name", "姓名", required=True, max_len=50)
        role = form.choice("role", "角色", [r.value for r in Role], required=True)
        org_id = form.integer("org_id", "管理范围", required=True)
        if form.ok and org_id is not None:
            try:
                user_admin.update_user(
                    db(),
                    actor(),
                    user,
                    full_name=full_name or "",
                    role=role or "",
                    org=get_org(db(), actor(), org_id),
                    active=form.flag("active"),
                )
            except DomainError as exc:
                rollback()
                form.fail(exc, USER_FIELDS)
            else:
                flash(f"用户{user.username}已保存", "success")
                return redirect(url_for("console.users"))
    return render_template(
        "console/admin/user_form.html",
        form=form,
        user=user,
        orgs=_scope_orgs(),
        roles=ROLES,
        locked=bool(user.locked_until and user.locked_until > utcnow()),
        is_self=user.id == current_user().id,
    ), (200 if form.ok else 400)


@console_bp.post("/users/<int:user_id>/unlock")
@login_required(Action.USER_ADMIN)
def user_unlock(user_id: int) -> ResponseReturnValue:
    user = _user(user_id)
    user_admin.unlock_user(db(), actor(), user)
    flash(f"用户{user.username}已解除锁定", "success")
    return redirect(url_for("console.user_edit", user_id=user.id))


@console_bp.post("/users/<int:user_id>/password")
@login_required(Action.USER_ADMIN)
def user_password(user_id: int) -> ResponseReturnValue:
    user = _user(user_id)
    try:
        user_admin.reset_password(db(), actor(), user, request.form.get("password", ""))
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(f"用户{user.username}的密码已重置，请通知本人登录后使用新密码", "success")
    return redirect(url_for("console.user_edit", user_id=user.id))
