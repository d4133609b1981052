"""Disclosure publishing (党务公开): the subtree's items, the editor, and the secrecy-review
workflow (draft → 待审核 → 已审核 → 已发布 → 已撤回), every step flashed in Chinese.

The preview is the kiosk's own reading of the Markdown (``disclosure_text.to_blocks``), so what
staff see is what the touch screen will show. Uploaded PDFs are turned into page images before
anything is saved; a file that cannot be read leaves nothing behind.
"""

from __future__ import annotations

import re
from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from sqlalchemy import func, or_, select

from backend.console import add_menu_entry, console_bp
from backend.console.forms import Form
from backend.console.paging import paginate, sheet_rows, sorting, wants_xlsx, xlsx_download
from backend.console.views_disclosure_files import media_of
from backend.console.views_finance import scope_orgs
from backend.console.web import actor, current_user, db, login_required, rollback, settings, today
from backend.errors import DomainError
from backend.models import (
    AuditEntry,
    DisclosureCategory,
    DisclosureDocument,
    DisclosureRecipient,
    DisclosureStatus,
    DisclosureTier,
    Member,
    Organization,
)
from backend.services import disclosure, disclosure_files, disclosure_workflow, pdf_pages, policy
from backend.services.disclosure_board import documents_query
from backend.services.disclosure_text import to_blocks
from backend.services.exports import Column
from backend.services.policy import Action
from backend.services.scope import get_org, members_in_scope, org_in_scope

add_menu_entry("党务公开", "console.disclosure", section="服务", order=40)

DOCUMENT_SORTS = {
    "publish": (DisclosureDocument.publish_on,),
    "title": (DisclosureDocument.title,),
    "org": (Organization.code,),
    "status": (DisclosureDocument.status,),
    "expires": (DisclosureDocument.expires_on,),
}
DOCUMENT_COLUMNS = [
    Column("标题", width=36),
    Column("栏目", width=14),
    Column("发布组织", width=22),
    Column("公开范围", width=12),
    Column("状态", width=10),
    Column("发布日期", width=11),
    Column("截止日期", width=11),
    Column("起草人", width=10),
]


def _document_values(d: DisclosureDocument) -> list[object]:
    expires = d.expires_on.isoformat() if d.expires_on else "长期"
    return [d.title, d.category.name, d.org.name, d.tier.label, d.status.label,
            d.publish_on.isoformat(), expires, d.created_by]  # fmt: skip


TIER_HELP = {
    DisclosureTier.PUBLIC: "所有人可见：大厅查询机不刷卡即可浏览。适合政策文件、办事流程、公示等。",
    DisclosureTier.PARTY: "全体党员可见：党员在查询机上刷党员卡后才能看到，群众看不到。",
    DisclosureTier.UNIT: "本组织党员可见：发布组织及其下级组织的党员刷卡后才能看到。",
    DisclosureTier.CONCERNED: "只给指定党员看：只有下面填写的党员刷卡后才能看到，如谈心谈话安排。",
}
FIELDS = {
    "disclosure_title": "title",
    "disclosure_body": "body_md",
    "disclosure_dates": "expires_on",
    "disclosure_tier": "tier",
    "disclosure_recipients": "recipients",
    "member_not_found": "recipients",
    "category_*": "category_id",
    "org_not_found": "org_id",
    "media_*": "files",
    "pdf_*": "files",
}
ACTION_LABELS = {
    "disclosure.create": "起草",
    "disclosure.update": "修改（需重新审核）",
    "disclosure.files_add": "添加图片或附件（需重新审核）",
    "disclosure.files_remove": "删除图片或附件（需重新审核）",
    "disclosure.submit": "提交保密审查",
    "disclosure.approve": "保密审查通过",
    "disclosure.reject": "退回修改",
    "disclosure.publish": "发布",
    "disclosure.withdraw": "撤回",
}
_SPLIT = re.compile(r"[\s,，、;；]+")


def _choices(document: DisclosureDocument | None = None) -> dict[str, Any]:
    """The editor's lists. A retired category is offered only to the item already in it."""
    keep = document.category_id if document is not None else None
    categories = db().scalars(
        select(DisclosureCategory)
        .where(or_(DisclosureCategory.active.is_(True), DisclosureCategory.id == keep))
        .order_by(DisclosureCategory.sort_order, DisclosureCategory.id)
    )
    return {
        "categories": [(c.id, c.name if c.active else f"{c.name}（已停用）") for c in categories],
        "statuses": [(s.value, s.label) for s in DisclosureStatus],
        "tiers": [(t.value, t.label, TIER_HELP[t]) for t in DisclosureTier],
    }


