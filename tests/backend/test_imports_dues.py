"""Dues imports: a branch's spreadsheet becomes real payments with gap-free slips, or nothing."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backend.errors import DomainError
from backend.models import AuditEntry, DuesMonth, Payment, PaymentItem
from backend.services import dues_imports, ledger
from backend.services.actor import Actor
from backend.services.import_report import ImportRejected
from tests.builders import SYSTEM, Builders

YEAR = 2025
TODAY = date(2026, 3, 10)


def setup(build: Builders):  # type: ignore[no-untyped-def]
    orgs = build.district()
    a = build.member(orgs["b1"], name="甲", monthly_fen=7650)
    b = build.member(orgs["b1"], name="乙", monthly_fen=4900)
    other = build.member(orgs["b2"], name="丙")
    for m in (a, b, other):
        build.ledger(m, YEAR, paid_months={1})
    return orgs, a, b, other


def row(who, month: int, amount: str, paid_on: str = "2025-06-15", **extra):  # type: ignore[no-untyped-def]
    return {"身份证号": who.id_number, "年": str(YEAR), "月": str(month), "金额": amount,
            "缴费日期": paid_on, **extra}  # fmt: skip


def test_rows_become_payments_grouped_per_member_and_day(db, build) -> None:  # type: ignore[no-untyped-def]
    orgs, a, b, _other = setup(build)
    rows = [
        row(a, 2, "76.50"),
        row(a, 3, "76.5"),
        {"卡号": b.card_no.lstrip("0"), "年": YEAR, "月": 2, "金额": 49, "缴费日期": "2025/6/16"},
        row(a, 4, "76.50", paid_on="2025-07-01"),
    ]
    result = dues_imports.import_dues(db, SYSTEM, orgs["b1"], rows, today=TODAY)
    db.commit()
    assert (result.payments, result.months, result.amount_fen) == (3, 4, 3 * 7650 + 4900)
    assert result.slip_numbers == ["2025000001", "2025000003"]
    payments = db.scalars(select(Payment).order_by(Payment.slip_seq)).all()
    assert [(p.member_id, p.amount_fen, p.slip_no) for p in payments] == [
        (a.id, 15300, "2025000001"),
        (b.id, 4900, "2025000002"),
        (a.id, 7650, "2025000003"),
    ]
    assert [(i.month, i.amount_fen) for i in payments[0].items] == [(2, 7650), (3, 7650)]
    # The ledger says paid, by which payment; arrears shrink by exactly what was paid.
    feb = db.scalar(select(DuesMonth).where(DuesMonth.member_id == a.id, DuesMonth.month == 2))
    assert (feb.paid_fen, feb.payment_id) == (7650, payments[0].id)
    assert ledger.arrears_fen(db, a.id, TODAY) == 7650 * (12 - 4)
    paid = db.scalar(select(func.sum(DuesMonth.paid_fen)).where(DuesMonth.member_id == a.id))
    items = db.scalar(
        select(func.sum(PaymentItem.amount_fen)).join(Payment).where(Payment.member_id == a.id)
    )
    assert paid - 7650 == items  # January was paid before the import
    assert (
        db.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "payment.import")
        )
        == 3
    )


def test_bad_rows_are_reported_and_nothing_is_paid(db, build) -> None:  # type: ignore[no-untyped-def]
    orgs, a, b, other = setup(build)
    rows = [
        row(a, 2, "76.50"),
        row(a, 1, "76.50"),  # paid before
        row(a, 3, "70.00"),  # wrong amount
        row(other, 2, "50.00"),  # another branch's member
        row(a, 2, "76.50"),  # twice in the file
        row(b, 13, "49.00"),
        {"年": YEAR, "月": 5, "金额": "49.00", "缴费日期": "2025-06-01"},  # who?
        {
            "卡号": b.card_no,
            "身份证号": a.id_number,
            "年": YEAR,
            "月": 5,
            "金额": "49.00",
            "缴费日期": "2025-06-01",
        },  # fmt: skip
        row(b, 4, "49.00", paid_on="2026-04-01"),  # after "today"
        {**row(a, 6, "76.50"), "年": "2027"},
    ]
    with pytest.raises(ImportRejected) as exc:
        dues_imports.import_dues(db, SYSTEM, orgs["b1"], rows, today=TODAY)
    assert [str(e) for e in exc.value.report.errors] == [
        "第3行【月】：2025年1月党费已缴纳",
        "第4行【金额】：金额70.00元与该月应缴76.50元不符",
        "第5行【身份证号】：本支部在册党员中没有该身份证号",
        "第6行【月】：与第2行重复：同一党员同一月份",
        "第7行【月】：月应为1到12之间的整数：13",
        "第8行【身份证号】：身份证号和卡号至少填一项",
        "第9行【卡号】：卡号与身份证号不是同一名党员",
        "第10行【缴费日期】：缴费日期不能晚于今天",
        "第11行【月】：该党员没有2027年6月的党费台账（年度台账尚未建立或当时不在本支部）",
    ]
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Payment)) == 0


def test_only_the_branch_staff_of_that_branch_may_import(db, build) -> None:  # type: ignore[no-untyped-def]
    orgs, a, _b, _other = setup(build)
    actor = Actor.for_user(build.user(orgs["b2"], "zhibu2"))
    with pytest.raises(DomainError) as exc:
        dues_imports.preview_dues(db, actor, orgs["b1"], [row(a, 2, "76.50")], today=TODAY)
    assert exc.value.message == "该党支部不在您的管理范围内"
    with pytest.raises(DomainError) as exc:
        dues_imports.preview_dues(db, SYSTEM, orgs["g1"], [row(a, 2, "76.50")], today=TODAY)
    assert exc.value.message == "党费按党支部导入，请选择一个党支部"


def test_slip_numbers_continue_the_year_without_gaps(db, build) -> None:  # type: ignore[no-untyped-def]
    orgs, a, b, _other = setup(build)
    dues_imports.import_dues(db, SYSTEM, orgs["b1"], [row(a, 2, "76.50")], today=TODAY)
    with pytest.raises(ImportRejected):
        dues_imports.import_dues(db, SYSTEM, orgs["b1"], [row(a, 2, "76.50")], today=TODAY)
    result = dues_imports.import_dues(db, SYSTEM, orgs["b1"], [row(b, 2, "49.00")], today=TODAY)
    assert result.slip_numbers == ["2025000002", "2025000002"]


def test_cli_imports_a_branch_file(app, db, build, tmp_path) -> None:  # type: ignore[no-untyped-def]
    orgs, a, _b, _other = setup(build)
    db.commit()
    path = tmp_path / "dues.csv"
    path.write_text(
        "身份证号,卡号,年,月,金额,缴费日期\n"
        f"{a.id_number},,{YEAR},2,76.50,2025-06-15\n{a.id_number},,{YEAR},3,76.50,2025-06-15\n",
        encoding="gbk",
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["import-dues", str(path), "--branch", "01010101"])
    assert result.exit_code == 0, result.output
    assert "幸福社区第一党支部：已导入 2 个月的党费，共 1 笔缴费，合计 153.00 元" in result.output
    again = runner.invoke(args=["import-dues", str(path), "--branch", "01010101"])
    assert again.exit_code == 1
    assert "第2行【月】：2025年2月党费已缴纳" in again.output
    missing = runner.invoke(args=["import-dues", str(path)])
    assert missing.exit_code == 2 and "--branch" in missing.output
