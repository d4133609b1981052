"""Opening a year's ledger (建立当年党费收缴库 + 备份) and mid-year changes of the amount."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from backend.errors import Invalid
from backend.models import AuditEntry, DuesAssessment, DuesMonth, DuesMonthBackup, Member
from backend.services import dues_year, members
from backend.services.actor import Actor
from tests.builders import Builders

SYSTEM = Actor.system("test")


def months_of(db, member: Member, year: int) -> dict[int, DuesMonth]:  # type: ignore[no-untyped-def]
    found = db.scalars(
        select(DuesMonth).where(DuesMonth.member_id == member.id, DuesMonth.year == year)
    )
    return {r.month: r for r in found}


def count(db, model, *where) -> int:  # type: ignore[no-untyped-def]
    return db.scalar(select(func.count()).select_from(model).where(*where))


@pytest.fixture
def district(build: Builders):  # type: ignore[no-untyped-def]
    orgs = build.district()
    people = {
        "zhang": build.member(orgs["b1"], name="张伟", monthly_fen=7650),
        "li": build.member(orgs["b2"], name="李娜", monthly_fen=4900),
        "new": build.member(orgs["b3"], name="王芳", monthly_fen=None),  # 待核定
        "late": build.member(orgs["b3"], name="赵强", joined=date(2026, 4, 20)),
        "gone": build.member(orgs["b1"], name="钱多"),
    }
    members.archive_member(build.session, SYSTEM, people["gone"], reason="转出本区")
    return orgs, people


def test_open_year_creates_twelve_months_per_member(db, district) -> None:  # type: ignore[no-untyped-def]
    _orgs, people = district
    result = dues_year.open_year(db, SYSTEM, 2026)
    assert (result.members_opened, result.members_skipped, result.members_pending) == (4, 0, 1)
    # 3 × 12 months, and April to December for the member admitted on 20 April.
    assert result.rows_created == 36 + 9
    zhang = months_of(db, people["zhang"], 2026)
    assert sorted(zhang) == list(range(1, 13))
    assert {r.due_fen for r in zhang.values()} == {7650}
    assert all(r.paid_fen == 0 and r.payment_id is None for r in zhang.values())
    assert {r.org_id for r in zhang.values()} == {people["zhang"].org_id}
    assert {r.org_id for r in months_of(db, people["li"], 2026).values()} == {people["li"].org_id}
    assert {r.due_fen for r in months_of(db, people["new"], 2026).values()} == {None}
    assert sorted(months_of(db, people["late"], 2026)) == list(range(4, 13))
    assert months_of(db, people["gone"], 2026) == {}


def test_open_year_is_idempotent_and_keeps_a_backup(db, build, district) -> None:  # type: ignore[no-untyped-def]
    _orgs, people = district
    first = dues_year.open_year(db, SYSTEM, 2026)
    assert first.backup_label is not None and first.backup_label.startswith("2026-open-")
    assert first.backup_rows == first.rows_created == 45
    backup = db.scalars(
        select(DuesMonthBackup).where(DuesMonthBackup.backup_label == first.backup_label)
    ).all()
    ledger = db.scalars(select(DuesMonth).where(DuesMonth.year == 2026)).all()
    assert sorted((b.member_id, b.org_id, b.month, b.due_fen) for b in backup) == sorted(
        (r.member_id, r.org_id, r.month, r.due_fen) for r in ledger
    )
    again = dues_year.open_year(db, SYSTEM, 2026)
    assert (again.rows_created, again.members_opened, again.members_skipped) == (0, 0, 4)
    assert again.backup_label is None
    assert count(db, DuesMonth, DuesMonth.year == 2026) == 45
    assert count(db, DuesMonthBackup) == 45
    # A member added after the opening is opened by the next run; the others are skipped.
    late = build.member(district[0]["b2"], name="孙丽", monthly_fen=2000)
    third = dues_year.open_year(db, SYSTEM, 2026)
    assert (third.members_opened, third.members_skipped, third.rows_created) == (1, 4, 12)
    assert len(months_of(db, late, 2026)) == 12
    audits = db.scalars(select(AuditEntry).where(AuditEntry.action == "dues.open_year")).all()
    assert [a.after["rows_created"] for a in audits] == [45, 12]


def test_open_year_without_backup(db, district) -> None:  # type: ignore[no-untyped-def]
    result = dues_year.open_year(db, SYSTEM, 2026, backup=False)
    assert result.rows_created == 45 and result.backup_label is None
    assert count(db, DuesMonthBackup) == 0


def test_open_year_refuses_a_nonsense_year(db, district) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid, match="年度不正确"):
        dues_year.open_year(db, SYSTEM, 27)


def test_opening_one_member_later_in_the_year(db, district) -> None:  # type: ignore[no-untyped-def]
    _orgs, people = district
    assert dues_year.open_member_year(db, SYSTEM, people["zhang"], 2026, from_month=9) == 4
    assert sorted(months_of(db, people["zhang"], 2026)) == [9, 10, 11, 12]
    # The district-wide opening then leaves that member alone.
    assert dues_year.open_year(db, SYSTEM, 2026).members_skipped == 1


def test_mid_year_change_reprices_unpaid_months_from_that_month(db, district) -> None:  # type: ignore[no-untyped-def]
    _orgs, people = district
    zhang = people["zhang"]
    dues_year.open_year(db, SYSTEM, 2026)
    ledger = months_of(db, zhang, 2026)
    for month in (1, 2, 3, 7):  # paid, e.g. July in advance
        ledger[month].paid_fen = 7650
    db.flush()
    change = dues_year.change_monthly_amount(
        db, SYSTEM, zhang, 9000, 2026, 6, "工资调整", base_fen=600_000
    )
    assert change.months_updated == 6  # June, Aug–Dec; July is paid and keeps its amount
    db.expire_all()
    after = months_of(db, zhang, 2026)
    assert [after[m].due_fen for m in range(1, 13)] == [7650] * 5 + [9000, 7650] + [9000] * 5
    assert after[7].paid_fen == 7650
    assert (zhang.monthly_dues_fen, zhang.dues_base_fen) == (9000, 600_000)
    assessment = db.scalar(select(DuesAssessment).where(DuesAssessment.member_id == zhang.id))
    assert (assessment.monthly_fen, assessment.effective_year, assessment.effective_month) == (
        9000,
        2026,
        6,
    )
    assert assessment.reason == "工资调整" and assessment.assessed_by == "test"
    entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "dues.amount_change"))
    assert entry.entity_id == str(zhang.id)
    assert entry.before["monthly_dues_fen"] == 7650
    assert entry.after["monthly_dues_fen"] == 9000
    assert entry.after["from"] == "2026-06" and entry.after["months_updated"] == 6


def test_assessing_a_pending_member_fills_the_whole_year(db, district) -> None:  # type: ignore[no-untyped-def]
    _orgs, people = district
    dues_year.open_year(db, SYSTEM, 2026)
    change = dues_year.change_monthly_amount(
        db, SYSTEM, people["new"], 20, 2026, 1, "下岗失业党员，按规定核定", category="unemployed"
    )
    assert change.months_updated == 12
    db.expire_all()
    assert {r.due_fen for r in months_of(db, people["new"], 2026).values()} == {20}
    assert people["new"].dues_category.value == "unemployed"


@pytest.mark.parametrize(
    ("amount", "month", "reason", "message"),
    [
        (0, 1, "原因", "必须大于0"),
        (-100, 1, "原因", "必须大于0"),
        (100, 13, "原因", "起始月份不正确"),
        (100, 1, "  ", "须填写原因"),
    ],
)
def test_amount_change_validation(db, district, amount, month, reason, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Invalid, match=message):
        dues_year.change_monthly_amount(
            db, SYSTEM, district[1]["zhang"], amount, 2026, month, reason
        )


def test_cli_open_year(app, build: Builders, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.member(orgs["b1"], monthly_fen=7650)
    build.member(orgs["b2"], monthly_fen=None)
    db.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["dues", "open-year", "2026"])
    assert first.exit_code == 0, first.output
    assert "新建账党员 2 名（其中待核定金额 1 名）" in first.output
    assert "新增月度记录 24 条" in first.output
    assert "已备份 24 条记录" in first.output
    again = runner.invoke(args=["dues", "open-year", "2026"])
    assert again.exit_code == 0, again.output
    assert "已建账跳过 2 名，新增月度记录 0 条" in again.output
    bad = runner.invoke(args=["dues", "open-year", "1999"])
    assert bad.exit_code != 0 and "年度不正确" in bad.output
