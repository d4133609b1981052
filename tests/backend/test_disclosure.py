"""Disclosure workflow: draft → submitted → reviewed (secrecy check) → published → withdrawn."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.models import AuditEntry, DisclosureRecipient, DisclosureStatus, Role
from backend.services import disclosure, disclosure_workflow
from backend.services.actor import Actor
from backend.services.disclosure_board import Viewer, get_visible
from backend.services.disclosure_categories import (
    create_category,
    ensure_default_categories,
    find_category,
)
from backend.services.disclosure_text import summarize, to_blocks
from tests.backend.test_disclosure_helpers import categories
from tests.builders import SYSTEM


def _draft(db, build, org_key: str = "b1", author: Actor = SYSTEM):  # type: ignore[no-untyped-def]
    orgs = build.district()
    categories(db)
    document = disclosure.create_document(
        db,
        author,
        org=orgs[org_key],
        category=find_category(db, "党费收缴使用"),
        title="2026年上半年党费收缴情况公示",
        body_md="# 公示\n\n上半年应交党费 **12,345.00** 元，实交 12,345.00 元。\n\n其余略。",
        tier="党内公开",
    )
    return orgs, document


def test_publishing_needs_the_secrecy_review_and_records_each_step(db, build) -> None:
    _orgs, document = _draft(db, build)
    assert document.status is DisclosureStatus.DRAFT
    assert document.summary == "上半年应交党费 12,345.00 元，实交 12,345.00 元。"
    with pytest.raises(Conflict) as refused:
        disclosure_workflow.publish(db, SYSTEM, document)
    assert refused.value.message == "未经保密审查的内容不能发布"

    disclosure_workflow.submit_review(db, SYSTEM, document)
    with pytest.raises(Conflict) as early:
        disclosure_workflow.publish(db, SYSTEM, document)
    assert early.value.message == "未经保密审查的内容不能发布"
    with pytest.raises(Invalid):
        disclosure_workflow.approve(db, SYSTEM, document)  # the CLI must name its reviewer
    disclosure_workflow.approve(db, SYSTEM, document, reviewer="刘审查", note="不涉密")
    assert document.reviewed_by == "刘审查" and document.reviewed_at is not None
    disclosure_workflow.publish(db, SYSTEM, document)
    assert document.status is DisclosureStatus.PUBLISHED and document.published_at is not None
    with pytest.raises(Invalid):
        disclosure_workflow.withdraw(db, SYSTEM, document, reason="  ")
    disclosure_workflow.withdraw(db, SYSTEM, document, reason="数据有误，更正后重发")
    with pytest.raises(Conflict) as again:
        disclosure_workflow.withdraw(db, SYSTEM, document, reason="再撤一次")
    assert again.value.message == "该内容当前为“已撤回”，不能撤回"

    actions = db.scalars(
        select(AuditEntry.action)
        .where(AuditEntry.entity_type == "disclosure_document")
        .order_by(AuditEntry.id)
    ).all()
    assert actions == [
        "disclosure.create",
        "disclosure.submit",
        "disclosure.approve",
        "disclosure.publish",
        "disclosure.withdraw",
    ]
    approve_row = db.scalar(select(AuditEntry).where(AuditEntry.action == "disclosure.approve"))
    assert approve_row.after["reviewed_by"] == "刘审查"
    assert approve_row.before == {"status": "submitted"}


def test_staff_cannot_review_their_own_draft_and_counter_cannot_publish(db, build) -> None:
    orgs = build.district()
    author = Actor.for_user(build.user(orgs["c1"], "writer"))
    reviewer = Actor.for_user(build.user(orgs["c1"], "checker"))
    counter = Actor.for_user(build.user(orgs["c1"], "desk", Role.COUNTER))
    categories(db)
    document = disclosure.create_document(
        db,
        author,
        org=orgs["b1"],
        category=find_category(db, "policy"),
        title="政策解读",
        body_md="正文",
    )
    disclosure_workflow.submit_review(db, author, document)
    with pytest.raises(Forbidden) as own:
        disclosure_workflow.approve(db, author, document)
    assert "不能审核自己起草的内容" in own.value.message
    with pytest.raises(Forbidden):
        disclosure_workflow.approve(db, counter, document)
    disclosure_workflow.approve(db, reviewer, document)
    assert document.reviewed_by == "checker"
    with pytest.raises(Forbidden):
        disclosure_workflow.publish(db, counter, document)
    disclosure_workflow.publish(db, reviewer, document)
    assert document.published_by == "checker"


def test_staff_outside_the_subtree_cannot_see_or_write(db, build) -> None:
    orgs, document = _draft(db, build)
    outsider = Actor.for_user(build.user(orgs["c2"], "other-committee"))
    with pytest.raises(Exception) as hidden:
        disclosure.get_document(db, outsider, document.id)
    assert hidden.value.message == "未找到该公开内容，或不在您的管理范围内"  # type: ignore[attr-defined]
    with pytest.raises(Exception) as refused:
        disclosure.create_document(
            db,
            outsider,
            org=orgs["b1"],
            category=find_category(db, "policy"),
            title="越权",
            body_md="正文",
        )
    assert refused.value.code == "org_not_found"  # type: ignore[attr-defined]
    with pytest.raises(NotFound):  # holding the object is not enough either
        disclosure_workflow.submit_review(db, outsider, document)
    insider = Actor.for_user(build.user(orgs["g1"], "general-branch"))
    assert disclosure.get_document(db, insider, document.id).id == document.id


def test_editing_a_reviewed_item_voids_the_review(db, build) -> None:
    _orgs, document = _draft(db, build)
    disclosure_workflow.submit_review(db, SYSTEM, document)
    disclosure_workflow.approve(db, SYSTEM, document, reviewer="刘审查")
    disclosure.update_document(db, SYSTEM, document, body_md="改过的正文，新的数字。")
    assert document.status is DisclosureStatus.DRAFT
    assert document.reviewed_by is None and document.reviewed_at is None
    assert document.summary == "改过的正文，新的数字。"
    with pytest.raises(Conflict):
        disclosure_workflow.publish(db, SYSTEM, document)


def _last_update(db) -> AuditEntry:  # type: ignore[no-untyped-def]
    return db.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "disclosure.update")
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )


def test_the_expiry_date_and_summary_can_be_emptied_and_are_kept_otherwise(db, build) -> None:
    orgs = build.district()
    categories(db)
    document = disclosure.create_document(
        db,
        SYSTEM,
        org=orgs["b1"],
        category=find_category(db, "发展党员公示"),
        title="发展对象公示",
        body_md="拟发展王小红为发展对象。\n\n公示期间欢迎来电来访。",
        publish_on=date(2026, 5, 1),
        expires_on=date(2026, 5, 7),
        summary="公示期七天",
    )
    disclosure.update_document(db, SYSTEM, document, title="发展对象公示（更正）")
    assert document.expires_on == date(2026, 5, 7) and document.summary == "公示期七天"
    disclosure.update_document(db, SYSTEM, document, body_md="拟发展王小红、李明为发展对象。")
    assert document.summary == "公示期七天"  # written by staff: a new body keeps it

    disclosure.update_document(db, SYSTEM, document, expires_on=None, summary=None)
    assert document.expires_on is None
    assert document.summary == "拟发展王小红、李明为发展对象。"  # emptied: taken from the body
    row = _last_update(db)
    assert row.before["expires_on"] == "2026-05-07" and row.after["expires_on"] is None
    disclosure.update_document(db, SYSTEM, document, body_md="拟发展李明为发展对象。")
    assert document.summary == "拟发展李明为发展对象。"  # an automatic summary follows the body

    disclosure_workflow.submit_review(db, SYSTEM, document)
    disclosure_workflow.approve(db, SYSTEM, document, reviewer="刘审查")
    disclosure_workflow.publish(db, SYSTEM, document)
    shown = get_visible(db, Viewer.public(), document.id, date(2027, 5, 8))
    assert shown.document.title == "发展对象公示（更正）"  # no expiry: still on the board


def test_recipients_go_with_the_concerned_tier(db, build) -> None:
    orgs = build.district()
    categories(db)
    member = build.member(orgs["b1"], name="陈晓红")
    document = disclosure.create_document(
        db,
        SYSTEM,
        org=orgs["b1"],
        category=find_category(db, "policy"),
        title="谈心谈话安排",
        body_md="请于周五下午到党员服务大厅谈心谈话。",
        tier="concerned",
        recipient_ids=[member.id],
    )
    db.commit()

    def recipients() -> list[int]:
        return list(db.scalars(select(DisclosureRecipient.member_id)))

    with pytest.raises(Invalid) as nobody:
        disclosure.update_document(db, SYSTEM, document, recipient_ids=[])
    assert nobody.value.message == "向特定党员公开的内容须指定党员"
    db.rollback()  # as the console does: the refused edit leaves nothing behind
    assert recipients() == [member.id]
    disclosure.update_document(db, SYSTEM, document, title="谈心谈话安排（改期）")
    assert recipients() == [member.id]  # not named: kept

    disclosure.update_document(db, SYSTEM, document, tier="party")
    assert recipients() == []  # another tier: nobody in particular
    row = _last_update(db)
    assert row.before["recipients"] == [member.id] and row.after["recipients"] == []
    with pytest.raises(Invalid) as back:
        disclosure.update_document(db, SYSTEM, document, tier="concerned")
    assert back.value.message == "向特定党员公开的内容须指定党员"


def test_dates_and_concerned_tier_are_checked(db, build) -> None:
    orgs = build.district()
    categories(db)
    category = find_category(db, "发展党员公示")
    with pytest.raises(Invalid) as dates:
        disclosure.create_document(
            db,
            SYSTEM,
            org=orgs["b1"],
            category=category,
            title="公示",
            body_md="正文",
            publish_on=date(2026, 5, 1),
            expires_on=date(2026, 4, 1),
        )
    assert dates.value.message == "截止日期不能早于发布日期"
    with pytest.raises(Invalid) as nobody:
        disclosure.create_document(
            db,
            SYSTEM,
            org=orgs["b1"],
            category=category,
            title="谈话",
            body_md="x",
            tier="concerned",
        )
    assert nobody.value.message == "向特定党员公开的内容须指定党员"


def test_only_never_published_drafts_can_be_deleted(db, build) -> None:
    _orgs, document = _draft(db, build)
    document_id = document.id
    disclosure.delete_draft(db, SYSTEM, document)
    row = db.scalar(select(AuditEntry).where(AuditEntry.action == "disclosure.delete"))
    assert row.entity_id == str(document_id)
    assert row.before["title"] == "2026年上半年党费收缴情况公示"


def test_categories_are_configurable(db, build) -> None:
    build.district()
    names = [c.name for c in ensure_default_categories(db, SYSTEM)]
    assert names[:6] == [
        "政策文件",
        "办理程序和流程",
        "组织领导",
        "党的活动",
        "党课安排",
        "党史资料",
    ]
    assert "党费收缴使用" in names and len(names) == 15
    assert len(ensure_default_categories(db, SYSTEM)) == 15  # idempotent
    create_category(db, SYSTEM, code="rural", name="乡村振兴", sort_order=3)
    with pytest.raises(Conflict):
        create_category(db, SYSTEM, code="rural2", name="乡村振兴")
    staff = Actor("user", 1, "staff", Role.ORG_STAFF, 1, "/1/")
    with pytest.raises(Forbidden):
        create_category(db, staff, code="x", name="未授权栏目")


def test_markdown_becomes_headings_paragraphs_and_images() -> None:
    blocks = to_blocks(
        "# 一、基本情况\n\n本支部现有党员 **23** 名，\n其中预备党员2名。\n\n"
        "- 第一项\n- 第二项 [详见](http://x)\n\n"
        "![支部活动照片](media:7)\n\n"
        "| 月份 | 金额 |\n|---|---|\n| 1月 | 100.00 |\n\n"
        "外链图片不显示：![外链](http://example.com/a.png)结尾。\n\n---\n#### 小标题"
    )
    assert [(b.type, b.text, b.level, b.media_id) for b in blocks] == [
        ("heading", "一、基本情况", 1, None),
        ("paragraph", "本支部现有党员 23 名，其中预备党员2名。", None, None),
        ("paragraph", "• 第一项", None, None),
        ("paragraph", "• 第二项 详见", None, None),
        ("image", "支部活动照片", None, 7),
        ("paragraph", "月份　金额", None, None),
        ("paragraph", "1月　100.00", None, None),
        ("paragraph", "外链图片不显示：", None, None),
        ("paragraph", "结尾。", None, None),
        ("heading", "小标题", 3, None),
    ]
    assert (
        summarize("| 时间 | 主题 |\n|---|---|\n| 10月 | 党章 |\n\n请按时参加。") == "请按时参加。"
    )
    assert summarize("- 只有列表") == "• 只有列表"
    assert summarize("很" * 100) == "很" * 79 + "…"
