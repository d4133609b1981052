"""公开栏目 in the console over HTTP (both databases): on a fresh install the administrator adds
the categories, so 起草公开内容 and the 收缴使用公示 draft work; rename, order, retire and
restore show on the kiosk; every change is audited; other roles see the list read-only."""

from __future__ import annotations

from sqlalchemy import func, select

from backend.models import AuditEntry, DisclosureCategory, DisclosureDocument, Role
from backend.services.disclosure_categories import DEFAULT_CATEGORIES, find_category
from backend.services.dues_year import hall_today
from backend.settings import DuesSettings
from tests.backend.test_disclosure_helpers import published
from tests.console.conftest import page_text
from tests.console.test_disclosure_console import read

URL = "/console/disclosure/categories"


def _setup(build, db) -> dict:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    build.user(orgs["c1"], "writer", Role.ORG_STAFF)
    build.user(orgs["b3"], "b3staff", Role.ORG_STAFF)
    build.user(orgs["c1"], "counter", Role.COUNTER)
    key = build.device()
    db.commit()
    return {"orgs": orgs, "key": key}


def _kiosk_categories(client, key: str) -> list[str]:  # type: ignore[no-untyped-def]
    r = client.get("/api/v1/kiosk/disclosure/categories", headers={"X-Device-Key": key})
    assert r.status_code == 200, r.json
    return [c["name"] for c in r.json["categories"]]


def _category_id(db, name: str) -> int:  # type: ignore[no-untyped-def]
    return read(
        db, lambda: db.scalar(select(DisclosureCategory.id).where(DisclosureCategory.name == name))
    )


def _audit(db) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    rows = read(
        db,
        lambda: db.execute(
            select(AuditEntry.action, AuditEntry.actor_name)
            .where(AuditEntry.action.like("disclosure.category%"))
            .order_by(AuditEntry.id)
        ).all(),
    )
    return [tuple(r) for r in rows]


def test_a_fresh_install_gets_categories_so_the_dues_publication_draft_works(  # type: ignore[no-untyped-def]
    client, sign_in, build, db
) -> None:
    data = _setup(build, db)
    c1 = data["orgs"]["c1"].id
    year = hall_today(DuesSettings()).year
    publication = f"/console/finance/publication?org_id={c1}&year={year}"
    sign_in("writer")
    editor = page_text(client.get("/console/disclosure/new"))
    assert "还没有可用的公开栏目，请系统管理员先在“公开栏目”页添加栏目" in editor
    refused = page_text(
        client.post(publication, data={"action": "draft", "org_id": c1, "year": year})
    )
    assert "没有名为“党费收缴使用”的公开栏目（系统管理员可在管理台“公开栏目”页添加）" in refused
    client.post("/console/logout")

    sign_in("admin")
    page = page_text(client.get(URL))
    assert "还没有公开栏目" in page and "添加这些常用栏目" in page
    r = client.post(f"{URL}/defaults", follow_redirects=True)
    assert f"已添加{len(DEFAULT_CATEGORIES)}个常用栏目" in page_text(r)
    assert _kiosk_categories(client, data["key"]) == [name for _c, name in DEFAULT_CATEGORIES]
    client.post("/console/logout")

    sign_in("writer")
    r = client.post(publication, data={"action": "draft", "org_id": c1, "year": year})
    assert r.status_code == 302
    draft = read(db, lambda: db.scalar(select(DisclosureDocument)))
    assert draft.category.name == "党费收缴使用" and draft.title.endswith("收缴使用情况公示")


