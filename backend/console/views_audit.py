"""The audit log, searchable: who did what to which record, when, before and after."""

from __future__ import annotations

from datetime import timedelta

from flask import render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy import select

from backend.console import add_menu_entry, console_bp
from backend.console.audit_fields import changes, entity_names
from backend.console.forms import Form
from backend.console.paging import paginate, sheet_rows, sorting, wants_xlsx, xlsx_download
from backend.console.web import day_filter, db, login_required, utc_start_of
from backend.models import AuditEntry
from backend.services import audit_chain
from backend.services.exports import Column
from backend.services.policy import Action

add_menu_entry("操作日志", "console.audit", section="系统管理", order=30, action=Action.AUDIT_READ)

AUDIT_LABELS = {
    "org.create": "新建组织",
    "org.update": "修改组织信息",
    "org.move": "调整组织隶属/编码",
    "org.merge": "合并党支部",
    "org.dissolve": "撤销组织",
    "member.create": "登记党员",
    "member.update": "修改党员信息",
    "member.archive": "移入删除党员库",
    "member.renumber": "党员编号随组织编码变更",
    "member.merge": "党员随支部合并转入",
    "member.export": "导出党员名册",
    "card.issue": "发卡",
    "card.lost": "挂失",
    "card.revoked": "注销卡",
    "user.create": "新建用户",
    "user.update": "修改用户",
    "user.login": "登录工作台",
    "user.login_failed": "登录失败",
    "user.locked": "密码错误次数过多，锁定",
    "user.unlock": "解除锁定",
    "user.password_reset": "重置密码",
    "user.password_change": "本人修改密码",
    "device.register": "登记查询机",
    "device.approve": "批准查询机",
    "device.revoke": "停用查询机",
    "device.config": "设置查询机配置",
    "card.export": "导出卡片清单",
    "member.transfer": "组织关系接转",
    "member.floating": "流动党员登记",
    "member.import": "批量导入党员",
    "user.staff_card": "绑定工作证",
    "payment.create": "收缴党费",
    "payment.void": "作废缴费",
    "payment.reprint": "补打凭条",
    "payment.import": "批量导入缴费",
    "dues.amount_change": "调整月缴党费",
    "dues.open_year": "建立年度台账",
    "dues.open_member_year": "为党员建立年度台账",
    "dues.yearly_assessment": "年度党费核定",
    "dues.waiver_applied": "党费减免生效",
    "dues_use.create": "登记党费使用",
    "dues_use.void": "作废党费使用记录",
    "dues_use.approve": "记录支委会决定（党费使用）",
    "waiver.submit": "提交减免申请",
    "waiver.approve": "批准减免",
    "waiver.reject": "不批准减免",
    "remittance.create": "生成汇缴批次",
    "remittance.confirm": "确认汇缴",
    "remittance.cancel": "取消汇缴批次",
    "remittance.reverse": "冲销汇缴",
    "letter.issue": "开具介绍信/证明信",
    "letter.print": "打印信函",
    "letter.return": "登记回执",
    "letter.review": "流动党员证年度审验",
    "letter.revoke": "作废信函",
    "notice.handle": "处理转入通知",
    "transfer.arrival": "登记转入党员报到",
    "transfer.archive_print": "打印存档介绍信",
    "transfer.export": "导出接转记录",
    "floating_guest.register": "登记流入党员",
    "floating_guest.leave": "流入党员离开",
    "import.members": "导入党员",
    "import.cards": "导入卡片",
    "import.dues": "导入缴费",
    "verify.rejected": "核验链接无效",
    "disclosure.create": "起草党务公开",
    "disclosure.update": "修改党务公开",
    "disclosure.files_add": "添加公开附件",
    "disclosure.files_remove": "删除公开附件",
    "disclosure.submit": "提交保密审查",
    "disclosure.approve": "保密审查通过",
    "disclosure.reject": "保密审查退回",
    "disclosure.publish": "发布党务公开",
    "disclosure.withdraw": "撤回党务公开",
    "disclosure.delete": "删除草稿",
    "disclosure.category_create": "新建公开栏目",
    "disclosure.category_update": "修改公开栏目",
    "disclosure.category_reorder": "调整公开栏目顺序",
    "disclosure.category_retire": "停用公开栏目",
    "disclosure.category_restore": "恢复公开栏目",
    "honor.create": "登记光荣榜",
    "honor.update": "修改光荣榜",
    "donation.create": "登记捐赠",
    "donation.void": "作废捐赠",
    "donation.consent": "修改捐赠公开意愿",
}
ENTITY_LABELS = {
    "member": "党员",
    "card": "党员卡",
    "organization": "组织",
    "user": "用户",
    "device": "查询机",
    "payment": "缴费",
    "letter": "信函",
    "transfer": "组织关系接转",
    "floating_guest": "流入党员",
    "disclosure": "党务公开",
    "honor": "光荣榜",
    "donation": "捐赠",
    "remittance": "汇缴批次",
    "waiver": "减免申请",
    "verification": "核验",
}
ACTION_GROUPS = [
    ("org.", "组织"),
    ("member.", "党员"),
    ("card.", "党员卡"),
    ("payment.", "党费"),
    ("transfer.", "组织关系接转"),
    ("user.", "用户"),
    ("device.", "查询机"),
    ("dues.", "党费台账"),
    ("remittance.", "汇缴"),
    ("waiver.", "减免"),
    ("letter.", "介绍信"),
    ("disclosure.", "党务公开"),
    ("honor.", "光荣榜"),
    ("donation.", "党建基金"),
    ("import.", "导入"),
]