@console_bp.get("/disclosure", endpoint="disclosure")
@login_required(Action.READ)
def disclosure_list() -> ResponseReturnValue:
    form = Form(request.args)
    status = form.choice("status", "状态", [s.value for s in DisclosureStatus])
    category_id = form.integer("category_id", "栏目")
    stmt = documents_query(
        actor(), status=DisclosureStatus(status) if status else None, category_id=category_id
    )
    sort = sorting(DOCUMENT_SORTS, default="publish", descending=True, tie=(DisclosureDocument.id,))
    if wants_xlsx():
        rows = sheet_rows(db(), sort.apply(stmt), _document_values)
        return xlsx_download("党务公开", DOCUMENT_COLUMNS, rows)
    counts = {
        state: count
        for state, count in db().execute(
            select(DisclosureDocument.status, func.count())
            .join(Organization, DisclosureDocument.org_id == Organization.id)
            .where(org_in_scope(actor()))
            .group_by(DisclosureDocument.status)
        )
    }
    return render_template(
        "disclosure/list.html",
        form=form,
        page=paginate(db(), stmt, sort=sort),
        counts={s.value: counts.get(s, 0) for s in DisclosureStatus},
        **_choices(),
    )


def _recipients(form: Form) -> list[int]:
    """Members named by member number or card number, inside the user's scope."""
    found: list[int] = []
    for token in (t for t in _SPLIT.split(form.get("recipients")) if t):
        number = token.zfill(settings().card_no_digits) if token.isdigit() else token
        member = db().scalar(
            members_in_scope(actor(), select(Member.id)).where(
                or_(Member.member_no == token, Member.card_no == number)
            )
        )
        if member is None:
            form.error("recipients", f"找不到党员编号或卡号为{token}的党员（或不在您的管理范围内）")
        else:
            found.append(member)
    if not found and not form.errors.get("recipients"):
        form.error("recipients", "向特定党员公开的内容须填写党员编号或卡号")
    return found


def _fields(form: Form) -> dict[str, Any]:
    """The posted editor as keyword arguments for the disclosure service (errors on ``form``)."""
    values: dict[str, Any] = {
        "title": form.text("title", "标题", required=True, max_len=200),
        "summary": form.text("summary", "摘要", max_len=300),
        "body_md": form.text("body_md", "正文", required=True),
        "tier": form.choice("tier", "公开范围", [t.value for t in DisclosureTier], required=True),
        "publish_on": form.date("publish_on", "发布日期", required=True),
        "expires_on": form.date("expires_on", "截止日期"),
    }
    category_id = form.integer("category_id", "栏目", required=True)
    values["category"] = db().get(DisclosureCategory, category_id) if category_id else None
    if category_id and values["category"] is None:
        form.error("category_id", "请从列表中选择栏目")
    if values["tier"] == DisclosureTier.CONCERNED:
        values["recipient_ids"] = _recipients(form)
    return values


def _read_post(form: Form) -> tuple[dict[str, Any], pdf_pages.Uploads]:
    values = _fields(form)
    uploads = pdf_pages.Uploads([], "", 0, 0)
    if form.ok:
        posted = [(f.filename, f.read()) for f in request.files.getlist("files") if f.filename]
        # Converting a PDF takes a moment: end the request's transaction first so that (on
        # SQLite) no other desk waits for this one's write lock meanwhile.
        rollback()
        try:
            uploads = pdf_pages.sort_uploads(posted, form.get("body_md"))
        except DomainError as exc:
            form.fail(exc, FIELDS)
    return values, uploads


def _saved_message(prefix: str, uploads: pdf_pages.Uploads) -> str:
    parts = [prefix]
    if uploads.pdf_pages:
        parts.append(f"PDF已转换为{uploads.pdf_pages}页图片，查询机上逐页显示")
    if uploads.others:
        parts.append(f"已保存{uploads.others}个图片或附件")
    return "，".join(parts) + "。请提交保密审查，由其他工作人员审核后发布。"


def _editor(form: Form, document: DisclosureDocument | None, preview: bool = False) -> Any:
    blocks = to_blocks(form.get("body_md")) if preview else None
    return render_template(
        "disclosure/form.html",
        form=form,
        document=document,
        orgs=scope_orgs() if document is None else None,
        preview=blocks,
        own_media=media_of(document) if document else {},
        **_choices(document),
    ), (200 if form.ok else 400)


@console_bp.route("/disclosure/new", methods=["GET", "POST"])
@login_required(Action.DISCLOSURE_DRAFT)
def disclosure_new() -> ResponseReturnValue:
    defaults = {"tier": "public", "publish_on": today(), "org_id": current_user().org_id}
    form = Form(request.form if request.method == "POST" else None, defaults)
    if request.method == "GET" or request.form.get("action") == "preview":
        return _editor(form, None, preview=request.method == "POST")
    org_id = form.integer("org_id", "发布组织", required=True)
    values, uploads = _read_post(form)
    if form.ok:
        try:
            body = values.pop("body_md")
            extra = uploads.markdown
            document = disclosure.create_document(
                db(),
                actor(),
                org=get_org(db(), actor(), org_id or 0),
                body_md=f"{body.rstrip()}\n\n{extra}" if extra else body,
                files=uploads.files,
                **values,
            )
        except DomainError as exc:
            rollback()
            form.fail(exc, FIELDS)
        else:
            flash(_saved_message("草稿已保存", uploads), "success")
            return redirect(url_for("console.disclosure_detail", document_id=document.id))
    return _editor(form, None)


