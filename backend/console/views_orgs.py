"""The organization tree: browse with the node summary; add, edit, move, merge, dissolve."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import add_menu_entry, charts, console_bp
from backend.console.forms import Form
from backend.console.web import (
    actor,
    current_user,
    db,
    hall,
    login_required,
    rollback,
    settings,
    today,
)
from backend.errors import DomainError
from backend.models import Organization, OrgType
from backend.services import org_breakdown, org_changes, org_stats, orgs, policy
from backend.services.policy import Action
from backend.services.scope import get_org, org_in_scope

DETAIL_FIELDS = {f"org_{f}": f for f in org_changes.EDITABLE}
NEW_FIELDS = {**DETAIL_FIELDS, "org_code*": "code", "org_parent*": "type"}
MOVE_FIELDS = {"org_code*": "code", "org_parent*": "parent_id", "org_cycle": "parent_id"}

add_menu_entry(
    "组织机构", "console.orgs", section="组织与党员", order=10, active_prefix="console.org"
)
console_bp.add_app_template_global(charts.column_chart, "column_chart")
console_bp.add_app_template_global(charts.share_chart, "share_chart")
console_bp.add_app_template_global(charts.pie_chart, "pie_chart")


def _tree(root: Organization) -> dict[int | None, list[Organization]]:
    """Children lists of every organization in the actor's scope (one query, by code)."""
    rows = db().scalars(
        select(Organization).where(org_in_scope(actor())).order_by(Organization.code)
    )
    children: dict[int | None, list[Organization]] = {}
    for org in rows:
        key = None if org.id == root.id else org.parent_id
        children.setdefault(key, []).append(org)
    return children


def _ancestors(org: Organization) -> list[Organization]:
    ids = [int(i) for i in org.path.strip("/").split("/")][:-1]
    found = {o.id: o for o in db().scalars(select(Organization).where(Organization.id.in_(ids)))}
    return [found[i] for i in ids if i in found]


def _load(org_id: int) -> Organization:
    return get_org(db(), actor(), org_id)


def _parents_for(org_type: OrgType, exclude_path: str | None = None) -> list[Organization]:
    """Active organizations in scope that may hold an organization of ``org_type``."""
    level = orgs.LEVEL[org_type]
    candidates = db().scalars(
        select(Organization)
        .where(org_in_scope(actor()), Organization.active.is_(True))
        .order_by(Organization.code)
    )
    return [
        o
        for o in candidates
        if orgs.LEVEL[o.type] < level and not (exclude_path and o.path.startswith(exclude_path))
    ]


@console_bp.get("/orgs", endpoint="orgs")
@login_required(Action.READ)
def orgs_home() -> ResponseReturnValue:
    return redirect(url_for("console.org_detail", org_id=current_user().org_id))


@console_bp.get("/orgs/<int:org_id>")
@login_required(Action.READ)
def org_detail(org_id: int) -> ResponseReturnValue:
    org = _load(org_id)
    root = current_user().org
    return render_template(
        "console/orgs/detail.html",
        org=org,
        tree=_tree(root),
        root=root,
        open_ids={int(i) for i in org.path.strip("/").split("/")},
        ancestors=_ancestors(org),
        summary=org_stats.summarize(db(), org, today()),
        groups=org_breakdown.breakdown(db(), org.path, today()),
        per_child=org_stats.members_per_child(db(), org),
        children=db()
        .scalars(
            select(Organization).where(Organization.parent_id == org.id).order_by(Organization.code)
        )
        .all(),
        can_edit=policy.allows(actor(), Action.ORG_EDIT),
    )


@console_bp.route("/orgs/<int:parent_id>/new", methods=["GET", "POST"])
@login_required(Action.ORG_EDIT)
def org_new(parent_id: int) -> ResponseReturnValue:
    parent = _load(parent_id)
    types = [t for t in OrgType if orgs.LEVEL[t] > orgs.LEVEL[parent.type]]
    if not types or not parent.active:
        abort(404)
    chosen = OrgType(request.values.get("type") or types[0].value)
    defaults = {"type": chosen.value, "code": org_changes.suggest_code(db(), parent, chosen)}
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "POST":
        org_type = form.choice("type", "组织类型", [t.value for t in types], required=True)
        code = form.text("code", "组织编码", required=True)
        name = form.text("name", "组织名称", required=True, max_len=100)
        if form.ok:
            try:
                org = orgs.create_org(
                    db(),
                    actor(),
                    code=code or "",
                    name=name or "",
                    type=org_type or "",
                    parent=parent,
                    district_code=settings().district_code,
                    **{k: form.get(k) or None for k in org_changes.EDITABLE if k != "name"},
                )
            except DomainError as exc:
                rollback()
                form.fail(exc, NEW_FIELDS)
            else:
                flash(f"已新建{org.type.label}：{org.name}（{org.code}）", "success")
                return redirect(url_for("console.org_detail", org_id=org.id))
    return render_template(
        "console/orgs/form.html", form=form, parent=parent, org=None, types=types
    ), (200 if form.ok else 400)


