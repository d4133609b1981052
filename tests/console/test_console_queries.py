"""The console's SQL: node summaries, member filters, months behind and the red warnings board.

Each runs on SQLite and PostgreSQL; figures are checked against data built to give them.
"""

from __future__ import annotations

from datetime import date

from backend.models import DuesMonth, Letter, LetterKind, LetterState, MemberStatus, Role
from backend.services import ledger
from backend.services.actor import Actor
from backend.services.member_filters import (
    MemberFilters,
    count,
    member_query,
    months_behind,
)
from backend.services.org_stats import members_per_child, summarize
from backend.services.warnings_board import board
from tests.builders import SYSTEM, Builders

TODAY = date(2025, 7, 15)  # past months of this year: January … June


def _names(db, actor: Actor, **filters) -> list[str]:  # type: ignore[no-untyped-def]
    rows = db.execute(member_query(actor, MemberFilters(**filters), TODAY)).all()
    return sorted(r[0].name for r in rows)


def _ledger_rows(db, member, year: int, months: range, paid: set[int]) -> None:  # type: ignore[no-untyped-def]
    for month in months:
        due = member.monthly_dues_fen
        db.add(
            DuesMonth(
                member_id=member.id,
                org_id=member.org_id,
                year=year,
                month=month,
                due_fen=due,
                paid_fen=due if month in paid else 0,
            )
        )
    db.flush()


def test_node_summary_counts_the_subtree(build: Builders, db) -> None:
    o = build.district()
    build.member(o["b1"], name="甲", birth=date(1995, 3, 1), sex="F")  # 30, woman
    build.member(o["b1"], name="乙", birth=date(1990, 7, 16), status=MemberStatus.PROBATIONARY)
    build.member(o["b2"], name="丙", birth=date(1990, 7, 15))  # 35th birthday today: still 35
    build.member(o["b2"], name="丁", birth=date(1990, 7, 14), sex="F")  # 35 yesterday → 35
    build.member(o["b3"], name="戊", birth=date(1925, 1, 1), joined=date(1948, 5, 1))
    old = build.member(o["b3"], name="己", birth=date(1930, 1, 1), joined=date(1950, 1, 1))
    old.education = "高中"
    db.flush()

    c1 = summarize(db, o["c1"], TODAY)
    assert c1.members == 4
    assert c1.probationary == 1
    assert c1.women == 2
    assert c1.young == 4
    assert c1.college == 4
    assert c1.pre_1949 == 0
    assert c1.org_counts[o["g1"].type] == 1 and c1.orgs_total == 3
    assert round(c1.share(c1.probationary)) == 25

    district = summarize(db, o["district"], TODAY)
    assert (district.members, district.pre_1949, district.college) == (6, 1, 5)
    assert district.orgs_total == 6
    assert members_per_child(db, o["district"]) == {o["c1"].id: 4, o["c2"].id: 2}


def test_age_band_edges(build: Builders, db) -> None:
    o = build.district()
    build.member(o["b1"], name="三十五", birth=date(1989, 7, 16))  # 35 until tomorrow
    build.member(o["b1"], name="三十六", birth=date(1989, 7, 15))  # 36 today
    build.member(o["b1"], name="六十一", birth=date(1964, 7, 15))
    everyone = Actor.system()
    assert _names(db, everyone, age_band="le35") == ["三十五"]
    assert _names(db, everyone, age_band="36-40") == ["三十六"]
    assert _names(db, everyone, age_band="ge61") == ["六十一"]


def test_months_behind_is_the_run_ending_last_month(build: Builders, db) -> None:
    o = build.district()
    m = {name: build.member(o["b1"], name=name) for name in "ABCDEFG"}
    _ledger_rows(db, m["A"], 2025, range(1, 13), {1})  # Feb–Jun unpaid: 5
    _ledger_rows(db, m["B"], 2024, range(1, 13), set(range(1, 7)))  # Jul 2024 – Jun 2025: 12
    _ledger_rows(db, m["B"], 2025, range(1, 13), set())
    _ledger_rows(db, m["C"], 2025, range(1, 13), set(range(1, 13)))  # all paid: 0
    _ledger_rows(db, m["D"], 2025, range(1, 13), {5})  # June only: 1
    _ledger_rows(db, m["E"], 2025, range(1, 13), set())  # 2025 only, none paid: 6
    _ledger_rows(db, m["F"], 2025, range(1, 7), {2})  # Mar–Jun: 4
    db.execute(
        DuesMonth.__table__.update()
        .where(DuesMonth.member_id == m["F"].id, DuesMonth.month == 4)
        .values(waived=True)
    )  # a waived April ends the run: May–Jun = 2
    db.flush()
    expected = {"A": 5, "B": 12, "C": 0, "D": 1, "E": 6, "F": 2, "G": 0}
    for name, member in m.items():
        assert months_behind(db, member.id, TODAY) == expected[name], name
        assert ledger.consecutive_unpaid(db, member.id, TODAY) == expected[name], name
    everyone = Actor.system()
    # The roll's 欠交 filter follows the months owed, in a row or not (docs/dues.md): D owes
    # Jan–Apr and Jun (5), F owes Jan, Mar, May and Jun (4).
    assert _names(db, everyone, behind="5") == ["A", "D"]
    assert _names(db, everyone, behind="ge6") == ["B", "E"]
    assert _names(db, everyone, behind="0") == ["C", "G"]
    assert _names(db, everyone, behind="3-4") == ["F"]
    assert _names(db, everyone, behind="1-2") == []