def _defaults(document: DisclosureDocument) -> dict[str, Any]:
    recipients = db().scalars(
        select(Member.member_no)
        .join(DisclosureRecipient, DisclosureRecipient.member_id == Member.id)
        .where(DisclosureRecipient.document_id == document.id)
        .order_by(Member.member_no)
    )
    return {
        "title": document.title,
        "summary": document.summary,
        "body_md": document.body_md,
        "tier": document.tier.value,
        "category_id": document.category_id,
        "publish_on": document.publish_on,
        "expires_on": document.expires_on,
        "recipients": " ".join(n for n in recipients if n),
    }


@console_bp.route("/disclosure/<int:document_id>/edit", methods=["GET", "POST"])
@login_required(Action.DISCLOSURE_DRAFT)
def disclosure_edit(document_id: int) -> ResponseReturnValue:
    document = disclosure.get_document(db(), actor(), document_id)
    form = Form(request.form if request.method == "POST" else None, _defaults(document))
    if request.method == "GET" or request.form.get("action") == "preview":
        return _editor(form, document, preview=request.method == "POST")
    values, uploads = _read_post(form)
    if form.ok:
        try:
            document = disclosure.get_document(db(), actor(), document_id, for_update=True)
            # The summary field comes filled in: left as it was, an automatic summary follows
            # a changed body while one that staff wrote stays.
            if values["summary"] == document.summary:
                values["summary"] = disclosure.KEEP
            disclosure.update_document(db(), actor(), document, **values)
            if uploads.files:
                extra = uploads.markdown
                body = f"{document.body_md.rstrip()}\n\n{extra}" if extra else None
                disclosure_files.add_files(db(), actor(), document, uploads.files, body_md=body)
        except DomainError as exc:
            rollback()
            form.fail(exc, FIELDS)
        else:
            flash(_saved_message("修改已保存", uploads), "success")
            return redirect(url_for("console.disclosure_detail", document_id=document.id))
    return _editor(form, disclosure.get_document(db(), actor(), document_id))


@console_bp.get("/disclosure/<int:document_id>")
@login_required(Action.READ)
def disclosure_detail(document_id: int) -> ResponseReturnValue:
    document = disclosure.get_document(db(), actor(), document_id)
    files = media_of(document)
    recipients = db().execute(
        select(Member.name, Member.member_no)
        .join(DisclosureRecipient, DisclosureRecipient.member_id == Member.id)
        .where(DisclosureRecipient.document_id == document.id)
        .order_by(Member.member_no)
    )
    history = db().scalars(
        select(AuditEntry)
        .where(
            AuditEntry.entity_type == "disclosure_document",
            AuditEntry.entity_id == str(document.id),
        )
        .order_by(AuditEntry.id)
    )
    return render_template(
        "disclosure/detail.html",
        document=document,
        blocks=to_blocks(document.body_md),
        own_media=files,
        attachments=[m for m in files.values() if m.is_attachment],
        editable=disclosure.is_editable(document),
        recipients=list(recipients),
        history=list(history),
        action_labels=ACTION_LABELS,
        tier_help=TIER_HELP[document.tier],
        may_approve=policy.allows(actor(), Action.DISCLOSURE_PUBLISH),
        own_draft=document.created_by_user_id == current_user().id,
        today=today(),
    )


@console_bp.post(
    "/disclosure/<int:document_id>/<any(submit,approve,reject,publish,withdraw,delete):action>"
)
@login_required(
    Action.DISCLOSURE_DRAFT,
    variants=dict.fromkeys(("approve", "reject", "publish", "withdraw"), Action.DISCLOSURE_PUBLISH),
)
def disclosure_action(document_id: int, action: str) -> ResponseReturnValue:
    session, who = db(), actor()
    document = disclosure.get_document(session, who, document_id, for_update=True)
    note = request.form.get("note", "")
    try:
        if action == "submit":
            disclosure_workflow.submit_review(session, who, document)
            message = "已提交保密审查，请由其他工作人员审核"
        elif action == "approve":
            disclosure_workflow.approve(session, who, document, note=note)
            message = "保密审查已通过，可以发布"
        elif action == "reject":
            disclosure_workflow.reject(session, who, document, note)
            message = f"已退回起草人修改：{note.strip()}"
        elif action == "publish":
            disclosure_workflow.publish(session, who, document)
            message = (
                "已发布，查询机将在1分钟内显示"
                if document.publish_on <= today()
                else f"已发布，将于{document.publish_on.isoformat()}起在查询机显示"
            )
        elif action == "withdraw":
            disclosure_workflow.withdraw(session, who, document, note)
            message = "已撤回，查询机将在1分钟内撤下"
        else:
            title = document.title
            disclosure.delete_draft(session, who, document)
            flash(f"草稿《{title}》已删除", "success")
            return redirect(url_for("console.disclosure"))
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
    else:
        flash(message, "success")
    return redirect(url_for("console.disclosure_detail", document_id=document_id))
