"""The audit log in words: Chinese labels for the fields of before/after images, and the name of
the record each row is about (a user, a member, an organization) instead of its bare number."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import AuditEntry, Member, Organization, User
from backend.services.money import format_yuan

FIELD_LABELS = {
    "active": "启用", "address": "地址", "amount_fen": "金额（元）", "approved": "同意",
    "archived": "已删除", "archived_at": "删除时间", "archived_by": "删除人",
    "attempts": "尝试次数", "awarding_body": "授予单位", "base_fen": "计算基数（元）",
    "batch_id": "批次", "birth_date": "出生日期", "body_md": "正文", "card_id": "卡片",
    "card_no": "卡号", "category": "类别", "category_id": "栏目", "changed": "变化数",
    "citation": "事迹", "close_reason": "冲销原因", "code": "编码", "collected_fen": "收缴（元）",
    "comment": "意见", "committee_org_id": "审批党委", "confirmed_by": "确认人",
    "consent_public": "同意公开", "correction_fen": "更正（元）", "created": "新增数",
    "created_at": "创建时间", "created_by": "创建人", "cutoff": "截止日期",
    "decided_by": "审批人", "decided_on": "决定日期", "description": "说明",
    "device_id": "查询机", "directed": "定向捐赠", "dissolved_on": "撤销日期",
    "donated_on": "捐赠日期", "donor_kind": "捐赠人类型", "donor_name": "捐赠人",
    "due_fen": "应交（元）", "dues_base_fen": "党费计算基数（元）", "dues_category": "党费类别",
    "education": "学历", "end_date": "截止日期", "end_month": "截止月份", "ethnicity": "民族",
    "evidence": "依据", "expires_on": "有效期至", "failed_logins": "连续密码错误次数",
    "fax": "传真", "filename": "文件名", "floating": "流动党员", "from_month": "起始月份",
    "from_name": "转出单位", "from_org_id": "原组织", "full_member_date": "转正日期",
    "full_name": "姓名", "handled_by": "处理人", "id": "编号", "id_number": "身份证号",
    "into_code": "新编码", "into_org_id": "并入组织", "issue_seq": "补发次数",
    "issued": "开具数", "issued_by": "开具人", "issued_on": "开具日期", "joined_date": "入党日期",
    "kind": "类型", "ledger_months_moved": "转移台账月数", "letter_no": "信函编号",
    "level": "级别", "location": "位置", "locked_until": "锁定至", "member_id": "党员",
    "member_no": "党员编号", "members": "党员数", "members_renumbered": "重新编号党员数",
    "method": "方式", "month": "月份", "months": "月份", "monthly_dues_fen": "月交党费（元）",
    "monthly_fen": "月交党费（元）", "name": "名称", "new_member_no": "新党员编号",
    "number": "编号", "old_member_no": "原党员编号", "org_id": "党组织", "paid_fen": "已交（元）",
    "parent_id": "上级组织", "path": "组织路径", "payments": "缴费笔数", "person_name": "姓名",
    "phone": "联系电话", "postcode": "邮编", "prints": "打印次数", "purpose": "用途",
    "reason": "原因", "receipt_no": "收据编号", "receiving_org_id": "接收组织",
    "reduced_fen": "减交后每月（元）", "reprints": "补打次数", "retained_fen": "留存（元）",
    "reviewed_year": "审验年度", "revoke_reason": "作废原因", "revoked": "已作废",
    "role": "角色", "rows": "行数", "secretary": "书记", "sex": "性别",
    "share_bp": "上缴比例", "skipped": "跳过数", "slip_no": "凭条号",
    "start_date": "起始日期", "start_month": "起始月份", "state": "状态", "status": "党员类别",
    "title": "标题", "to_name": "转往单位", "to_org_id": "转入组织", "transfer_date": "接转日期",
    "type": "类型", "unit": "工作单位", "unit_name": "单位名称", "upward_fen": "上缴（元）",
    "used_on": "使用日期", "user_id": "用户", "username": "用户名", "valid_until": "有效期至",
    "visible": "显示", "void_reason": "作废原因", "voided": "已作废", "waived": "减免",
    "withdraw_reason": "撤回原因", "work_start_date": "参加工作日期", "year": "年度",
}  # fmt: skip

# Record types whose name is worth a look-up, and how each is named.
_NAMED: dict[str, tuple[Any, Any]] = {
    "user": (User, User.full_name + "（" + User.username + "）"),
    "member": (Member, Member.name),
    "organization": (Organization, Organization.name),
}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def field_label(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def _text(key: str, value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        if key.endswith("_fen"):
            return format_yuan(value)  # stored in fen, read in yuan
        if key.endswith("_bp"):
            return f"{Decimal(value) / 100:g}%"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    """One line per field, in the order the record names them; unchanged fields of an update
    are left out, so a reader sees what was changed."""
    before, after = before or {}, after or {}
    keys = list(dict.fromkeys([*before, *after]))
    both = bool(before) and bool(after)
    return [
        Change(field_label(k), _text(k, before.get(k)), _text(k, after.get(k)))
        for k in keys
        if not (both and before.get(k) == after.get(k))
    ]


def entity_names(session: Session, entries: Iterable[AuditEntry]) -> dict[tuple[str, str], str]:
    """(entity type, entity id) → the record's name, for the entries of one page."""
    wanted: dict[str, set[int]] = {}
    for entry in entries:
        if entry.entity_type in _NAMED and (entry.entity_id or "").isdigit():
            wanted.setdefault(entry.entity_type, set()).add(int(entry.entity_id or 0))
    names: dict[tuple[str, str], str] = {}
    for kind, ids in wanted.items():
        model, name = _NAMED[kind]
        for row_id, text in session.execute(select(model.id, name).where(model.id.in_(ids))):
            names[(kind, str(row_id))] = text or ""
    return names
