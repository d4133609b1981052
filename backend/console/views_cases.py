"""Console pages for member cases (docs/cases.md): the inbox, one case with its actions, and
acceptance at the counter (a member's case, an application to join). Statistics:
``views_case_stats``."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import or_, select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import (
    paginate,
    sheet_rows,
    show_defaults,
    sorting,
    wants_xlsx,
    xlsx_download,
)
from backend.console.web import actor, db, login_required, rollback, settings, today
from backend.errors import DomainError, NotFound
from backend.models import Case, CaseState, CaseType, Member, Organization, OrgType, TalkWith
from backend.services import cases, cases_flow, cases_kiosk
from backend.services.cases_receipt import case_url, receipt
from backend.services.exports import Column
from backend.services.policy import Action
from backend.services.scope import members_in_scope, org_in_scope, path_in_scope

add_menu_entry("党员诉求", "console.cases", section="服务", order=30, active_prefix="console.case")

CASE_VIEWS: dict[str, tuple[str, tuple[CaseState, ...] | None]] = {
    "open": ("办理中", cases.OPEN_STATES),
    "overdue": ("逾期未答复", cases.WAITING_STATES),
    "accepted": ("待转办", (CaseState.ACCEPTED,)),
    "routed": ("待答复", (CaseState.ROUTED,)),
    "replied": ("待办结", (CaseState.REPLIED,)),
    "closed": ("已办结", (CaseState.CLOSED,)),
    "all": ("全部", None),
}
CASE_SORTS = {
    "number": (Case.year, Case.seq),
    "type": (Case.case_type,),
    "org": (Organization.code,),
    "state": (Case.state,),
    "accepted": (Case.accepted_on,),
    "due": (Case.due_on,),
}
CASE_COLUMNS = [
    Column("受理编号", width=14),
    Column("类型", width=10),
    Column("申请人", width=10),
    Column("所在党组织", width=22),
    Column("事由", width=16),
    Column("受理日期", width=12),
    Column("答复期限", width=12),
    Column("承办", width=22),
    Column("状态", width=8),
    Column("答复", width=30),
]
# Reasons offered at the counter (the clerk may type another): the kiosk's fixed phrases, and
# for 咨议 the six kinds the window takes.
TOPIC_SUGGESTIONS = sorted(
    {t for topics in cases_kiosk.TOPICS.values() for t in topics}
    | {"表扬", "批评", "举报", "求助", "政策咨询", "求职登记", "技能培训", "创业指导"}
)
CASE_FIELDS = {
    "member_*": "member",
    "case_type": "case_type",
    "talk_with": "talk_with",
    "text_*": "topic",
    "not_probationary": "case_type",
    "not_a_branch": "branch",
}


def _values(c: Case) -> list[object]:
    return [
        c.number,
        c.case_type.label,
        c.applicant_name,
        c.org.name,
        c.topic,
        c.accepted_on,
        c.due_on,
        c.routed_to,
        c.state.label,
        c.reply or "",
    ]


@console_bp.get("/cases", endpoint="cases")
@login_required(Action.READ)
def case_inbox() -> ResponseReturnValue:
    form = Form(request.args)
    view = form.get("state") if form.get("state") in CASE_VIEWS else "open"
    show_defaults(form, state=view)
    kind = form.get("type")
    org_path = None
    if form.get("org"):
        org = db().scalar(select(Organization).where(Organization.code == form.get("org")))
        org_path = org.path if org is not None else "/none/"
    stmt = cases.query(
        actor(),
        types=[CaseType(kind)] if kind in {t.value for t in CaseType} else None,
        states=CASE_VIEWS[view][1],
        org_path=org_path,
        overdue_on=today() if view == "overdue" else None,
    )
    sort = sorting(CASE_SORTS, default="number", descending=True, tie=(Case.id,))
    if wants_xlsx():
        title = f"党员诉求（{CASE_VIEWS[view][0]}）"
        return xlsx_download(title, CASE_COLUMNS, sheet_rows(db(), sort.apply(stmt), _values))
    return render_template(
        "cases/inbox.html",
        form=form,
        page=paginate(db(), stmt, sort=sort),
        views=[(k, label) for k, (label, _s) in CASE_VIEWS.items()],
        types=[(t.value, t.label) for t in CaseType],
        today=today(),
    )


def _member_by_number(text: str) -> Member:
    stmt = members_in_scope(actor()).where(
        Member.archived.is_(False), or_(Member.card_no == text, Member.member_no == text)
    )
    member = db().scalar(stmt) if text else None
    if member is None:
        raise NotFound("未找到该党员，或不在您的管理范围内", code="member_not_found")
    return member


def _accept_page(form: Form, member: Member | None, status: int = 200) -> ResponseReturnValue:
    branches = db().execute(
        select(Organization.id, Organization.name)
        .where(org_in_scope(actor()), Organization.type == OrgType.BRANCH, Organization.active)
        .order_by(Organization.code)
    )
    return render_template(
        "cases/accept.html",
        form=form,
        member=member,
        prefill=cases.member_prefill(member) if member is not None else {},
        types=[(t.value, t.label) for t in CaseType if t is not CaseType.JOIN],
        talk_with=[(w.value, w.label) for w in TalkWith],
        topics=TOPIC_SUGGESTIONS,
        branches=[(str(i), n) for i, n in branches],
    ), status


@console_bp.route("/cases/new", methods=["GET", "POST"])
@login_required(Action.CASE_ACCEPT)
def case_accept() -> ResponseReturnValue:
    """The counter's form: look the member up (card or member number), then accept."""
    if request.method == "GET":
        form = Form(None, request.args.to_dict())
        member = None
        if form.get("member"):
            try:
                member = _member_by_number(form.get("member"))
            except DomainError as exc:
                form.fail(exc, CASE_FIELDS)
        return _accept_page(form, member)
    form = Form(request.form)
    member = None
    try:
        if form.get("case_type") == CaseType.JOIN.value:
            case = cases.accept_join(
                db(),
                actor(),
                settings().cases,
                branch_id=form.integer("branch", "党支部") or 0,
                name=form.get("name"),
                phone=form.get("phone"),
                today=today(),
                detail=form.get("detail"),
            )
        else:
            member = _member_by_number(form.get("member"))
            case = cases.accept(
                db(),
                actor(),
                settings().cases,
                member.id,
                case_type=form.get("case_type"),
                today=today(),
                topic=form.get("topic"),
                detail=form.get("detail"),
                talk_with=form.get("talk_with") or None,
            )
    except DomainError as exc:
        rollback()
        form.fail(exc, CASE_FIELDS)
        return _accept_page(form, member, 400)
    flash(f"已受理，受理编号{case.number}", "success")
    return redirect(url_for("console.case_detail", case_id=case.id))


