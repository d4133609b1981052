"""``flask --app backend import-disclosure <folder>`` and the demo content built on it."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from backend.models import (
    DisclosureCategory,
    DisclosureDocument,
    DisclosureStatus,
    Donation,
    HonorEntry,
)
from backend.services.actor import Actor
from backend.services.demo_content import DEMO_REVIEWER, load_demo_content
from backend.services.disclosure_categories import DEFAULT_CATEGORIES
from tests.backend.test_disclosure_helpers import PNG_1PX

NOTICE = """---
title: 关于拟接收预备党员的公示
category: 发展党员公示
tier: public
date: 2026-11-10
org: 01010101
attachments: 附件/公示名单.txt
---

经支部委员会审查，拟接收以下同志为中共预备党员。

![公示现场](img/notice.png)

公示期为5个工作日。
"""
CHINESE_KEYS = """---
标题: 支部党费交纳明细
栏目: 党费收缴使用
公开范围: 本组织内公开
日期: 2026-10-12
发布单位: 01010102
---

请各位党员核对本人交纳情况。
"""


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "board"
    (folder / "img").mkdir(parents=True)
    (folder / "附件").mkdir()
    (folder / "01-notice.md").write_text(NOTICE, encoding="utf-8")
    (folder / "img" / "notice.png").write_bytes(PNG_1PX)
    (folder / "附件" / "公示名单.txt").write_text("林雨桐\n郑浩然\n", encoding="utf-8")
    (folder / "sub").mkdir()
    (folder / "sub" / "02-dues.md").write_text(CHINESE_KEYS, encoding="utf-8")
    return folder


def _count(db) -> int:  # type: ignore[no-untyped-def]
    total = db.scalar(select(func.count()).select_from(DisclosureDocument))
    db.rollback()
    return total


def test_import_publishes_files_with_images_and_runs_once(app, build, db, tmp_path) -> None:
    build.district()
    key = build.device()
    db.commit()
    folder = _folder(tmp_path)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-disclosure", str(folder), "--reviewer", "刘审查"])
    assert result.exit_code == 0, result.output
    assert "已发布  [发展党员公示] 关于拟接收预备党员的公示" in result.output
    assert "共导入2篇，跳过0篇（此前已导入）。" in result.output

    client = app.test_client()
    board = client.get("/api/v1/kiosk/disclosure", headers={"X-Device-Key": key}).json
    assert [i["title"] for i in board["items"]] == ["关于拟接收预备党员的公示"]  # the other is unit
    item = board["items"][0]
    assert item["organization"] == "幸福社区第一党支部" and item["date"] == "2026-11-10"
    assert item["summary"] == "经支部委员会审查，拟接收以下同志为中共预备党员。"
    detail = client.get(f"/api/v1/kiosk/disclosure/{item['id']}", headers={"X-Device-Key": key})
    image = [b for b in detail.json["blocks"] if b["type"] == "image"][0]
    assert client.get(image["url"], headers={"X-Device-Key": key}).data == PNG_1PX
    assert detail.json["attachments"][0]["name"] == "公示名单.txt"

    dues = db.scalar(
        select(DisclosureDocument).where(DisclosureDocument.title == "支部党费交纳明细")
    )
    assert dues.tier.label == "本组织内公开" and dues.org.code == "01010102"
    assert dues.reviewed_by == "刘审查" and dues.status is DisclosureStatus.PUBLISHED
    db.rollback()

    again = runner.invoke(args=["import-disclosure", str(folder), "--reviewer", "刘审查"])
    assert "共导入0篇，跳过2篇（此前已导入）。" in again.output
    assert _count(db) == 2


def test_a_bad_file_fails_the_whole_import(app, build, db, tmp_path) -> None:
    build.district()
    db.commit()
    folder = _folder(tmp_path)
    (folder / "img" / "notice.png").unlink()
    result = app.test_cli_runner().invoke(
        args=["import-disclosure", str(folder), "--reviewer", "刘审查"]
    )
    assert result.exit_code != 0
    assert "导入失败，未做任何更改。01-notice.md：找不到文件img/notice.png" in result.output
    assert _count(db) == 0


def test_import_checks_front_matter_and_needs_a_reviewer_to_publish(app, build, db, tmp_path):  # type: ignore[no-untyped-def]
    build.district()
    db.commit()
    runner = app.test_cli_runner()
    folder = _folder(tmp_path)
    no_reviewer = runner.invoke(args=["import-disclosure", str(folder)])
    assert no_reviewer.exit_code != 0 and "--reviewer" in no_reviewer.output
    drafts = runner.invoke(args=["import-disclosure", str(folder), "--draft"])
    assert "共导入2篇" in drafts.output and "草稿" in drafts.output
    statuses = set(db.scalars(select(DisclosureDocument.status)))
    db.rollback()
    assert statuses == {DisclosureStatus.DRAFT}

    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.md").write_text("---\ntitle: 无栏目\n---\n正文", encoding="utf-8")
    missing = runner.invoke(args=["import-disclosure", str(bad), "--reviewer", "刘审查"])
    assert "x.md：缺少栏目（category）" in missing.output
    (bad / "x.md").write_text("---\ntitle: 错栏目\ncategory: 不存在\n---\n正文", encoding="utf-8")
    unknown = runner.invoke(args=["import-disclosure", str(bad), "--reviewer", "刘审查"])
    assert "x.md：没有名为“不存在”的公开栏目" in unknown.output
    (bad / "x.md").write_text(
        "---\ntitle: 越界\ncategory: 政策文件\n---\n![x](../../etc/passwd)", encoding="utf-8"
    )
    escape = runner.invoke(args=["import-disclosure", str(bad), "--reviewer", "刘审查"])
    assert "不在导入文件夹内" in escape.output


def test_demo_content_fills_every_category_and_the_honor_roll(client, build, db) -> None:
    orgs = build.district()
    key = build.device()
    demo = Actor.system("demo-data")
    result = load_demo_content(db, demo, {o.code: o for o in orgs.values()})
    db.commit()
    assert result.documents == 18 and result.honors == 7 and result.donations == 5
    counts = client.get("/api/v1/kiosk/disclosure/categories", headers={"X-Device-Key": key}).json
    assert len(counts["categories"]) == len(DEFAULT_CATEGORIES)
    empty = [c["name"] for c in counts["categories"] if c["count"] == 0]
    assert empty == []  # every category has a public item on the board
    reviewers = set(db.scalars(select(DisclosureDocument.reviewed_by)))
    assert reviewers == {DEMO_REVIEWER}
    db.rollback()
    roll = client.get("/api/v1/kiosk/honors", headers={"X-Device-Key": key}).json
    assert {g["title"] for g in roll["people"]} == {"优秀共产党员", "优秀党务工作者"}
    assert roll["organizations"][0]["entries"][0]["name"] == "幸福社区第一党支部"
    assert roll["donors"]["anonymous_count"] == 2 and roll["donors"]["total"] == "27100.00"
    again = load_demo_content(db, demo, {o.code: o for o in orgs.values()})
    assert (again.documents, again.honors, again.donations) == (0, 0, 0)
    assert db.scalar(select(func.count()).select_from(HonorEntry)) == 7
    assert db.scalar(select(func.count()).select_from(Donation)) == 5
    assert db.scalar(select(func.count()).select_from(DisclosureCategory)) == 15


def test_demo_content_fits_a_district_numbered_differently(build, db) -> None:
    orgs = build.district()
    renamed = {f"99{o.code[2:]}": o for o in orgs.values()}
    result = load_demo_content(db, Actor.system("demo-data"), renamed)
    assert result.documents == 18
    publishers = {
        d.title: d.org.type.value
        for d in db.scalars(select(DisclosureDocument))
        if d.title in ("关于拟接收预备党员的公示", "党员服务大厅服务项目和时间")
    }
    assert publishers == {
        "关于拟接收预备党员的公示": "branch",
        "党员服务大厅服务项目和时间": "district",
    }
