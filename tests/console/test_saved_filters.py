"""Filter links on the member roll (both databases): the filters live in the URL, so a link
reopens the same list; a user saves one under a name, sees only their own, and deletes it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from backend.models import Role, SavedFilter
from tests.console.conftest import page_text


def test_a_saved_filter_reopens_the_same_list_for_its_owner_only(app, build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    o = build.district()
    build.user(o["c1"], "c1staff", Role.ORG_STAFF)
    build.user(o["c1"], "other", Role.ORG_STAFF)
    build.member(o["b1"], name="张小明")
    build.member(o["b2"], name="李芳", sex="F", birth=date(1999, 1, 9))
    db.commit()
    client = sign_in("c1staff")
    shared = client.get("/console/members?sex=F&page=1")  # a link someone sent
    assert "李芳" in page_text(shared) and "张小明" not in page_text(shared)
    r = client.post(
        "/console/saved-filters",
        data={"page": "console.members", "query": "sex=F&page=3&q=", "name": "女党员"},
    )
    assert r.status_code == 302 and r.headers["Location"].endswith("/console/members?sex=F")
    html = page_text(client.get("/console/members"))
    assert "已保存筛选“女党员”" in html
    assert 'href="/console/members?sex=F">女党员</a>' in html
    # the same name again replaces the link
    client.post(
        "/console/saved-filters",
        data={"page": "console.members", "query": "sex=M", "name": "女党员"},
    )
    html = page_text(client.get("/console/members"))
    assert 'href="/console/members?sex=M">女党员</a>' in html and 'sex=F">' not in html
    # a page not in the list, a missing name: refused with a message
    bad = client.post(
        "/console/saved-filters",
        data={"page": "console.admin_users", "query": "x=1", "name": "x"},
        follow_redirects=True,
    )
    assert "该页面不能保存筛选" in page_text(bad)
    nameless = client.post(
        "/console/saved-filters",
        data={"page": "console.members", "query": "sex=F", "name": " "},
        follow_redirects=True,
    )
    assert "请为筛选起一个名称" in page_text(nameless)

    filter_id = db.scalar(select(SavedFilter.id))
    db.rollback()  # let go of SQLite's lock before the next request

    client.post("/console/logout")
    other = sign_in("other")
    assert "女党员" not in page_text(other.get("/console/members"))
    refused = other.post(f"/console/saved-filters/{filter_id}/delete", follow_redirects=True)
    assert "未找到该筛选" in page_text(refused)
    other.post("/console/logout")
    owner = sign_in("c1staff")
    owner.post(f"/console/saved-filters/{filter_id}/delete")
    html = page_text(owner.get("/console/members"))
    assert "已删除筛选“女党员”" in html and ">女党员</a>" not in html