def test_filters_combine_and_stay_in_scope(build: Builders, db) -> None:
    o = build.district()
    build.member(o["b1"], name="王芳", sex="F")
    hard = build.member(o["b1"], name="李强")
    hard.hardship = True
    build.member(o["b2"], name="王强", status=MemberStatus.PROBATIONARY, monthly_fen=None)
    build.member(o["b3"], name="王五", joined=date(1945, 1, 1), birth=date(1920, 1, 1))
    staff_b1 = Actor.for_user(build.user(o["b1"], "b1staff"))
    staff_c1 = Actor.for_user(build.user(o["c1"], "c1staff", Role.ORG_STAFF))
    db.flush()

    assert _names(db, staff_b1) == ["李强", "王芳"]
    assert _names(db, staff_c1, q="王") == ["王强", "王芳"]
    assert _names(db, staff_c1, sex="F") == ["王芳"]
    assert _names(db, staff_c1, hardship=True) == ["李强"]
    assert _names(db, staff_c1, status="probationary") == ["王强"]
    assert _names(db, staff_c1, pending_assessment=True) == ["王强"]
    assert _names(db, staff_c1, org_id=o["b2"].id) == ["王强"]
    # Another subtree's branch as a filter gives nothing, not its members.
    assert _names(db, staff_b1, org_id=o["b3"].id) == []
    assert _names(db, Actor.system(), pre_1949=True) == ["王五"]
    assert count(db, member_query(staff_c1, MemberFilters(), TODAY)) == 3


def test_warnings_board_sections(build: Builders, db) -> None:
    o = build.district()
    five = build.member(o["b1"], name="欠五月", monthly_fen=1000)
    six = build.member(o["b2"], name="欠六月", monthly_fen=2000)
    outside = build.member(o["b3"], name="区外欠", monthly_fen=2000)
    build.member(o["b1"], name="新转入", monthly_fen=None)
    _ledger_rows(db, five, 2025, range(1, 13), {1})
    _ledger_rows(db, six, 2025, range(1, 13), set())
    _ledger_rows(db, outside, 2025, range(1, 13), set())
    staff_c1 = Actor.for_user(build.user(o["c1"], "c1staff"))

    result = board(db, staff_c1, TODAY, build.settings.dues)
    assert [r.name for r in result.reminder.rows] == ["欠五月"]
    assert result.reminder.rows[0].arrears_fen == 5000
    assert [(r.name, r.months, r.arrears_fen) for r in result.final.rows] == [("欠六月", 6, 12000)]
    assert [r.name for r in result.pending.rows] == ["新转入"]
    assert result.letters is not None and result.letters.total == 0
    assert result.total == 3
    for number, valid_until, state in (
        ("2025J0001", date(2025, 7, 1), LetterState.ISSUED),  # overdue, slip not back
        ("2025J0002", date(2025, 7, 20), LetterState.ISSUED),  # still valid
        ("2025J0003", date(2025, 6, 1), LetterState.RETURNED),  # slip came back
    ):
        db.add(
            Letter(
                kind=LetterKind.INTRODUCTION,
                number=number,
                issuer_org_id=o["c1"].id,
                year=2025,
                seq=int(number[-4:]),
                member_id=five.id,
                state=state,
                from_name="第一街道党工委",
                to_name="外区某党委",
                issued_on=date(2025, 6, 1),
                valid_until=valid_until,
                payload={},
                created_by="test",
            )
        )
    db.flush()
    letters = board(db, staff_c1, TODAY, build.settings.dues).letters
    assert [(r.number, r.days_overdue) for r in letters.rows] == [("2025J0001", 14)]
    assert (
        board(
            db, Actor.for_user(build.user(o["c2"], "c2staff")), TODAY, build.settings.dues
        ).letters.total
        == 0
    )
    whole = board(db, SYSTEM, TODAY, build.settings.dues)
    assert whole.final.total == 2