@console_bp.app_template_global()
def audit_label(action: str) -> str:
    return AUDIT_LABELS.get(action, action)


@console_bp.app_template_global()
def entity_label(entity_type: str) -> str:
    return ENTITY_LABELS.get(entity_type, entity_type)


SORTS = {
    "at": (AuditEntry.at,),
    "actor": (AuditEntry.actor_name,),
    "action": (AuditEntry.action,),
    "entity": (AuditEntry.entity_type, AuditEntry.entity_id),
}
EXPORT_COLUMNS = [
    Column("行号", "int", 8),
    Column("时间", width=17),
    Column("操作人", width=12),
    Column("操作", width=16),
    Column("对象", width=16),
    Column("变更内容", width=60),
]


def _export_row(entry: AuditEntry) -> list[object]:
    text = "；".join(
        f"{c.label}：{c.before}→{c.after}"
        if c.before and c.after
        else f"{c.label}：{c.before or c.after}"
        for c in changes(entry.before, entry.after)
    )
    target = f"{entity_label(entry.entity_type)} {entry.entity_id or ''}".strip()
    return [
        entry.id,
        day_filter(entry.at),
        entry.actor_name,
        audit_label(entry.action),
        target,
        text,
    ]


@console_bp.get("/audit", endpoint="audit")
@login_required(Action.AUDIT_READ)
def audit_log() -> ResponseReturnValue:
    # Audit rows carry before/after images of any subtree: the policy admits district-level
    # administrators and auditors only (Action.AUDIT_READ).
    form = Form(request.args)
    stmt = select(AuditEntry)
    if form.get("who"):
        stmt = stmt.where(AuditEntry.actor_name.contains(form.get("who"), autoescape=True))
    if form.get("group") in {g for g, _label in ACTION_GROUPS}:
        stmt = stmt.where(AuditEntry.action.startswith(form.get("group"), autoescape=True))
    if form.get("entity_type"):
        stmt = stmt.where(AuditEntry.entity_type == form.get("entity_type"))
    if form.get("entity_id"):
        stmt = stmt.where(AuditEntry.entity_id == form.get("entity_id"))
    start, end = form.date("start", "起始日期"), form.date("end", "截止日期")
    if start:
        stmt = stmt.where(AuditEntry.at >= utc_start_of(start))
    if end:
        stmt = stmt.where(AuditEntry.at < utc_start_of(end + timedelta(days=1)))
    sort = sorting(SORTS, default="at", descending=True, tie=(AuditEntry.id,))
    if wants_xlsx():
        return xlsx_download(
            "操作日志", EXPORT_COLUMNS, sheet_rows(db(), sort.apply(stmt), _export_row)
        )
    page = paginate(db(), stmt, sort=sort)
    return render_template(
        "console/admin/audit.html",
        chain=audit_chain.verify(db()),
        form=form,
        page=page,
        names=entity_names(db(), page.items),
        changes=changes,
        groups=ACTION_GROUPS,
        entity_types=list(ENTITY_LABELS.items()),
    )
