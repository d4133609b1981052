"""Imports and exports in the console over HTTP (both databases): the preview lists every bad
row with its number and reason, the confirm imports all or nothing, scope holds, and the lists
come out as xlsx."""

from __future__ import annotations

import io
import re
import time
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from backend.models import AuditEntry, Card, CardState, Member, Payment, Role
from backend.services import hall_clock, members
from backend.services.idnumber import compose_id_number
from tests.builders import SYSTEM, Builders
from tests.console.conftest import page_text

MEMBER_HEADER = ["姓名", "性别", "身份证号", "入党日期", "转正日期", "党员类别", "组织编码"]


@pytest.fixture(autouse=True)
def _import_dir(app, tmp_path: Path) -> Path:  # type: ignore[no-untyped-def]
    folder = tmp_path / "imports"
    app.config["IMPORT_DIR"] = str(folder)
    return folder


def xlsx(header: list[str], rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def person(n: int, org_code: str = "01010101", **changes: object) -> list[object]:
    values: dict[str, object] = {
        "姓名": f"导入{n}",
        "性别": "男",
        "身份证号": compose_id_number("110105", date(1985, 3, n), 11 + 2 * n),
        "入党日期": "2010-07-01",
        "转正日期": "2011-07-01",
        "党员类别": "正式",
        "组织编码": org_code,
    }
    values.update(changes)
    return [values[h] for h in MEMBER_HEADER]


def bad_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def upload(client, kind: str, data: bytes, name: str = "名单.xlsx", **fields):  # type: ignore[no-untyped-def]
    return client.post(
        "/console/imports",
        data={"kind": kind, "file": (io.BytesIO(data), name), **fields},
        content_type="multipart/form-data",
    )


def token_of(response) -> str:  # type: ignore[no-untyped-def]
    match = re.search(r"/console/imports/([A-Za-z0-9_-]+)/status", page_text(response))
    assert match, page_text(response)
    return match.group(1)


def finish(client, response) -> str:  # type: ignore[no-untyped-def]
    """Wait for the background job the page shows, then return the job page's text."""
    token = token_of(response)
    for _ in range(500):
        status = client.get(f"/console/imports/{token}/status").get_json()
        if status["state"] not in ("checking", "importing"):
            return page_text(client.get(f"/console/imports/{token}"))
        time.sleep(0.02)
    raise AssertionError("the import job did not finish")


def error_rows(page: str) -> list[tuple[str, str, str]]:
    """The (行号, 列, 原因) rows of the bad-row table."""
    table = page.split('id="import-errors"')[1].split("</table>")[0]
    return re.findall(r'<td class="num">(\d+)</td><td>([^<]*)</td><td>([^<]*)</td>', table)


def table_of(data: bytes, first_column: str) -> tuple[list[str], list[tuple]]:
    """An exported sheet: the lines above its column headers, and its data rows."""
    lines = list(load_workbook(io.BytesIO(data)).active.iter_rows(values_only=True))
    header = next(i for i, line in enumerate(lines) if line[0] == first_column)
    body = [line for line in lines[header + 1 :] if any(v is not None for v in line)]
    return [line[0] for line in lines[:header]], body


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    value = db.scalar(select(func.count()).select_from(model))
    db.commit()  # SQLite: end the read (and keep the objects loaded) before the next request
    return int(value or 0)


def _staff(build: Builders, db) -> dict:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["district"], "admin", Role.ADMIN)
    build.user(orgs["b1"], "b1clerk", Role.ORG_STAFF)
    build.user(orgs["b1"], "desk", Role.COUNTER)
    db.commit()
    return orgs


