"""Member imports: every bad row reported with row, column and a Chinese reason; all or nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from sqlalchemy import func, select

from backend.models import AuditEntry, Member, Membership, MemberStatus
from backend.services import imports
from backend.services.actor import Actor
from backend.services.idnumber import compose_id_number
from backend.services.import_report import ImportRejected
from backend.services.import_rows import read_table
from backend.settings import DATA_DIR
from tests.builders import SYSTEM, Builders

HEADER = "姓名,性别,身份证号,民族,学历,出生日期,参加工作日期,入党日期,转正日期,党员类别(正式/预备),组织编码,家庭住址,联系电话,党费类别,月缴党费"  # noqa: E501


def person(n: int, **changes: str) -> dict[str, str]:
    """A valid row for a man born 1980-01-n (the ID number carries birth date and sex)."""
    row = {
        "姓名": f"导入{n}",
        "性别": "男",
        "身份证号": compose_id_number("110105", date(1980, 1, n), 11 + 2 * n),
        "民族": "汉族",
        "学历": "大学本科",
        "出生日期": "",
        "参加工作日期": "2002/7/1",
        "入党日期": "2005.07.01",
        "转正日期": "20060701",
        "党员类别": "正式",
        "组织编码": "01010101",
        "家庭住址": f"示范区人民路{n}号",
        "联系电话": f"139 1234 56{n:02d}",
        "党费类别": "在职",
        "月缴党费": "76.50",
    }
    row.update(changes)
    return row


def wrong_check_digit(number: str) -> str:
    return number[:-1] + ("1" if number[-1] != "1" else "2")


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count()).select_from(model))


def test_a_good_file_creates_members_with_cards_in_file_order(
    db, build: Builders, settings
) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.member(orgs["b1"], name="已在册")  # takes card number 00001
    lines = [HEADER] + [",".join(person(n).values()) for n in (1, 2, 3)]
    lines.append(
        "刘䶮,女,11010519491231002X,回族,研究生,1949-12-31,,1970-07-01,,预备,01020001,,,离退休,"
    )
    rows = list(read_table(io.BytesIO("\r\n".join(lines).encode("gb18030")), "csv"))
    result = imports.import_members(db, SYSTEM, rows, settings=settings)
    db.commit()
    assert (result.created, result.first_card_no, result.last_card_no) == (4, "00002", "00005")
    first = db.scalar(select(Member).where(Member.name == "导入1"))
    assert first.member_no == "0101010100002"
    assert first.phone == "13912345601"
    assert first.monthly_dues_fen == 7650
    assert first.work_start_date == date(2002, 7, 1)
    rare = db.scalar(select(Member).where(Member.name == "刘䶮"))
    assert rare.sex == "F" and rare.birth_date == date(1949, 12, 31)
    assert rare.status is MemberStatus.PROBATIONARY and rare.ethnicity == "回族"
    assert rare.monthly_dues_fen is None  # retired without an amount: awaiting assessment
    assert rare.org.code == "01020001"
    assert count(db, Membership) == 5
    actions = db.scalars(select(AuditEntry.action).where(AuditEntry.action.like("%import%"))).all()
    assert actions.count("member.import") == 4 and actions.count("import.members") == 1


def test_fixed_categories_are_assessed_when_the_amount_is_empty(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    build.district()
    rows = [person(1, 党费类别="学生", 月缴党费=""), person(2, 党费类别="农民", 月缴党费="")]
    imports.import_members(db, SYSTEM, rows, settings=settings)
    amounts = db.scalars(select(Member.monthly_dues_fen).order_by(Member.id)).all()
    assert amounts == [20, 50]  # 0.20 and 0.50 yuan (docs/dues.md)


def test_every_bad_row_is_reported_and_nothing_is_imported(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    build.district()
    rows = [
        person(1),
        person(2, 身份证号=wrong_check_digit(person(2)["身份证号"])),
        person(3, 性别="女"),  # the ID number says male
        person(4, 入党日期="2030-01-01", 学历="博士", 联系电话="12345"),
        person(5, 组织编码="01010100"),  # a 总支, not a branch
        person(6, 组织编码="01999999"),
        person(7, 党员类别="预备", 转正日期="2006-07-01"),
        person(8, 姓名="", 入党日期="2005-02-30"),
        person(1, 姓名="重复"),  # same ID number as row 2
    ]
    report = imports.preview_members(db, SYSTEM, rows)
    found = {(e.row_number, e.column): e.reason for e in report.errors}
    assert found == {
        (3, "身份证号"): "身份证号校验位不正确，请核对",
        (4, "性别"): "性别与身份证号不一致",
        (5, "学历"): "学历应为：研究生、大学本科、大学专科、中专、高中、初中、小学及以下之一",
        (5, "入党日期"): "日期不能晚于今天：2030-01-01",
        (5, "联系电话"): "手机号码格式不正确（应为11位，以1开头）",
        (6, "组织编码"): "组织编码01010100是党总支，党员只能编入党支部",
        (7, "组织编码"): "组织编码01999999不存在或不在您的管理范围内",
        (8, "转正日期"): "预备党员不应有转正日期",
        (9, "姓名"): "必填项为空",
        (9, "入党日期"): "日期不存在：2005-02-30",
        (10, "身份证号"): "与第2行的身份证号重复",
    }
    assert [r.row_number for r in report.ok_rows] == [2]
    with pytest.raises(ImportRejected) as exc:
        imports.import_members(db, SYSTEM, rows, settings=settings)
    assert (
        exc.value.message == "共9行数据，其中8行有误，未导入任何数据。请按错误报告改正后重新导入。"
    )
    assert exc.value.details[0] == {
        "row": 3,
        "column": "身份证号",
        "reason": "身份证号校验位不正确，请核对",
    }
    assert count(db, Member) == 0
    assert str(report.errors[0]) == "第3行【身份证号】：身份证号校验位不正确，请核对"


def test_members_already_registered_are_refused(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    existing = build.member(orgs["b1"], name="老党员")
    row = person(1, 身份证号=existing.id_number)
    report = imports.preview_members(db, SYSTEM, [row])
    assert [str(e) for e in report.errors] == [
        f"第2行【身份证号】：该身份证号已登记为在册党员（党员编号{existing.member_no}）"
    ]


def test_skip_bad_rows_imports_only_the_good_ones_when_asked(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    build.district()
    rows = [person(1), person(2, 组织编码="01999999"), person(3)]
    result = imports.import_members(db, SYSTEM, rows, settings=settings, allow_partial=True)
    assert (result.created, result.skipped_rows) == (2, 1)
    assert db.scalars(select(Member.name).order_by(Member.id)).all() == ["导入1", "导入3"]


def test_staff_import_only_into_their_own_subtree(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    user = build.user(orgs["b1"], "zhibu")
    actor = Actor.for_user(user)
    report = imports.preview_members(db, actor, [person(1), person(2, 组织编码="01010102")])
    assert [str(e) for e in report.errors] == [
        "第3行【组织编码】：组织编码01010102不存在或不在您的管理范围内"
    ]


def test_missing_columns_are_reported_on_the_header_row(db, build) -> None:  # type: ignore[no-untyped-def]
    build.district()
    rows = [{"姓名": "张三", "身份证号": "11010519491231002X"}]
    report = imports.preview_members(db, SYSTEM, rows)
    assert {(e.row_number, e.column, e.reason) for e in report.errors} == {
        (1, "入党日期", "缺少必填列"),
        (1, "党员类别", "缺少必填列"),
        (1, "组织编码", "缺少必填列"),
    }
    assert str(imports.preview_members(db, SYSTEM, []).errors[0]) == "第1行：文件中没有数据行"


def test_cli_writes_a_template_and_imports_a_file(app, db, build, tmp_path) -> None:  # type: ignore[no-untyped-def]
    build.district()
    db.commit()
    runner = app.test_cli_runner()
    template = tmp_path / "template.xlsx"
    result = runner.invoke(args=["import-members", "--template", str(template)])
    assert result.exit_code == 0 and template.exists()
    good = tmp_path / "good.csv"
    good.write_text("\n".join([HEADER, ",".join(person(1).values())]), encoding="utf-8-sig")
    result = runner.invoke(args=["import-members", str(good)])
    assert result.exit_code == 0, result.output
    assert "已导入 1 名党员，卡号 00001–00001。" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "\n".join([HEADER, ",".join(person(2, 组织编码="01999999").values())]), encoding="utf-8"
    )
    result = runner.invoke(args=["import-members", str(bad)])
    assert result.exit_code == 1
    assert "第2行【组织编码】：组织编码01999999不存在或不在您的管理范围内" in result.output
    assert "未导入任何数据" in result.output


def test_the_sample_files_in_data_demo_import_and_explain_their_errors(db, build, settings) -> None:  # type: ignore[no-untyped-def]
    build.district()  # the samples use 01010101, 01010102, 01020001: branches here and in the demo
    bad = imports.preview_members(
        db, SYSTEM, read_table(DATA_DIR / "demo" / "members-bad-rows.xlsx")
    )
    assert len(bad.ok_rows) == 3 and bad.bad_row_count == 8
    assert (
        "第11行【身份证号】：该号码被Excel存成了数字，末几位已丢失；请把此列设为文本格式后重新填写"
        in [str(e) for e in bad.errors]
    )
    sample = list(read_table(DATA_DIR / "demo" / "members-sample.xlsx"))
    result = imports.import_members(db, SYSTEM, sample, settings=settings)
    assert result.created == 10
    rare = db.scalar(select(Member).where(Member.name == "王𬌗"))
    assert rare.status is MemberStatus.PROBATIONARY and rare.monthly_dues_fen == 20


def test_the_template_has_the_dues_base_and_imported_members_can_be_assessed(
    db, build, settings, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    from openpyxl import load_workbook

    from backend.services import yearly_assessment
    from backend.services.import_rows import MEMBER_COLUMNS, write_template

    template = tmp_path / "members.xlsx"
    write_template(template, MEMBER_COLUMNS, "党员名册")
    header = [c.value for c in next(load_workbook(template).active.iter_rows(max_row=1))]
    assert "党费计算基数" in header
    orgs = build.district()
    db.commit()
    rows = [
        person(1, 党费计算基数="6800", 月缴党费=""),  # 在职, 3000–5000 band above: 1.5 %
        person(2, 党费类别="离退休", 党费计算基数="4000", 月缴党费=""),
        person(3, 党费计算基数="-1", 月缴党费=""),
    ]
    with pytest.raises(ImportRejected) as refused:
        imports.import_members(db, SYSTEM, rows, settings=settings)
    assert any(e.column == "党费计算基数" for e in refused.value.report.errors)
    db.rollback()
    imports.import_members(db, SYSTEM, rows[:2], settings=settings)
    db.commit()
    first, second = db.scalars(select(Member).order_by(Member.id)).all()
    assert first.dues_base_fen == 680000 and first.monthly_dues_fen == 10200
    assert second.dues_base_fen == 400000 and second.monthly_dues_fen is not None
    sheet = yearly_assessment.worksheet(db, SYSTEM, settings.dues, orgs["district"].id, 2025)
    assert not sheet.errors  # every imported member can be assessed
