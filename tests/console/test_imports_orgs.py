"""Importing organizations in the console over HTTP (both databases): a good file goes in parents
first, bad rows are each reported with their row number and a Chinese reason and nothing is
imported, and the template downloads with the columns."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from backend.models import AuditEntry, Organization, OrgType
from tests.console.test_imports import _staff, count, error_rows, finish, upload, xlsx

HEADER = ["组织编码", "组织名称", "组织类型", "上级组织编码", "书记", "批准成立日期"]


@pytest.fixture(autouse=True)
def _import_dir(app, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "imports"
    app.config["IMPORT_DIR"] = str(folder)
    return folder


def test_a_good_file_is_imported_children_after_their_parents(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _staff(build, db)
    sign_in("admin")
    rows = [
        # a branch listed before the 总支 it belongs to, itself new in this file
        ["01030101", "新村社区第一党支部", "党支部", "01030100", "钱书记", "2020-05-04"],
        ["01030000", "第三街道党工委", "党工委", "01000000", "", ""],
        ["01030100", "新村社区党总支", "党总支", "01030000", "", ""],
        ["01030001", "街道机关党支部", "党支部", "01030000", "孙书记", ""],
    ]
    preview = finish(client, upload(client, "orgs", xlsx(HEADER, rows), "组织.xlsx"))
    assert "全部4行校验通过，可以导入" in preview
    assert count(db, Organization) == 7  # the preview writes nothing
    token = re.search(r"/console/imports/([A-Za-z0-9_-]+)/confirm", preview).group(1)
    done = finish(client, client.post(f"/console/imports/{token}/confirm"))
    assert "已导入4个党组织。" in done
    found = {o.code: o for o in db.scalars(select(Organization))}
    branch = found["01030101"]
    assert branch.type is OrgType.BRANCH and branch.parent_id == found["01030100"].id
    assert branch.path == f"{found['01030100'].path}{branch.id}/"
    assert branch.secretary == "钱书记" and branch.approved_on.isoformat() == "2020-05-04"
    assert found["01030001"].parent_id == found["01030000"].id
    actions = db.scalars(select(AuditEntry.action)).all()
    assert actions.count("import.orgs") == 1
    assert db.scalar(select(func.count()).where(AuditEntry.action == "org.create")) == 7 + 4
    db.commit()


def test_bad_rows_are_listed_and_nothing_is_imported(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _staff(build, db)
    sign_in("admin")
    rows = [
        ["01040000", "第四街道党工委", "党工委", "01000000", "", ""],  # row 2: good
        ["0104010", "短编码党总支", "党总支", "01040000", "", ""],  # row 3
        ["01050100", "错上级党总支", "党总支", "01040000", "", ""],  # row 4
        ["01040102", "跳级党支部", "党支部", "01040000", "", ""],  # row 5
        ["01040000", "重复党工委", "党工委", "01000000", "", ""],  # row 6
        ["01010101", "已有党支部", "党支部", "01010100", "", ""],  # row 7
        ["01040200", "无上级党总支", "党总支", "01990000", "", ""],  # row 8
        ["01040300", "", "党小组", "01040000", "", "2999-01-01"],  # row 9
    ]
    page = finish(client, upload(client, "orgs", xlsx(HEADER, rows), "组织.xlsx"))
    assert "共8行数据，其中7行有误，未导入任何数据" in page
    assert error_rows(page) == [
        ("3", "组织编码", "组织编码应为8位数字：0104010"),
        ("4", "组织编码", "组织编码01050100应以上级组织编码0104开头"),
        ("5", "组织编码", "组织编码01040102中跳过的层级应为00"),
        ("6", "组织编码", "与第2行的组织编码重复"),
        ("7", "组织编码", "组织编码01010101已存在"),
        ("8", "上级组织编码", "上级组织编码01990000不存在或不在您的管理范围内（也不在本文件中）"),
        ("9", "组织名称", "必填项为空"),
        ("9", "组织类型", "组织类型应为：党委、党工委、党总支、党支部之一"),
        ("9", "批准成立日期", "日期不能晚于今天"),
    ]
    assert "confirm-import" not in page
    assert count(db, Organization) == 7


def test_a_csv_is_read_and_a_branch_clerk_cannot_reach_outside(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _staff(build, db)
    sign_in("b1clerk")
    text = "组织编码,组织名称,组织类型,上级组织编码\n01020002,外单位党支部,党支部,01020000\n"
    page = finish(client, upload(client, "orgs", text.encode("gb18030"), "组织.csv"))
    assert error_rows(page) == [
        ("2", "上级组织编码", "上级组织编码01020000不存在或不在您的管理范围内（也不在本文件中）")
    ]
    assert count(db, Organization) == 7


def test_the_template_has_the_columns(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _staff(build, db)
    sign_in("admin")
    r = client.get("/console/imports/template/orgs.xlsx")
    assert r.status_code == 200
    header = next(load_workbook(io.BytesIO(r.data)).active.iter_rows(values_only=True))
    assert list(header[:4]) == ["组织编码", "组织名称", "组织类型", "上级组织编码"]
    assert "导入党组织" in client.get("/console/imports").get_data(as_text=True)