@console_bp.route("/orgs/<int:org_id>/edit", methods=["GET", "POST"])
@login_required(Action.ORG_EDIT)
def org_edit(org_id: int) -> ResponseReturnValue:
    org = _load(org_id)
    defaults = {k: getattr(org, k) for k in org_changes.EDITABLE}
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "POST":
        form.text("name", "组织名称", required=True, max_len=100)
        if form.ok:
            try:
                org_changes.update_org(
                    db(), actor(), org, {k: form.get(k) for k in org_changes.EDITABLE}
                )
            except DomainError as exc:
                rollback()
                form.fail(exc, DETAIL_FIELDS)
            else:
                flash("组织信息已保存", "success")
                return redirect(url_for("console.org_detail", org_id=org.id))
    return render_template(
        "console/orgs/form.html", form=form, parent=org.parent, org=org, types=None
    ), (200 if form.ok else 400)


@console_bp.route("/orgs/<int:org_id>/move", methods=["GET", "POST"])
@login_required(Action.ORG_MOVE)
def org_move(org_id: int) -> ResponseReturnValue:
    org = _load(org_id)
    parents = _parents_for(org.type, exclude_path=org.path)
    form = Form(
        request.form if request.method == "POST" else None,
        {"parent_id": org.parent_id, "code": org.code},
    )
    if request.method == "POST":
        parent_id = form.integer("parent_id", "新的上级组织", required=True)
        code = form.text("code", "新的组织编码", required=True)
        on = form.date("on", "调整日期") or today()
        if form.ok and parent_id is not None:
            try:
                new_parent = _load(parent_id)
                org_changes.move_org(
                    db(),
                    actor(),
                    org,
                    new_parent,
                    code or "",
                    on=on,
                    district_code=settings().district_code,
                )
            except DomainError as exc:
                rollback()
                form.fail(exc, MOVE_FIELDS)
            else:
                flash("组织隶属关系和编码已调整，下级组织和党员编号已随之更新", "success")
                return redirect(url_for("console.org_detail", org_id=org_id))
    return render_template("console/orgs/move.html", form=form, org=org, parents=parents), (
        200 if form.ok else 400
    )


@console_bp.route("/orgs/<int:org_id>/merge", methods=["GET", "POST"])
@login_required(Action.ORG_EDIT)
def org_merge(org_id: int) -> ResponseReturnValue:
    org = _load(org_id)
    if org.type is not OrgType.BRANCH:
        abort(404)
    targets = [
        o
        for o in db().scalars(
            select(Organization)
            .where(
                org_in_scope(actor()),
                Organization.type == OrgType.BRANCH,
                Organization.active.is_(True),
                Organization.id != org.id,
            )
            .order_by(Organization.code)
        )
    ]
    form = Form(request.form if request.method == "POST" else None, {"dissolve": True})
    if request.method == "POST":
        target_id = form.integer("target_id", "并入的党支部", required=True)
        on = form.date("on", "合并日期") or today()
        if form.ok and target_id is not None:
            try:
                target = _load(target_id)
                moved = org_changes.merge_branches(
                    db(),
                    actor(),
                    hall().settings,
                    org,
                    target,
                    on=on,
                    dissolve_source=form.flag("dissolve"),
                )
            except DomainError as exc:
                rollback()
                form.fail(exc, {"org_not_branch": "target_id", "org_same": "target_id"})
            else:
                flash(f"已将{moved}名党员并入{target.name}，党员编号已更新", "success")
                return redirect(url_for("console.org_detail", org_id=target.id))
    return render_template("console/orgs/merge.html", form=form, org=org, targets=targets), (
        200 if form.ok else 400
    )


@console_bp.post("/orgs/<int:org_id>/dissolve")
@login_required(Action.ORG_EDIT)
def org_dissolve(org_id: int) -> ResponseReturnValue:
    org = _load(org_id)
    form = Form(request.form)
    on = form.date("on", "撤销日期") or today()
    if not form.ok:
        flash(next(iter(form.errors.values())), "error")
        return redirect(url_for("console.org_detail", org_id=org.id))
    try:
        org_changes.dissolve_org(db(), actor(), org, on=on)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(f"{org.name}已撤销（{on.isoformat()}），历史记录保留", "success")
    return redirect(url_for("console.org_detail", org_id=org.id))
