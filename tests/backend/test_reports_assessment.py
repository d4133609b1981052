"""年度党费核定 for an organization: the reviewed worksheet is fixed in one go, and only if
nothing changed since it was reviewed."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.errors import Conflict, Invalid
from backend.models import AuditEntry, DuesAssessment, DuesCategory, DuesMonth
from backend.services import yearly_assessment as ya
from backend.services.actor import Actor
from tests.builders import Builders

YEAR = 2025


def _setup(build: Builders, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    a = build.member(orgs["b1"], name="在职甲", monthly_fen=1000)
    a.dues_base_fen = 510_000  # → 76.50
    b = build.member(orgs["b2"], name="退休乙", monthly_fen=2450, category=DuesCategory.RETIRED)
    b.dues_base_fen = 490_000  # → 24.50, unchanged
    c = build.member(orgs["b1"], name="学生丙", monthly_fen=None, category=DuesCategory.STUDENT)
    outside = build.member(orgs["b3"], name="别处丁", monthly_fen=1000)
    for m in (a, b, c, outside):
        build.ledger(m, YEAR, paid_months={1} if m is a else set())
    actor = Actor.for_user(build.user(orgs["c1"], "committee"))
    return orgs, (a, b, c, outside), actor


def test_the_worksheet_shows_each_members_amount_and_fixes_the_changes(build, db, settings) -> None:
    orgs, (a, b, c, _outside), actor = _setup(build, db)
    sheet = ya.worksheet(db, actor, settings.dues, orgs["c1"].id, YEAR)
    rows = {r.name: r for r in sheet.rows}
    assert set(rows) == {"在职甲", "退休乙", "学生丙"}  # 别处丁 is in another 党委
    assert rows["在职甲"].new_fen == 7650 and rows["在职甲"].changed
    assert "5000元以上至10000元（含）按1.5%交纳" in rows["在职甲"].rule
    assert rows["退休乙"].new_fen == 2450 and not rows["退休乙"].changed
    assert rows["学生丙"].new_fen == 20
    result = ya.fix(db, actor, settings.dues, orgs["c1"].id, YEAR, sheet.fingerprint)
    assert (result.members, result.changed) == (3, 2)
    months = db.scalars(
        select(DuesMonth).where(DuesMonth.member_id == a.id).order_by(DuesMonth.month)
    ).all()
    assert months[0].due_fen == 1000  # January was paid at the old amount and stays
    assert {m.due_fen for m in months[1:]} == {7650}
    assert db.scalar(
        select(DuesAssessment).where(DuesAssessment.member_id == a.id)
    ).monthly_fen == (7650)
    assert db.scalar(select(DuesAssessment).where(DuesAssessment.member_id == b.id)) is None
    assert c.monthly_dues_fen == 20
    assert db.scalar(
        select(AuditEntry).where(AuditEntry.action == "dues.yearly_assessment")
    ).after == {"year": YEAR, "members": 3, "changed": 2}


def test_corrections_on_the_worksheet_and_a_stale_review(build, db, settings) -> None:
    orgs, (a, _b, _c, _outside), actor = _setup(build, db)
    overrides = {a.id: ("employed", 300_000)}  # the reviewer corrects the base: 15.00
    sheet = ya.worksheet(db, actor, settings.dues, orgs["c1"].id, YEAR, overrides)
    assert next(r for r in sheet.rows if r.member_id == a.id).new_fen == 1500
    # someone changes a base after the review: the old fingerprint no longer fixes anything
    a.dues_base_fen = 600_000
    db.flush()
    with pytest.raises(Conflict, match="请重新审阅"):
        ya.fix(db, actor, settings.dues, orgs["c1"].id, YEAR, sheet.fingerprint)
    # but the reviewer's override still stands when the worksheet is reviewed again
    again = ya.worksheet(db, actor, settings.dues, orgs["c1"].id, YEAR, overrides)
    ya.fix(db, actor, settings.dues, orgs["c1"].id, YEAR, again.fingerprint, overrides)
    assert a.monthly_dues_fen == 1500 and a.dues_base_fen == 300_000


def test_members_without_a_base_block_fixing(build, db, settings) -> None:
    orgs, (a, _b, _c, _outside), actor = _setup(build, db)
    a.dues_base_fen = None
    db.flush()
    sheet = ya.worksheet(db, actor, settings.dues, orgs["g1"].id, YEAR)
    assert [r.error for r in sheet.errors] == ["在职和离退休党员须填写月计算基数"]
    with pytest.raises(Invalid, match="有1名党员无法核定（在职甲…）"):
        ya.fix(db, actor, settings.dues, orgs["g1"].id, YEAR, sheet.fingerprint)
    assert a.monthly_dues_fen == 1000
