"""Bad input never gives a 500 (both databases): numbers beyond 64 bits in paths, queries and
bodies; deeply nested JSON; control characters (refused with a Chinese message, nothing
stored); odd Unicode in query strings. Spreadsheet exports survive old data holding control
characters and defuse cells that a spreadsheet would run as formulas."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from backend.models import Member, Payment, Role
from backend.services.exports import Column, Sheet, to_xlsx
from tests.builders import PASSWORD, Builders

BIG = "99999999999999999999999"  # 77 bits


@pytest.fixture
def desk(client, build: Builders, db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="王芳")
    build.user(orgs["district"], "admin", Role.ADMIN)
    key = build.device()
    db.commit()
    r = client.post("/api/v1/auth/login", json={"username": "admin", "password": PASSWORD})
    return {
        "member": member,
        "api": {"Authorization": f"Bearer {r.json['token']}"},
        "device": {"X-Device-Key": key},
    }


def _console(app, client):  # type: ignore[no-untyped-def]
    app.config["WTF_CSRF_ENABLED"] = False
    r = client.post("/console/login", data={"username": "admin", "password": PASSWORD})
    assert r.status_code == 302
    return client


def test_numbers_beyond_64_bits(app, client, desk) -> None:  # type: ignore[no-untyped-def]
    member_id, api = desk["member"].id, desk["api"]
    path = client.get(f"/api/v1/members/{BIG}", headers=api)
    assert path.status_code == 404 and path.json["message"] == "请求的地址不存在"
    query = client.get(f"/api/v1/members/{member_id}/ledger?year={BIG}", headers=api)
    assert query.status_code == 400 and "超出允许范围" in query.json["message"]
    body = client.post(
        f"/api/v1/members/{member_id}/payments",
        json={"count": int(BIG)},
        headers={**api, "Idempotency-Key": "big-number-0001"},
    )
    assert body.status_code == 400 and body.json["message"] == "字段 count 数值超出允许范围"
    category = client.get(
        "/api/v1/kiosk/disclosure", query_string={"category": BIG}, headers=desk["device"]
    )
    superscript = client.get(
        "/api/v1/kiosk/disclosure", query_string={"category": "²"}, headers=desk["device"]
    )
    assert category.status_code < 500 and superscript.status_code < 500
    console = _console(app, client)
    assert console.get(f"/console/members/{BIG}").status_code == 404
    assert console.get(f"/console/members?org_id={BIG}").status_code == 200
    assert console.get("/console/members?org_id=²&page=²").status_code == 200
    assert console.get(f"/console/members?page={BIG}").status_code == 200


def test_deeply_nested_json(client, desk) -> None:  # type: ignore[no-untyped-def]
    url = "/api/v1/auth/login"
    for raw in ("[" * 100_000, '{"a":' * 5_000 + "1" + "}" * 5_000):
        r = client.post(url, data=raw, content_type="application/json")
        assert r.status_code == 400, raw[:10]
    nested: Any = "x"
    for _ in range(40):
        nested = {"k": nested}
    r = client.post(url, json={"username": nested, "password": "x"})
    assert r.status_code == 400 and r.json["message"] == "请求数据嵌套过深（最多32层）"


def test_control_characters_are_refused_and_nothing_is_stored(app, client, desk, db) -> None:  # type: ignore[no-untyped-def]
    member, api = desk["member"], desk["api"]
    member_id, id_number = member.id, member.id_number  # no lazy loads (and locks) later
    paid = client.post(
        f"/api/v1/members/{member_id}/payments",
        json={"count": 1},
        headers={**api, "Idempotency-Key": "control-chars-0001"},
    ).json
    void = client.post(
        f"/api/v1/payments/{paid['id']}/void", json={"reason": "收错\x1b[2J金额"}, headers=api
    )
    assert void.status_code == 400
    assert void.json["message"] == (
        "字段 reason 含有不可见的控制字符或无效字符（常见于从其他软件复制的内容），请删除后重新输入"
    )
    db.expire_all()
    assert db.get(Payment, paid["id"]).voided_at is None
    db.rollback()

    console = _console(app, client)
    edit = console.get(f"/console/members/{member_id}/edit")
    assert edit.status_code == 200
    refused = console.post(
        f"/console/members/{member_id}/edit",
        data={"name": "王\x00芳", "id_number": id_number, "joined_date": "2005-07-01"},
    )
    assert refused.status_code == 400
    assert "含有不可见的控制字符或无效字符" in refused.get_data(as_text=True)
    db.expire_all()
    assert db.get(Member, member_id).name == "王芳"
    db.rollback()


def test_odd_unicode_in_query_strings(app, client, desk) -> None:  # type: ignore[no-untyped-def]
    api = desk["api"]
    # A lone surrogate (CESU-8), bytes that are no UTF-8, an overlong slash, beyond U+10FFFF,
    # a non-character, a lone surrogate escaped as %u.
    odd = ["%ED%A0%80", "%FF%FE", "%C0%AF", "%F4%90%80%80", "%EF%BF%BF", "%uD800"]
    for raw in odd:
        r = client.get(f"/api/v1/members?q={raw}", headers=api)
        assert r.status_code in (200, 400), raw
    console = _console(app, client)
    for raw in odd:
        assert console.get(f"/console/members?q={raw}").status_code in (200, 400), raw


def test_exports_survive_old_control_characters_and_defuse_formulas(app, client, desk, db) -> None:  # type: ignore[no-untyped-def]
    member_id = desk["member"].id
    # Old data, stored before the input rules existed.
    db.execute(
        update(Member)
        .where(Member.id == member_id)
        .values(name="王\x07芳\x1b", phone='=HYPERLINK("x.cn")')
    )
    db.commit()
    console = _console(app, client)
    r = console.get("/console/members.xlsx")
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if "姓名" in row)
    name_at, phone_at = rows[header].index("姓名"), rows[header].index("联系电话")
    mine = next(row for row in rows[header + 1 :] if row[name_at] == "王芳")
    assert mine[phone_at] == '\'=HYPERLINK("x.cn")'
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    db.rollback()
    assert db.scalar(select(Member.name).where(Member.id == member_id)) == "王\x07芳\x1b"
    db.rollback()


def test_every_formula_start_is_defused_in_xlsx() -> None:
    cells = ["=1+2", "+1", "-1+2", "@SUM(A1)", "\t=1", "普通文字", "张-三"]
    data = to_xlsx(Sheet("测试", [Column("值")], rows=[[c] for c in cells]))
    sheet = load_workbook(io.BytesIO(data)).active
    values = [row[0].value for row in sheet.iter_rows(min_row=3) if row[0].value is not None]
    assert values == ["'=1+2", "'+1", "'-1+2", "'@SUM(A1)", "'\t=1", "普通文字", "张-三"]
