"""Ledger derivations: arrears, consecutive unpaid months across years, and the two warnings.

Nothing about arrears is stored: each figure is read from the ``dues_months`` rows at the
moment of asking, so these tests build rows and ask on chosen days.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from backend.models import DuesMonth, Member
from backend.services import ledger
from backend.services.ledger import MonthState
from backend.settings import DuesSettings
from tests.builders import Builders

DUES = DuesSettings()
SEED_WARNING = "有情提醒：党费要按时缴纳，按党章规定逾期六个月，可作自行退党处理！"


def rows(db, member: Member, year: int, paid: set[int] = frozenset(), **special) -> None:  # type: ignore[no-untyped-def]
    """Twelve months at 50.00; ``paid`` months paid; ``waived``/``pending``/``missing`` sets."""
    for month in range(1, 13):
        if month in special.get("missing", ()):
            continue
        db.add(
            DuesMonth(
                member_id=member.id,
                org_id=member.org_id,
                year=year,
                month=month,
                due_fen=None if month in special.get("pending", ()) else 5000,
                paid_fen=5000 if month in paid else 0,
                waived=month in special.get("waived", ()),
            )
        )
    db.flush()


@pytest.fixture
def member(build: Builders) -> Member:
    return build.member(build.district()["b1"], monthly_fen=5000)


def test_arrears_and_run_count_past_months_only(db, member) -> None:  # type: ignore[no-untyped-def]
    rows(db, member, 2026, paid={1, 2})
    today = date(2026, 7, 15)
    # March to June are past and unpaid; July is the current month and not yet late.
    assert ledger.consecutive_unpaid(db, member.id, today) == 4
    assert ledger.arrears_fen(db, member.id, today) == 4 * 5000
    assert ledger.unpaid_past_months(db, member.id, today) == [(2026, m) for m in (3, 4, 5, 6)]


def test_the_run_crosses_the_year_boundary(db, member) -> None:  # type: ignore[no-untyped-def]
    rows(db, member, 2026, paid=set(range(1, 9)))  # paid to August 2026
    rows(db, member, 2027)
    assert ledger.consecutive_unpaid(db, member.id, date(2027, 1, 31)) == 4  # Sep–Dec
    assert ledger.consecutive_unpaid(db, member.id, date(2027, 2, 1)) == 5  # … and January
    assert ledger.consecutive_unpaid(db, member.id, date(2027, 3, 1)) == 6
    assert ledger.arrears_fen(db, member.id, date(2027, 3, 1)) == 6 * 5000


def test_a_whole_unpaid_year_seen_in_january(db, member) -> None:  # type: ignore[no-untyped-def]
    rows(db, member, 2025)
    rows(db, member, 2026)
    assert ledger.consecutive_unpaid(db, member.id, date(2027, 1, 5)) == 24
    assert ledger.arrears_fen(db, member.id, date(2027, 1, 5)) == 24 * 5000


def test_a_paid_month_ends_the_run_but_older_arrears_still_count(db, member) -> None:  # type: ignore[no-untyped-def]
    rows(db, member, 2026, paid={4})
    today = date(2026, 7, 1)
    assert ledger.consecutive_unpaid(db, member.id, today) == 2  # May, June
    assert ledger.arrears_fen(db, member.id, today) == 5 * 5000  # Jan–Mar, May, June


def test_waived_pending_and_missing_months_end_the_run_and_owe_nothing(db, member) -> None:  # type: ignore[no-untyped-def]
    rows(db, member, 2026, waived={5}, pending={3}, missing={1})
    today = date(2026, 8, 1)
    assert ledger.consecutive_unpaid(db, member.id, today) == 2  # June, July; May is waived
    # February, April, June, July owe; January has no row, March awaits assessment.
    assert ledger.unpaid_past_months(db, member.id, today) == [(2026, m) for m in (2, 4, 6, 7)]
    states = {v.month: v.state for v in ledger.year_months(db, member.id, 2026, today)}
    assert states[1] is MonthState.NONE
    assert states[3] is MonthState.PENDING
    assert states[5] is MonthState.WAIVED
    assert states[8] is MonthState.UNPAID  # the current month is due
    assert states[9] is MonthState.NOT_DUE


def test_months_paid_in_advance_show_as_paid(db, member) -> None:  # type: ignore[no-untyped-def]
    rows(db, member, 2026, paid={1, 2, 3, 4, 5, 6, 7, 8, 9})
    today = date(2026, 6, 10)
    states = [v.state for v in ledger.year_months(db, member.id, 2026, today)]
    assert states[6:9] == [MonthState.PAID] * 3
    assert states[9:] == [MonthState.NOT_DUE] * 3
    assert ledger.arrears_fen(db, member.id, today) == 0


@pytest.mark.parametrize(
    ("months", "level"),
    [(0, "none"), (4, "none"), (5, "reminder"), (6, "final"), (7, "final"), (30, "final")],
)
def test_warning_thresholds(months: int, level: str) -> None:
    warning = ledger.warning_for(months, DUES)
    assert warning.level == level
    if level == "final":
        assert warning.text == SEED_WARNING
    elif level == "reminder":
        assert warning.text == "温馨提示：您已有5个月党费未交，请尽快到所在支部或服务窗口缴纳。"
    else:
        assert warning.text == ""


def test_warning_thresholds_are_settings() -> None:
    strict = replace(DUES, reminder_months=2, warning_months=3)
    assert ledger.warning_for(1, strict).level == "none"
    assert ledger.warning_for(2, strict).level == "reminder"
    assert "已有2个月党费未交" in ledger.warning_for(2, strict).text
    assert ledger.warning_for(3, strict).text == SEED_WARNING


def test_staff_are_warned_in_the_fifth_month_before_the_sixth(db, member) -> None:  # type: ignore[no-untyped-def]
    rows(db, member, 2026)
    fifth = ledger.warning_for(ledger.consecutive_unpaid(db, member.id, date(2026, 6, 1)), DUES)
    sixth = ledger.warning_for(ledger.consecutive_unpaid(db, member.id, date(2026, 7, 1)), DUES)
    assert (fifth.level, sixth.level) == ("reminder", "final")
