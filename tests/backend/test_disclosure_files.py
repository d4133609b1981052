"""Removing one image or attachment from an unpublished disclosure item: the body loses the
picture too, the earlier secrecy review is void, and the audit log names the file."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.errors import Conflict, Invalid, NotFound
from backend.models import AuditEntry, DisclosureStatus, MediaFile
from backend.services import disclosure, disclosure_files, disclosure_workflow
from backend.services.actor import Actor
from backend.services.disclosure_board import Viewer, get_visible
from backend.services.disclosure_categories import find_category
from backend.services.disclosure_text import drop_image
from backend.services.media import NewMedia
from tests.backend.test_disclosure_helpers import PNG_1PX, categories, published
from tests.builders import SYSTEM

BODY = "七一主题党日在服务大厅举行。\n\n![合影](photo.png)\n\n会后参观党史展览。"


def _filenames(db, document_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    return list(
        db.scalars(
            select(MediaFile.filename)
            .where(MediaFile.document_id == document_id)
            .order_by(MediaFile.id)
        )
    )


def test_removing_an_image_takes_it_out_of_the_body_and_voids_the_review(db, build) -> None:
    orgs = build.district()
    categories(db)
    document = disclosure.create_document(
        db,
        SYSTEM,
        org=orgs["b1"],
        category=find_category(db, "党的活动"),
        title="七一主题党日",
        body_md=BODY,
        files=[
            NewMedia("合影.png", PNG_1PX, ref="photo.png"),
            NewMedia("签到表.txt", "签到表".encode(), attachment=True),
        ],
    )
    photo_id, sheet_id = (m.id for m in db.scalars(select(MediaFile).order_by(MediaFile.id)))
    assert f"![合影](media:{photo_id})" in document.body_md
    disclosure_workflow.submit_review(db, SYSTEM, document)
    disclosure_workflow.approve(db, SYSTEM, document, reviewer="刘审查")

    removed = disclosure_files.remove_file(db, SYSTEM, document, photo_id)
    assert removed.filename == "合影.png"
    assert document.body_md == "七一主题党日在服务大厅举行。\n\n会后参观党史展览。"
    assert document.status is DisclosureStatus.DRAFT and document.reviewed_at is None
    assert _filenames(db, document.id) == ["签到表.txt"]
    row = db.scalar(select(AuditEntry).where(AuditEntry.action == "disclosure.files_remove"))
    assert row.entity_id == str(document.id)
    assert row.before["status"] == "reviewed" and row.after["status"] == "draft"
    assert row.before["files"][0]["filename"] == "合影.png"
    assert "data" not in row.before["files"][0]  # the log keeps no bytes
    assert row.after["body_md"] == document.body_md

    body = document.body_md
    disclosure_files.remove_file(db, SYSTEM, document, sheet_id)
    assert document.body_md == body and _filenames(db, document.id) == []
    disclosure_workflow.submit_review(db, SYSTEM, document)
    disclosure_workflow.approve(db, SYSTEM, document, reviewer="刘审查")
    disclosure_workflow.publish(db, SYSTEM, document)
    shown = get_visible(db, Viewer.public(), document.id, document.publish_on)
    assert [b.type for b in shown.blocks] == ["paragraph", "paragraph"]
    assert shown.attachments == []


def test_a_file_stays_when_the_item_is_published_or_the_body_would_be_empty(db, build) -> None:
    orgs = build.district()
    categories(db)
    shown = published(
        db,
        orgs["b1"],
        "已发布的公示",
        body="正文。\n\n![](a.png)",
        files=(NewMedia("a.png", PNG_1PX, ref="a.png"),),
    )
    shown_file = db.scalar(select(MediaFile.id).where(MediaFile.document_id == shown.id))
    with pytest.raises(Conflict) as live:
        disclosure_files.remove_file(db, SYSTEM, shown, shown_file)
    assert live.value.message == "“已发布”的内容不能修改，请撤回后重新发布"

    draft = disclosure.create_document(
        db,
        SYSTEM,
        org=orgs["b1"],
        category=find_category(db, "党的活动"),
        title="活动照片",
        body_md="![](p.png)",
        files=[NewMedia("活动.png", PNG_1PX, ref="p.png")],
        publish_on=date(2026, 7, 1),
    )
    with pytest.raises(NotFound) as borrowed:  # another item's file is not this item's
        disclosure_files.remove_file(db, SYSTEM, draft, shown_file)
    assert borrowed.value.message == "该内容没有这个图片或附件，可能已被删除"
    own = db.scalar(select(MediaFile.id).where(MediaFile.document_id == draft.id))
    with pytest.raises(Invalid) as empty:
        disclosure_files.remove_file(db, SYSTEM, draft, own)
    assert empty.value.message == (
        "正文只有图片活动.png，删除后正文将为空，请先在正文中写上文字再删除"
    )
    outsider = Actor.for_user(build.user(orgs["c2"], "other-committee"))
    with pytest.raises(NotFound):
        disclosure_files.remove_file(db, outsider, shown, shown_file)


def test_dropping_an_image_keeps_the_rest_of_the_text() -> None:
    assert drop_image("# 标题\n\n![图](media:3)\n\n第一段。", "media:3") == "# 标题\n\n第一段。"
    assert drop_image("文字![图](media:3)结尾。\n\n![图](media:4)", "media:3") == (
        "文字结尾。\n\n![图](media:4)"
    )
    assert drop_image("甲。\n\n![a](media:3)\n\n![b](media:3)\n\n乙。", "media:3") == "甲。\n\n乙。"
    assert drop_image("甲。\n\n\n\n![](media:33)", "media:3") == "甲。\n\n\n\n![](media:33)"
    # an image line between two paragraphs kept them apart: they stay two paragraphs
    assert drop_image("第一段\n![图](media:5)\n第二段", "media:5") == "第一段\n\n第二段"
    # a list item or quote line that was only the image goes, the list stays one list
    assert drop_image("- 项目一\n- ![图](media:5)\n- 项目二", "media:5") == "- 项目一\n- 项目二"
    assert drop_image("1. 甲\n2. ![图](media:5)\n> ![图](media:5)\n乙", "media:5") == "1. 甲\n乙"
