"""Card files (卡号 or 身份证号, 卡片UID), checked by ``card_imports`` on both databases: every
way a row can be wrong is reported with its row and column, and a good file issues the cards."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.models import Card, CardState, Role
from backend.services import card_imports, cards
from backend.services.actor import Actor
from backend.services.import_report import ImportRejected
from tests.builders import SYSTEM, Builders


def _roll(build: Builders) -> dict:  # type: ignore[no-untyped-def]
    orgs = build.district()
    people = {
        "zhang": build.member(orgs["b1"], name="张小明"),  # 00001
        "li": build.member(orgs["b1"], name="李芳", sex="F"),  # 00002
        "wang": build.member(orgs["b1"], name="王建国"),  # 00003, already has a card
        "zhao": build.member(orgs["b3"], name="赵红", sex="F"),  # 00004, another 党委
        "chen": build.member(orgs["b1"], name="陈静", sex="F"),  # 00005
    }
    build.card(people["wang"], "11223344")
    return {"orgs": orgs, **people}


def test_every_bad_row_is_reported_with_its_column(db, build) -> None:  # type: ignore[no-untyped-def]
    data = _roll(build)
    clerk = Actor.for_user(build.user(data["orgs"]["b1"], "b1clerk", Role.ORG_STAFF))
    rows = [
        {"卡号": "00001", "姓名": "张小明", "卡片UID": "04:A1:B2:C3"},  # 2: fine
        {"卡号": "00002", "姓名": "李小芳", "卡片UID": "04A1B2C4"},  # 3: wrong name
        {"卡号": "00001", "卡片UID": "04A1B2C5"},  # 4: same member as row 2
        {"身份证号": data["li"].id_number, "卡片UID": "04a1b2c3"},  # 5: same UID as row 2
        {"卡号": "00003", "卡片UID": "55667788"},  # 6: has a card in use
        {"卡号": "00004", "卡片UID": "55667789"},  # 7: out of scope
        {"卡号": "00002", "身份证号": data["zhang"].id_number, "卡片UID": "5566778A"},  # 8
        {"卡号": "00002", "卡片UID": "XYZ"},  # 9: not a UID
        {"卡号": "二号", "卡片UID": ""},  # 10: not a number, no UID
        {"姓名": "李芳", "卡片UID": "5566778B"},  # 11: neither number
        {"卡号": "00005", "卡片UID": "11223344"},  # 12: Wang's card
    ]
    report = card_imports.preview_cards(db, clerk, rows, key=build.settings.card_uid_key)
    assert [(e.row_number, e.column, e.reason) for e in report.errors] == [
        (3, "姓名", "姓名与卡号00002的党员不一致"),
        (4, "卡号", "与第2行是同一名党员"),
        (5, "卡片UID", "与第2行的卡片UID重复"),
        (6, "卡号", "该党员已有在用的卡，请先挂失或注销旧卡"),
        (7, "卡号", "您管理范围内的在册党员中没有该卡号"),
        (8, "身份证号", "卡号与身份证号不是同一名党员"),
        (9, "卡片UID", "卡片识别码格式不正确"),
        (10, "卡号", "卡号应为数字：二号"),
        (10, "卡片UID", "必填项为空"),
        (11, "卡号", "卡号和身份证号至少填一项"),
        (12, "卡片UID", "这张卡已登记给王*国（正常），不能再发给他人"),
    ]
    assert [r.row_number for r in report.ok_rows] == [2]
    with pytest.raises(ImportRejected):
        card_imports.import_cards(db, clerk, rows, key=build.settings.card_uid_key)
    assert db.scalar(select(Card).where(Card.member_id == data["zhang"].id)) is None


def test_a_good_file_issues_every_card_and_a_tap_finds_the_member(db, build) -> None:  # type: ignore[no-untyped-def]
    data = _roll(build)
    key = build.settings.card_uid_key
    lost = cards.active_card(db, data["wang"])
    cards.set_card_state(db, SYSTEM, lost, CardState.LOST)
    rows = [
        {"卡号": 1, "卡片UID": "0305419896"},  # a wedge reader's decimal for 12345678
        {"身份证号": data["wang"].id_number, "卡片UID": "04A1B2C3D4E5F6"},  # replacement
        {"卡号": "4", "身份证号": data["zhao"].id_number, "卡片UID": "aa bb cc dd"},
    ]
    result = card_imports.import_cards(db, SYSTEM, rows, key=key)
    assert (result.issued, result.first_card_no, result.last_card_no) == (3, "00001", "00004")
    assert cards.find_card(db, "12345678", key).member_id == data["zhang"].id
    replacement = cards.find_card(db, "04A1B2C3D4E5F6", key)
    assert (replacement.member_id, replacement.issue_seq) == (data["wang"].id, 2)
    assert cards.find_card(db, "AABBCCDD", key).member_id == data["zhao"].id
