"""Member pages over HTTP (both databases): the filtered roll, edit, archive, cards, warnings."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from backend.models import AuditEntry, Card, CardState, DuesMonth, Role
from backend.services import hall_clock
from tests.builders import Builders
from tests.console.conftest import page_text


def _setup(build: Builders, db) -> dict:  # type: ignore[no-untyped-def]
    o = build.district()
    build.user(o["c1"], "c1staff", Role.ORG_STAFF)
    people = {
        "zhang": build.member(o["b1"], name="张小明"),
        "li": build.member(o["b2"], name="李芳", sex="F", birth=date(1999, 1, 9)),
        "zhao": build.member(o["b3"], name="赵红", sex="F"),
    }
    db.commit()
    return {"orgs": o, **people}


def test_roll_filters_and_scope(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    sign_in("c1staff")
    everyone = page_text(client.get("/console/members"))
    assert "张小明" in everyone and "李芳" in everyone and "赵红" not in everyone
    assert "共 2 条" in everyone
    women = page_text(client.get("/console/members?sex=F&age_band=le35"))
    assert "李芳" in women and "张小明" not in women
    by_org = page_text(client.get(f"/console/members?org_id={data['orgs']['b1'].id}"))
    assert "张小明" in by_org and "李芳" not in by_org
    outside = page_text(client.get(f"/console/members?org_id={data['orgs']['b3'].id}"))
    assert "赵红" not in outside and "没有符合条件的记录" in outside
    assert client.get(f"/console/members/{data['zhao'].id}").status_code == 404


def test_months_behind_shows_in_the_roll_and_on_the_warnings_page(
    client, sign_in, build, db
) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    year = hall_clock.today().year
    for y in (year - 1, year):
        for month in range(1, 13):
            db.add(
                DuesMonth(
                    member_id=data["li"].id,
                    org_id=data["li"].org_id,
                    year=y,
                    month=month,
                    due_fen=5000,
                )
            )
    db.commit()
    sign_in("c1staff")
    behind = page_text(client.get("/console/members?behind=ge6"))
    assert "李芳" in behind and "张小明" not in behind
    warnings = page_text(client.get("/console/warnings"))
    final = warnings[warnings.index('id="final"') : warnings.index('id="reminder"')]
    assert "李芳" in final and "有情提醒：党费要按时缴纳" in final
    detail = page_text(client.get(f"/console/members/{data['li'].id}"))
    assert "有情提醒：党费要按时缴纳，按党章规定逾期六个月，可作自行退党处理！" in detail


def test_edit_and_archive_a_member(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    member = data["zhang"]
    sign_in("c1staff")
    form = page_text(client.get(f"/console/members/{member.id}/edit"))
    assert 'value="张小明"' in form and 'value="50.00"' in form
    fields = {
        "name": "张晓明",
        "id_number": member.id_number,
        "joined_date": "2005年7月1日",
        "full_member_date": "2006-07-01",
        "status": "full",
        "dues_category": "employed",
        "monthly_dues": "60",
        "phone": "abc",
    }
    refused = client.post(f"/console/members/{member.id}/edit", data=fields)
    assert refused.status_code == 400
    assert "手机号码格式不正确（应为11位，以1开头）" in page_text(refused)
    fields["phone"] = "+86 139-0000-1111"
    saved = client.post(f"/console/members/{member.id}/edit", data=fields, follow_redirects=True)
    text = page_text(saved)
    assert "党员信息已保存" in text and "张晓明" in text and "13900001111" in text
    assert "60.00 元" in text
    archived = client.post(
        f"/console/members/{member.id}/archive", data={"reason": "去世"}, follow_redirects=True
    )
    assert "张晓明已移入删除党员库，原记录保留" in page_text(archived)
    assert "张晓明" not in page_text(client.get("/console/members"))
    assert "张晓明" in page_text(client.get("/console/members?archived=1"))
    db.expire_all()
    actions = db.scalars(
        select(AuditEntry.action).where(AuditEntry.entity_id == str(member.id))
    ).all()
    assert {"member.update", "member.archive"} <= set(actions)
    db.rollback()


def test_card_issue_refusals_and_replacement(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    data = _setup(build, db)
    zhang, li = data["zhang"], data["li"]
    sign_in("c1staff")
    bad = client.post(
        f"/console/members/{zhang.id}/cards/issue", data={"uid": "XYZ"}, follow_redirects=True
    )
    assert "卡片识别码格式不正确" in page_text(bad)
    client.post(f"/console/members/{zhang.id}/cards/issue", data={"uid": "04A1B2C3"})
    taken = client.post(
        f"/console/members/{li.id}/cards/issue", data={"uid": "04a1b2c3"}, follow_redirects=True
    )
    assert "这张卡已登记给张*明（正常），不能再发给他人" in page_text(taken)
    again = client.post(
        f"/console/members/{zhang.id}/cards/issue",
        data={"uid": "04D4E5F6", "replace": "revoked"},
        follow_redirects=True,
    )
    assert "已为张*明补发党员卡" in page_text(again)
    db.expire_all()
    states = db.execute(
        select(Card.issue_seq, Card.state).where(Card.member_id == zhang.id).order_by(Card.id)
    ).all()
    assert states == [(1, CardState.REVOKED), (2, CardState.ACTIVE)]
    db.rollback()


def test_the_filtered_roll_downloads_as_a_spreadsheet(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    import io

    from openpyxl import load_workbook

    data = _setup(build, db)
    sign_in("c1staff")
    response = client.get("/console/members.xlsx?sex=F")
    assert response.status_code == 200
    # The file saves under a Chinese name (RFC 5987), not "members.xlsx".
    disposition = response.headers["Content-Disposition"]
    assert "filename*=UTF-8''%E5%85%9A%E5%91%98%E5%90%8D%E5%86%8C" in disposition  # 党员名册
    assert "members.xlsx" not in disposition
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]
    li = next(row for row in rows if "李芳" in row)
    assert data["li"].id_number in li and "幸福社区第二党支部" in li and 50 in li
    assert not any("张小明" in row or "赵红" in row for row in rows)  # filter and scope kept
    exported = db.scalar(select(AuditEntry).where(AuditEntry.action == "member.export"))
    assert exported.after == {"filters": {"sex": "F"}, "rows": 1}
    db.rollback()