@console_bp.get("/cases/<int:case_id>")
@login_required(Action.READ)
def case_detail(case_id: int) -> ResponseReturnValue:
    case = cases.get_case(db(), actor(), case_id)
    routable = db().execute(
        select(Organization.id, Organization.name)
        .where(org_in_scope(actor()), Organization.active)
        .order_by(Organization.code)
        .limit(500)
    )
    return render_template(
        "cases/detail.html",
        case=case,
        receipt=receipt(settings(), case).to_dict(),
        verify_url=case_url(settings(), case),
        may_reply=cases_flow.may_reply(actor(), case),
        own_side=path_in_scope(actor(), case.org.path),
        orgs=[(str(i), n) for i, n in routable],
        form=Form(None, {"talk_on": today().isoformat()}),
    )


@console_bp.post("/cases/<int:case_id>/<any(route,schedule,reply,close):step>")
@login_required(Action.CASE_HANDLE)
def case_step(case_id: int, step: str) -> ResponseReturnValue:
    form = Form(request.form)
    done = {"route": "已转办", "schedule": "已安排约谈", "reply": "已记录答复", "close": "已办结"}
    try:
        if step == "route":
            cases_flow.route(
                db(),
                actor(),
                case_id,
                org_id=form.integer("org_id", "承办组织"),
                partner=form.get("partner"),
                person=form.get("person"),
                note=form.get("note"),
            )
        elif step == "schedule":
            cases_flow.schedule_talk(
                db(),
                actor(),
                case_id,
                talk_on=form.date("talk_on", "约谈日期") or today(),
                talk_time=form.get("talk_time"),
                place=form.get("place"),
                person=form.get("person"),
            )
        elif step == "reply":
            cases_flow.reply(
                db(), actor(), case_id, text=form.get("text"), attendees=form.get("attendees")
            )
        else:
            cases_flow.close(db(), actor(), case_id, outcome=form.get("outcome"))
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(done[step], "success")
    return redirect(url_for("console.case_detail", case_id=case_id))
