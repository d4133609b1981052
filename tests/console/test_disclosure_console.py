"""Disclosure publishing in the console over HTTP (both databases): write, secrecy review by a
second person, publish to the kiosk, withdraw; PDFs turned into page images; refusals shown in
Chinese with nothing half-saved."""

from __future__ import annotations

import io

from openpyxl import load_workbook
from reportlab.pdfgen import canvas
from sqlalchemy import func, select

from backend.models import DisclosureDocument, MediaFile, Role
from backend.services import hall_clock
from backend.services.disclosure_categories import ensure_default_categories, find_category
from backend.services.media import NewMedia
from tests.backend.test_disclosure_helpers import PNG_1PX, published
from tests.builders import SYSTEM
from tests.console.conftest import page_text

FLASH_SELF_REVIEW = "不能审核自己起草的内容，请由其他工作人员进行保密审查"


def make_pdf(pages: int) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out)
    for n in range(1, pages + 1):
        pdf.setFont("Helvetica", 28)
        pdf.drawString(100, 700, f"Page {n}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def read(db, fn):  # type: ignore[no-untyped-def]
    """Read plain values, then end the transaction: an open SQLite transaction in the test
    would hold the write lock the app under test needs."""
    db.expire_all()
    try:
        return fn()
    finally:
        db.rollback()


def _document(db, title: str | None = None) -> dict:  # type: ignore[no-untyped-def]
    def fetch() -> dict:
        stmt = select(DisclosureDocument).order_by(DisclosureDocument.id.desc())
        if title is not None:
            stmt = stmt.where(DisclosureDocument.title == title)
        d = db.scalar(stmt)
        files = db.scalars(
            select(MediaFile).where(MediaFile.document_id == d.id).order_by(MediaFile.id)
        ).all()
        return {
            "id": d.id,
            "status": d.status.label,
            "title": d.title,
            "body": d.body_md,
            "reviewed_by": d.reviewed_by,
            "files": [(m.id, m.filename, m.content_type, m.is_attachment) for m in files],
        }

    return read(db, fetch)


def _setup(build, db) -> dict:  # type: ignore[no-untyped-def]
    orgs = build.district()
    ensure_default_categories(db, SYSTEM)
    build.user(orgs["c1"], "writer", Role.ORG_STAFF)
    build.user(orgs["c1"], "checker", Role.ORG_STAFF)
    build.user(orgs["b3"], "b3staff", Role.ORG_STAFF)
    build.user(orgs["c1"], "counter", Role.COUNTER)
    key = build.device()
    policy = find_category(db, "政策文件").id
    db.commit()
    return {"orgs": orgs, "c1": orgs["c1"].id, "key": key, "policy": policy}


def _form(data: dict, **changes: object) -> dict:
    form = {
        "org_id": str(data["c1"]),
        "category_id": str(data["policy"]),
        "tier": "public",
        "publish_on": hall_clock.today().isoformat(),
        "title": "关于调整党费收缴时间的通知",
        "body_md": "# 通知\n\n自下月起，党费每月5日至15日在服务大厅收缴。",
        "action": "save",
    }
    form.update({k: v for k, v in changes.items() if v is not None})
    return form


def _kiosk_titles(client, key: str) -> set[str]:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/kiosk/disclosure", headers={"X-Device-Key": key})
    assert r.status_code == 200, r.json
    return {item["title"] for item in r.json["items"]}


def _act(client, document_id: int, action: str, note: str = "") -> str:  # type: ignore[no-untyped-def]
    r = client.post(
        f"/console/disclosure/{document_id}/{action}", data={"note": note}, follow_redirects=True
    )
    assert r.status_code == 200
    return page_text(r)


def test_write_review_by_another_person_publish_and_withdraw(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    key = data["key"]
    sign_in("writer")
    form = _form(data, body_md="自下月起，党费每月5日至15日收缴。\n\n![收缴地点](hall.png)")
    form["files"] = (io.BytesIO(PNG_1PX), "hall.png")
    r = client.post("/console/disclosure/new", data=form, follow_redirects=True)
    html = page_text(r)
    assert r.status_code == 200, html
    assert "草稿已保存，已保存1个图片或附件。请提交保密审查" in html
    document = _document(db)
    assert document["status"] == "草稿"
    image_id = document["files"][0][0]
    assert f"![收缴地点](media:{image_id})" in document["body"]  # the picture stays in place
    doc_id = document["id"]
    assert "已提交保密审查，请由其他工作人员审核" in _act(client, doc_id, "submit")
    assert _kiosk_titles(client, key) == set()

    refused = _act(client, doc_id, "approve")
    assert FLASH_SELF_REVIEW in refused
    assert _document(db)["status"] == "待审核"

    sign_in("checker")
    assert "保密审查已通过，可以发布" in _act(client, doc_id, "approve", "未涉密")
    assert _kiosk_titles(client, key) == set()  # reviewed is not yet published
    assert "已发布，查询机将在1分钟内显示" in _act(client, doc_id, "publish")
    assert _kiosk_titles(client, key) == {"关于调整党费收缴时间的通知"}
    shown = client.get(f"/api/v1/kiosk/disclosure/{doc_id}", headers={"X-Device-Key": key})
    picture = next(b for b in shown.json["blocks"] if b["type"] == "image")
    assert picture["text"] == "收缴地点"
    assert client.get(picture["url"], headers={"X-Device-Key": key}).data == PNG_1PX
    detail = page_text(client.get(f"/console/disclosure/{doc_id}"))
    assert "保密审查" in detail and "checker" in detail and "未涉密" in detail

    assert "请写明撤回原因" in _act(client, doc_id, "withdraw")
    assert _kiosk_titles(client, key) == {"关于调整党费收缴时间的通知"}
    assert "已撤回，查询机将在1分钟内撤下" in _act(client, doc_id, "withdraw", "时间有变")
    assert _kiosk_titles(client, key) == set()
    gone = client.get(f"/api/v1/kiosk/disclosure/{doc_id}", headers={"X-Device-Key": key})
    assert gone.status_code == 404 and gone.json["message"] == "该公开内容不存在或已撤下"


def test_a_pdf_becomes_page_images_the_kiosk_shows(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("writer")
    form = _form(data, title="2025年党课安排")
    form["files"] = (io.BytesIO(make_pdf(3)), "党课安排.pdf")
    html = page_text(client.post("/console/disclosure/new", data=form, follow_redirects=True))
    assert "PDF已转换为3页图片，查询机上逐页显示" in html
    document = _document(db)
    pdf = [f[1] for f in document["files"] if f[3]]
    pages = [f[1:3] for f in document["files"] if not f[3]]
    assert pdf == ["党课安排.pdf"]
    assert pages == [(f"党课安排-第{n}页.png", "image/png") for n in (1, 2, 3)]
    assert "党课安排.pdf" in html and html.count("/console/disclosure/media/") >= 4
    download = client.get(f"/console/disclosure/media/{document['files'][0][0]}")
    assert download.data.startswith(b"%PDF-")
    assert "filename*=UTF-8''%E5%85%9A%E8%AF%BE" in download.headers["Content-Disposition"]

    sign_in("checker")
    for action in ("submit", "approve", "publish"):
        _act(client, document["id"], action)
    shown = client.get(
        f"/api/v1/kiosk/disclosure/{document['id']}", headers={"X-Device-Key": data["key"]}
    ).json
    captions = [b["text"] for b in shown["blocks"] if b["type"] == "image"]
    assert captions == ["《党课安排》第1/3页", "《党课安排》第2/3页", "《党课安排》第3/3页"]
    assert [a["name"] for a in shown["attachments"]] == ["党课安排.pdf"]
    first = next(b for b in shown["blocks"] if b["type"] == "image")
    png = client.get(first["url"], headers={"X-Device-Key": data["key"]}).data
    assert png.startswith(b"\x89PNG")


def _nothing_saved(db) -> bool:  # type: ignore[no-untyped-def]
    def count() -> bool:
        documents = db.scalar(select(func.count()).select_from(DisclosureDocument))
        files = db.scalar(select(func.count()).select_from(MediaFile))
        return documents == 0 and files == 0

    return read(db, count)


def test_a_broken_pdf_is_refused_in_chinese_and_nothing_is_saved(
    client, sign_in, build, db
) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("writer")
    good = make_pdf(2)
    cases = {
        "坏文件.pdf": (
            good[: len(good) // 2],
            "PDF文件坏文件.pdf已损坏或格式不正确，无法转换为图片，请重新导出后上传",
        ),
        "假的.pdf": (b"not a pdf at all", "文件假的.pdf不是PDF文件，请检查后重新选择"),
        "太长.pdf": (make_pdf(21), "PDF文件太长.pdf共21页，超过20页的上限，请拆分后分别上传"),
    }
    for name, (content, message) in cases.items():
        form = _form(data)
        form["files"] = [(io.BytesIO(PNG_1PX), "ok.png"), (io.BytesIO(content), name)]
        r = client.post("/console/disclosure/new", data=form)
        html = page_text(r)
        assert r.status_code == 400
        assert message in html, name
        assert "关于调整党费收缴时间的通知" in html  # what was typed is kept
        assert _nothing_saved(db)


def test_reject_resubmit_and_edit_a_reviewed_item(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("writer")
    client.post("/console/disclosure/new", data=_form(data))
    doc_id = _document(db)["id"]
    _act(client, doc_id, "submit")
    sign_in("counter")
    waiting = page_text(client.get(f"/console/disclosure/{doc_id}"))
    assert "等待组织工作人员进行保密审查" in waiting and 'id="approve"' not in waiting
    refused = client.post(f"/console/disclosure/{doc_id}/approve", data={"note": ""})
    assert refused.status_code == 403
    assert "您的账户没有使用此功能的权限（审核、发布和撤回党务公开内容）" in page_text(refused)
    sign_in("checker")
    assert "请写明退回原因" in _act(client, doc_id, "reject")
    returned = _act(client, doc_id, "reject", "收缴时间写错了")
    assert "已退回起草人修改：收缴时间写错了" in returned
    assert "草稿" in returned and "收缴时间写错了" in returned
    _act(client, doc_id, "submit")
    assert "保密审查已通过" in _act(client, doc_id, "approve")
    form = _form(data, title="关于调整党费收缴时间的通知（更正）")
    form["files"] = (io.BytesIO(make_pdf(1)), "附表.pdf")
    r = client.post(f"/console/disclosure/{doc_id}/edit", data=form, follow_redirects=True)
    html = page_text(r)
    assert "修改已保存，PDF已转换为1页图片" in html
    document = _document(db)
    assert document["status"] == "草稿" and document["reviewed_by"] is None
    assert document["title"].endswith("（更正）") and "《附表》第1/1页" in document["body"]
    assert "未经保密审查的内容不能发布" in _act(client, doc_id, "publish")


def test_tiers_recipients_preview_and_scope(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    member_no = build.member(data["orgs"]["b1"], name="陈晓红").member_no
    db.commit()
    sign_in("writer")
    editor = page_text(client.get("/console/disclosure/new"))
    for help_text in ("大厅查询机不刷卡即可浏览", "刷党员卡后才能看到", "只有下面填写的党员"):
        assert help_text in editor
    r = client.post("/console/disclosure/new", data=_form(data, tier="concerned"))
    assert r.status_code == 400
    assert "向特定党员公开的内容须填写党员编号或卡号" in page_text(r)
    r = client.post("/console/disclosure/new", data=_form(data, tier="concerned", recipients="99"))
    assert "找不到党员编号或卡号为99的党员" in page_text(r)
    preview = client.post("/console/disclosure/new", data=_form(data, action="preview"))
    assert "预览（查询机上的显示效果）" in page_text(preview)
    assert "<h2>通知</h2>" in page_text(preview) and _nothing_saved(db)
    form = _form(data, tier="concerned", recipients=member_no, title="谈心谈话安排")
    r = client.post("/console/disclosure/new", data=form, follow_redirects=True)
    assert f"陈晓红（{member_no}）" in page_text(r)

    published(db, data["orgs"]["b3"], "机关支部公示")
    db.commit()
    listing = page_text(client.get("/console/disclosure"))
    assert "谈心谈话安排" in listing and "机关支部公示" not in listing
    assert "草稿（1）" in listing and "已发布（0）" in listing
    sign_in("b3staff")
    listing = page_text(client.get("/console/disclosure?status=published"))
    assert "机关支部公示" in listing and "谈心谈话安排" not in listing
    other = _document(db, "谈心谈话安排")["id"]
    r = client.get(f"/console/disclosure/{other}")
    assert r.status_code == 404 and "未找到该公开内容，或不在您的管理范围内" in page_text(r)
    sign_in("writer")
    deleted = _act(client, other, "delete")
    assert "草稿《谈心谈话安排》已删除" in deleted and "没有符合条件的公开内容" in deleted


def test_deleting_a_picture_voids_the_review_and_published_files_stay(
    client, sign_in, build, db
) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("writer")
    form = _form(data, body_md="自下月起在服务大厅收缴。\n\n![收缴地点](hall.png)")
    form["files"] = (io.BytesIO(PNG_1PX), "hall.png")
    client.post("/console/disclosure/new", data=form)
    document = _document(db)
    doc_id, image_id = document["id"], document["files"][0][0]
    _act(client, doc_id, "submit")
    sign_in("checker")
    _act(client, doc_id, "approve")
    detail = page_text(client.get(f"/console/disclosure/{doc_id}"))
    assert "删除后须重新提交保密审查。" in detail
    delete_url = f"/console/disclosure/{doc_id}/files/{image_id}/delete"
    assert f'action="{delete_url}"' in detail
    html = page_text(client.post(delete_url, follow_redirects=True))
    assert "已删除图片“hall.png”，正文中显示它的位置也已一并删除。" in html
    document = _document(db)
    assert document["status"] == "草稿" and document["reviewed_by"] is None
    assert document["files"] == [] and document["body"] == "自下月起在服务大厅收缴。"
    assert "该内容没有这个图片或附件，可能已被删除" in page_text(
        client.post(delete_url, follow_redirects=True)
    )

    shown = published(
        db,
        data["orgs"]["c1"],
        "已发布的通知",
        body="正文。\n\n![](a.png)",
        files=(NewMedia("a.png", PNG_1PX, ref="a.png"),),
    ).id
    db.commit()
    kept = _document(db, "已发布的通知")["files"][0][0]
    detail = page_text(client.get(f"/console/disclosure/{shown}"))
    assert "a.png" in detail and "/delete" not in detail
    refused = client.post(f"/console/disclosure/{shown}/files/{kept}/delete", follow_redirects=True)
    assert "“已发布”的内容不能修改，请撤回后重新发布" in page_text(refused)
    assert _document(db, "已发布的通知")["files"][0][0] == kept


def test_an_untouched_automatic_summary_follows_the_edited_body(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("writer")
    client.post("/console/disclosure/new", data=_form(data))
    doc_id = _document(db)["id"]

    def edit(summary: str, body: str) -> str:
        form = _form(data, summary=summary, body_md=body)
        r = client.post(f"/console/disclosure/{doc_id}/edit", data=form, follow_redirects=True)
        return page_text(r)

    old = "自下月起，党费每月5日至15日在服务大厅收缴。"
    assert f'value="{old}"' in page_text(client.get(f"/console/disclosure/{doc_id}/edit"))
    html = edit(old, "自下月起，党费每月10日至20日收缴。")  # the filled-in summary, untouched
    assert "<th>摘要</th><td>自下月起，党费每月10日至20日收缴。</td>" in html
    edit("收缴时间调整", "自下月起，党费每月1日至10日收缴。")
    html = edit("收缴时间调整", "自下月起，党费每月2日至12日收缴。")
    assert "<th>摘要</th><td>收缴时间调整</td>" in html  # written by staff: kept


def test_the_list_pages_sorts_and_exports(app, client, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("writer")
    for title in ("乙通知", "甲通知", "丙通知"):
        r = client.post("/console/disclosure/new", data=_form(data, title=title))
        assert r.status_code == 302
    app.config["CONSOLE_PER_PAGE"] = 2
    html = page_text(client.get("/console/disclosure?sort=title&dir=asc"))
    assert "共 3 条，第 1–2 条" in html and 'data-page="last"' in html
    table = html.split('id="disclosure-table"')[1].split("</table>")[0]
    titles = [t for t in ("丙通知", "乙通知", "甲通知") if t in table]
    assert titles == sorted(["乙通知", "甲通知", "丙通知"])[:2]
    x = client.get("/console/disclosure?sort=title&dir=desc&format=xlsx")
    rows = list(load_workbook(io.BytesIO(x.data)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[2:]] == sorted(["乙通知", "甲通知", "丙通知"], reverse=True)