def test_bad_rows_are_listed_then_the_fixed_file_is_imported(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _staff(build, db)
    sign_in("admin")
    rows = [person(1), person(2), person(3)]
    rows[1][2] = bad_check_digit(str(rows[1][2]))
    rows[2][3] = "2010-02-30"
    page = finish(client, upload(client, "members", xlsx(MEMBER_HEADER, rows)))
    assert "共3行数据，其中2行有误，未导入任何数据" in page
    assert error_rows(page) == [
        ("3", "身份证号", "身份证号校验位不正确，请核对"),
        ("4", "入党日期", "日期不存在：2010-02-30"),
    ]
    assert "confirm-import" not in page
    assert count(db, Member) == 0

    rows = [person(1), person(2), person(3)]
    preview = finish(client, upload(client, "members", xlsx(MEMBER_HEADER, rows)))
    assert "全部3行校验通过，可以导入" in preview
    assert 'data-stat="ok">3<' in preview and "导入2" in preview  # the first rows are shown
    assert count(db, Member) == 0  # a preview writes nothing
    token = re.search(r"/console/imports/([A-Za-z0-9_-]+)/confirm", preview).group(1)
    done = finish(client, client.post(f"/console/imports/{token}/confirm"))
    assert "已导入3名党员，卡号00001至00003。" in done
    names = db.scalars(select(Member.name).order_by(Member.card_no)).all()
    assert names == ["导入1", "导入2", "导入3"]
    assert db.scalar(select(func.count()).where(AuditEntry.action == "member.import")) == 3
    db.commit()
    assert "导入1" in page_text(client.get("/console/members"))
    # The upload is gone once imported; a second confirm changes nothing.
    assert not list(Path(client.application.config["IMPORT_DIR"]).glob("*/upload.*"))
    assert client.post(f"/console/imports/{token}/confirm").status_code == 302
    assert count(db, Member) == 3


def test_confirm_checks_again_and_imports_nothing_if_a_row_went_bad(
    client, sign_in, build, db
) -> None:  # type: ignore[no-untyped-def]
    orgs = _staff(build, db)
    sign_in("admin")
    rows = [person(n) for n in (1, 2, 3)]
    preview = finish(client, upload(client, "members", xlsx(MEMBER_HEADER, rows)))
    token = re.search(r"/console/imports/([A-Za-z0-9_-]+)/confirm", preview).group(1)
    # Meanwhile someone registers the second person at the desk.
    members.create_member(
        db,
        SYSTEM,
        members.MemberData(
            name="导入2",
            id_number=str(rows[1][2]),
            joined_date=date(2010, 7, 1),
            status="full",
            full_member_date=date(2011, 7, 1),
        ),
        orgs["b2"],
    )
    db.commit()
    page = finish(client, client.post(f"/console/imports/{token}/confirm"))
    assert "共3行数据，其中1行有误，未导入任何数据" in page
    assert "该身份证号已登记为在册党员（党员编号0101010200001）" in page
    assert count(db, Member) == 1
    assert db.scalar(select(func.count()).where(AuditEntry.action == "import.members")) == 0
    db.commit()


def test_a_branch_clerk_imports_only_into_its_own_branch(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    orgs = _staff(build, db)
    sign_in("b1clerk")
    rows = [person(1), person(2, org_code="01020001"), person(3, org_code="01010102")]
    page = finish(client, upload(client, "members", xlsx(MEMBER_HEADER, rows)))
    assert "组织编码01020001不存在或不在您的管理范围内" in page
    assert "组织编码01010102不存在或不在您的管理范围内" in page
    assert count(db, Member) == 0
    # Dues of another branch: the branch is not even offered, and asking for it is refused.
    response = upload(client, "dues", b"x", "dues.csv", org_id=str(orgs["b3"].id))
    assert response.status_code == 404
    # Another user's job is not found, not even its progress.
    token = token_of(upload(client, "members", xlsx(MEMBER_HEADER, [person(1)])))
    client.post("/console/logout")
    sign_in("admin")
    assert client.get(f"/console/imports/{token}").status_code == 404
    assert client.get(f"/console/imports/{token}/status").status_code == 404
    client.post("/console/logout")
    assert client.get(f"/console/imports/{token}/status").status_code == 401
    # Window staff do not import at all.
    sign_in("desk")
    assert client.get("/console/imports").status_code == 403


def test_unusable_uploads_are_refused_with_a_reason(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    _staff(build, db)
    sign_in("admin")
    response = upload(client, "members", b"PK\x03\x04", "名单.xls")
    assert response.status_code == 400
    assert "只支持 .xlsx 和 .csv 文件" in page_text(response)
    response = upload(client, "dues", xlsx(["卡号"], [["00001"]]))
    assert response.status_code == 400
    assert "请选择要导入党费的党支部" in page_text(response)
    page = finish(client, upload(client, "members", b"not a workbook"))
    assert "无法读取该Excel文件，请确认是 .xlsx 格式" in page
    page = finish(client, upload(client, "members", xlsx(["姓名", "身份证号"], [["张三", "x"]])))
    assert "缺少必填列" in page and "入党日期" in page


def test_cards_are_bound_to_card_numbers_from_a_sheet(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    orgs = _staff(build, db)
    zhang = build.member(orgs["b1"], name="张小明")  # card number 00001
    li = build.member(orgs["b1"], name="李芳", sex="F")  # 00002
    wang = build.member(orgs["b2"], name="王建国")  # 00003
    build.card(wang, "AABBCCDD")
    db.commit()
    sign_in("b1clerk")
    header = ["卡号", "身份证号", "姓名", "卡片UID"]
    bad = [
        ["00001", None, "张小明", "04A1B2C3"],
        [2, None, "李芳", "aabbccdd"],  # Excel turned the card number into 2; UID taken
        ["00003", None, None, "0305419896"],  # another branch's member
    ]
    page = finish(client, upload(client, "cards", xlsx(header, bad)))
    assert "共3行数据，其中2行有误" in page
    assert "这张卡已登记给王*国（正常），不能再发给他人" in page
    assert "您管理范围内的在册党员中没有该卡号" in page
    assert count(db, Card) == 1
    good = [["00001", None, "张小明", "04A1B2C3"], [2, li.id_number, "李芳", "0305419896"]]
    preview = finish(client, upload(client, "cards", xlsx(header, good)))
    token = re.search(r"/console/imports/([A-Za-z0-9_-]+)/confirm", preview).group(1)
    done = finish(client, client.post(f"/console/imports/{token}/confirm"))
    assert "已为2名党员发放党员卡。" in done
    issued = db.execute(
        select(Card.member_id, Card.card_no, Card.state).where(Card.member_id != wang.id)
    ).all()
    assert sorted(issued) == sorted(
        [(zhang.id, "00001", CardState.ACTIVE), (li.id, "00002", CardState.ACTIVE)]
    )
    assert db.scalar(select(func.count()).where(AuditEntry.action == "card.issue")) == 3
    db.commit()


def test_a_branch_dues_file_becomes_payments(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    orgs = _staff(build, db)
    year = hall_clock.today().year - 1
    zhang = build.member(orgs["b1"], name="张小明", monthly_fen=7650)
    build.ledger(zhang, year)
    db.commit()
    sign_in("b1clerk")
    header = ["卡号", "年", "月", "金额", "缴费日期"]
    paid_on = f"{year}-12-20"
    rows = [["00001", year, 1, "76.50", paid_on], ["00001", year, 2, "70.00", paid_on]]
    branch = {"org_id": str(orgs["b1"].id)}
    page = finish(client, upload(client, "dues", xlsx(header, rows), **branch))
    assert "金额70.00元与该月应缴76.50元不符" in page
    rows[1][3] = "76.50"
    # The branch collected this money by bank transfer: the payments must say so.
    preview = finish(client, upload(client, "dues", xlsx(header, rows), **branch, method="bank"))
    token = re.search(r"/console/imports/([A-Za-z0-9_-]+)/confirm", preview).group(1)
    done = finish(client, client.post(f"/console/imports/{token}/confirm"))
    assert (
        f"幸福社区第一党支部：已导入2个月的党费，共1笔缴费，合计153.00元；凭条编号{year}000001至{year}000001。"
        in done
    )
    assert count(db, Payment) == 1
    assert db.scalar(select(Payment.method)) == "bank"


def test_templates_cards_list_and_error_report_download(client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    orgs = _staff(build, db)
    zhang = build.member(orgs["b1"], name="张小明")
    build.member(orgs["b3"], name="赵红", sex="F")
    build.card(zhang, "04A1B2C3")
    db.commit()
    sign_in("b1clerk")
    page = page_text(client.get("/console/imports"))
    assert "导入党员信息" in page and "导入党员卡" in page and "导入党费缴纳" in page
    # The page's export forms lead to the member roll, the card list and the monthly ledger.
    for action in ("/console/members.xlsx", "/console/cards.xlsx", "/console/finance/ledger"):
        assert f'action="{action}"' in page
    ledger = client.get(f"/console/finance/ledger?format=xlsx&org_id={orgs['b1'].id}&year=2025")
    assert table_of(ledger.data, "卡号")[0][0] == "幸福社区第一党支部2025年党费收缴台账"
    template = client.get("/console/imports/template/cards.xlsx")
    sheet = load_workbook(io.BytesIO(template.data)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["卡号", "身份证号", "姓名", "卡片UID"]

    cards = client.get(f"/console/cards.xlsx?org_id={orgs['b1'].id}")
    above, rows = table_of(cards.data, "卡号")
    assert above[0] == "幸福社区第一党支部党员卡清单"
    assert above[1].endswith("共1张（正常1张）")
    assert len(rows) == 1
    assert rows[0][:7] == (
        "00001",
        1,
        "张小明",
        zhang.id_number,
        "幸福社区第一党支部",
        "01010101",
        "正常",
    )
    assert client.get(f"/console/cards.xlsx?org_id={orgs['b3'].id}").status_code == 404
    assert db.scalar(select(func.count()).where(AuditEntry.action == "card.export")) == 1
    db.commit()

    rows_in = [person(1), person(2, 姓名="")]
    page = finish(client, upload(client, "members", xlsx(MEMBER_HEADER, rows_in)))
    token = re.search(r"/console/imports/([A-Za-z0-9_-]+)/errors.xlsx", page).group(1)
    report = client.get(f"/console/imports/{token}/errors.xlsx")
    above, lines = table_of(report.data, "行号")
    assert above[1] == "文件：名单.xlsx，共2行数据，其中1行有误"
    assert lines == [(3, "姓名", "必填项为空")]
