"""Member development (发展党员) in the console: the cases of one's subtree by stage, registering
an application, and one case's page with its dates, people, materials, 思想汇报, deadlines and the
next move (``services.development``, ``services.development_moves``)."""

from __future__ import annotations

from datetime import date

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import paginate
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError, Invalid
from backend.models import DevelopmentCase, DevStage, Member, MemberStatus, Organization, OrgType
from backend.services import development as dev
from backend.services import development_moves as moves
from backend.services import development_notices as notices
from backend.services import development_rules as rules
from backend.services import development_warnings
from backend.services.members import EDUCATION_LEVELS
from backend.services.policy import Action
from backend.services.scope import members_in_scope, org_in_scope

add_menu_entry(
    "发展党员",
    "console.development",
    section="组织与党员",
    order=64,
    active_prefix="console.development",
)

FIELDS = {
    "id_*": "id_number",
    "rule_age": "applied_on",
    "date_*": "applied_on",
    "name": "name",
    "org_*": "org_id",
    "education": "education",
    "mobile*": "phone",
}
MOVES = (
    "talk",
    "report",
    "material",
    "people",
    "advance",
    "notice",
    "resolution",
    "admit",
    "convert",
    "extend",
    "stop",
)


def _branches() -> list[tuple[int, str]]:
    stmt = (
        select(Organization)
        .where(org_in_scope(actor()), Organization.type == OrgType.BRANCH, Organization.active)
        .order_by(Organization.code)
    )
    return [(o.id, f"{o.code} {o.name}") for o in db().scalars(stmt)]


def _list(form: Form, status: int = 200):
    raw = request.args.get("stage", "")
    stage = DevStage(raw) if raw in {s.value for s in DevStage} else None
    page = paginate(db(), dev.cases_query(actor(), stage))
    html = render_template(
        "development/list.html",
        page=page,
        form=form,
        stage=stage,
        stages=list(DevStage),
        branches=_branches(),
        educations=[(e, e) for e in EDUCATION_LEVELS],
    )
    return html, status


@console_bp.get("/development", endpoint="development")
@login_required(Action.READ)
def cases():
    return _list(Form(None, {"applied_on": today().isoformat()}))


@console_bp.post("/development", endpoint="development_new")
@login_required(Action.DEVELOPMENT_EDIT)
def create():
    form = Form(request.form)
    applied = form.date("applied_on", "递交申请日期", required=True)
    org_id = form.integer("org_id", "受理的党支部", required=True)
    if form.ok and applied is not None and org_id is not None:
        data = dev.NewCase(
            org_id=org_id,
            name=form.get("name"),
            id_number=form.get("id_number"),
            applied_on=applied,
            phone=form.get("phone") or None,
            education=form.get("education") or None,
            work_unit=form.get("work_unit") or None,
        )
        try:
            case = dev.create_case(db(), actor(), data, today=today())
        except DomainError as exc:
            rollback()
            form.fail(exc, FIELDS)
        else:
            flash(f"已登记{case.name}的入党申请", "success")
            return redirect(url_for("console.development_case", case_id=case.id))
    return _list(form, 400)


def _full_members(case: DevelopmentCase) -> list[tuple[int, str]]:
    """Full members of the case's branch (people to choose 培养联系人 and 介绍人 from)."""
    stmt = (
        members_in_scope(actor(), select(Member))
        .where(
            Member.org_id == case.org_id,
            Member.archived.is_(False),
            Member.status == MemberStatus.FULL,
        )
        .order_by(Member.card_no)
    )
    return [(m.id, m.name) for m in db().scalars(stmt)]


@console_bp.get("/development/<int:case_id>", endpoint="development_case")
@login_required(Action.READ)
def case_page(case_id: int):
    case = dev.get_case(db(), actor(), case_id)
    order = list(DevStage)
    checklist = [
        (
            stage,
            order.index(stage) <= order.index(case.stage),  # later stages are not open yet
            [(k, label, (case.materials or {}).get(k)) for k, label in rules.MATERIALS[stage]],
        )
        for stage in DevStage
        if rules.MATERIALS[stage]
    ]
    return render_template(
        "development/case.html",
        case=case,
        checklist=checklist,
        contacts=dev.people_names(db(), case.contact_ids or []),
        sponsors=dev.people_names(db(), case.sponsor_ids or []),
        deadlines=development_warnings.case_deadlines(db(), case, today()),
        members=_full_members(case),
        next_stage=rules.NEXT_STAGE.get(case.stage),
        missing=rules.missing_materials(case.stage, case.materials or {}),
        rules=rules.TIME_RULES,
        today=today(),
    )


def _ids(values: list[str]) -> list[int]:
    try:
        return [int(v) for v in values if v]
    except ValueError:
        raise Invalid("人员选择不正确", code="people") from None


def _move(case: DevelopmentCase, action: str, form: Form, on: date | None) -> str:
    """Run one move; returns what to tell the user."""
    s, a, t = db(), actor(), today()
    if action == "people":
        dev.set_people(
            s,
            a,
            case,
            contact_ids=_ids(request.form.getlist("contact_ids")),
            sponsor_ids=_ids(request.form.getlist("sponsor_ids")),
        )
        return "已保存培养联系人和入党介绍人"
    if action == "material":
        key = form.get("key")
        dev.set_material(s, a, case, key, on if form.get("done") else None, today=t)
        return f"已更新材料：{rules.MATERIAL_LABELS.get(key, key)}"
    if action == "notice":
        notices.open_notice(s, a, case, on=on or t)
        return "公示已生成并送保密审查，审核发布后在党务公开栏展示"
    if on is None:
        raise Invalid("请填写日期", code="date_missing")
    if action == "stop":
        moves.stop_case(s, a, case, on, form.get("reason"), today=t)
        return f"已终止发展：{case.name}"
    if action == "talk":
        dev.record_talk(s, a, case, on, today=t)
    elif action == "report":
        dev.add_report(s, a, case, on, today=t)
    elif action == "advance":
        moves.advance(s, a, case, on, today=t)
    elif action == "resolution":
        moves.record_branch_resolution(s, a, case, on, today=t)
    elif action == "admit":
        moves.approve_admission(s, a, case, on, card_no_digits=settings().card_no_digits, today=t)
    elif action == "extend":
        moves.extend_probation(s, a, case, on)
        return f"预备期已延长至{on.isoformat()}"
    else:
        moves.convert(s, a, case, on, today=t)
    return f"已保存，当前为：{case.stage.label}"


@console_bp.post(
    f"/development/<int:case_id>/<any({','.join(MOVES)}):action>", endpoint="development_move"
)
@login_required(
    Action.DEVELOPMENT_EDIT,
    variants=dict.fromkeys(("admit", "convert", "extend"), Action.DEVELOPMENT_APPROVE),
)
def move(case_id: int, action: str):
    form = Form(request.form)
    on = form.date("date", "日期")
    try:
        case = dev.get_case(db(), actor(), case_id, lock=True)
        if not form.ok:
            raise Invalid(next(iter(form.errors.values())), code="date")
        message = _move(case, action, form, on)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(message, "success")
    return redirect(url_for("console.development_case", case_id=case_id))