def test_create_rename_order_retire_and_restore(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("admin")
    client.post(f"{URL}/defaults")
    # A new category goes last, with a made-up code; typing errors come back in Chinese.
    r = client.post(URL, data={"name": "主题教育", "description": "专题学习安排"})
    assert r.status_code == 302
    assert _kiosk_categories(client, data["key"])[-1] == "主题教育"
    taken = client.post(URL, data={"name": "主题教育"})
    assert taken.status_code == 400 and "栏目“主题教育”或代码" in page_text(taken)
    bad_code = client.post(URL, data={"name": "廉政教育", "code": "廉政"})
    assert bad_code.status_code == 400 and "须以小写字母开头" in page_text(bad_code)
    assert 'value="廉政教育"' in page_text(bad_code)  # what was typed stays
    empty = client.post(URL, data={"name": ""})
    assert empty.status_code == 400 and "请填写栏目名称" in page_text(empty)
    count = read(db, lambda: db.scalar(select(func.count()).select_from(DisclosureCategory)))
    assert count == len(DEFAULT_CATEGORIES) + 1

    theme = _category_id(db, "主题教育")
    r = client.post(
        f"{URL}/{theme}/rename",
        data={"name": "主题教育专栏", "description": ""},
        follow_redirects=True,
    )
    assert "栏目“主题教育”已改名为“主题教育专栏”" in page_text(r)
    clash = client.post(f"{URL}/{theme}/rename", data={"name": "政策文件"})
    assert clash.status_code == 400 and "栏目“政策文件”已存在" in page_text(clash)
    client.post(f"{URL}/{theme}/up")
    assert _kiosk_categories(client, data["key"])[-2:] == ["主题教育专栏", "服务党员群众"]
    first = _category_id(db, "政策文件")
    client.post(f"{URL}/{first}/down")
    assert _kiosk_categories(client, data["key"])[:2] == ["办理程序和流程", "政策文件"]

    # Retire: off the kiosk's list and out of the editor, but its published item stays readable.
    item = published(db, data["orgs"]["c1"], "政策汇编").id
    db.commit()
    r = client.post(f"{URL}/{first}/retire", follow_redirects=True)
    assert "栏目“政策文件”已停用：已发布的内容仍可在查询机上查看" in page_text(r)
    assert "政策文件" not in _kiosk_categories(client, data["key"])
    headers = {"X-Device-Key": data["key"]}
    everything = client.get("/api/v1/kiosk/disclosure", headers=headers).json
    assert [i["title"] for i in everything["items"]] == ["政策汇编"]
    shown = client.get(f"/api/v1/kiosk/disclosure/{item}", headers=headers)
    assert shown.status_code == 200 and shown.json["category"] == "政策文件"
    editor = page_text(client.get("/console/disclosure/new"))
    offered = editor.split('id="f-category_id"')[1].split("</select>")[0]
    assert "政策文件" not in offered and "办理程序和流程" in offered
    drafted = client.post(
        "/console/disclosure/new",
        data={
            "org_id": str(data["orgs"]["c1"].id),
            "category_id": str(first),
            "tier": "public",
            "publish_on": hall_today(DuesSettings()).isoformat(),
            "title": "新政策",
            "body_md": "正文",
            "action": "save",
        },
    )
    assert drafted.status_code == 400 and "栏目“政策文件”已停用" in page_text(drafted)
    r = client.post(f"{URL}/{first}/restore", follow_redirects=True)
    assert "栏目“政策文件”已恢复使用" in page_text(r)
    assert "政策文件" in _kiosk_categories(client, data["key"])

    actions = _audit(db)
    assert actions[len(DEFAULT_CATEGORIES) :] == [
        ("disclosure.category_create", "admin"),
        ("disclosure.category_update", "admin"),
        ("disclosure.category_reorder", "admin"),
        ("disclosure.category_reorder", "admin"),
        ("disclosure.category_retire", "admin"),
        ("disclosure.category_restore", "admin"),
    ]


def test_only_the_administrator_changes_categories(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("admin")
    client.post(f"{URL}/defaults")
    client.post("/console/logout")
    policy = read(db, lambda: find_category(db, "政策文件").id)
    published(db, data["orgs"]["c1"], "党委的政策汇编")
    db.commit()
    for who in ("writer", "b3staff", "counter"):
        sign_in(who)
        page = page_text(client.get(URL))
        assert "政策文件" in page and 'id="new-category"' not in page
        assert "data-confirm" not in page and "rename" not in page
        assert "栏目由区级系统管理员统一设置" in page
        for url, form in (
            (URL, {"name": "越权栏目"}),
            (f"{URL}/{policy}/retire", {}),
            (f"{URL}/{policy}/rename", {"name": "改名"}),
            (f"{URL}/defaults", {}),
        ):
            r = client.post(url, data=form)
            assert r.status_code == 403 and "没有使用此功能的权限" in page_text(r), (who, url)
        menu = page_text(client.get("/console/"))
        assert "公开栏目" not in menu
        # Counts are of the user's own subtree: the branch of another 党委 sees none.
        row = page.split('data-category="policy"')[1].split("</tr>")[0]
        expected = "0" if who == "b3staff" else "1"
        assert f'<td class="num">{expected}</td>' in row, (who, row)
        client.post("/console/logout")
    assert read(db, lambda: find_category(db, "政策文件").active)
    assert _audit(db) == [("disclosure.category_create", "admin")] * len(DEFAULT_CATEGORIES)
