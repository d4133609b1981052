"""The automatic indicators from organizational life and member cases (docs/appraisal.md),
against figures counted by hand: 三会一课 held as the frequency rules ask, and member cases
answered by their due day, development deadlines kept. Each subject is a branch or the 党委
above both branches."""

from __future__ import annotations

from datetime import UTC, date, datetime
from fractions import Fraction
from itertools import count

import pytest

from backend.models import (
    Case,
    CaseChannel,
    CaseState,
    CaseType,
    DevelopmentCase,
    DevStage,
    Meeting,
    MeetingKind,
)
from backend.services import hall_clock
from backend.services.appraisal_indicators import REGISTRY, Context, Period
from backend.settings import AppraisalSettings, MeetingSettings
from tests.builders import Builders

Q1 = Period(2026, 1)
# 支委会 every month and 党员大会 every quarter; nothing else required.
RULES = MeetingSettings(
    committee_months=1, group_months=0, assembly_months=3, lecture_months=0, theme_day_months=0
)
_seq = count(1)


@pytest.fixture
def orgs(build: Builders) -> dict:  # type: ignore[type-arg]
    return build.district()


def _measure(db, key: str, subjects: list) -> dict:  # type: ignore[no-untyped-def,type-arg]
    ctx = Context(db, Q1, AppraisalSettings(), meetings=RULES)
    return REGISTRY[key].compute(ctx, subjects)


def _meeting(db, org, kind: MeetingKind, held_on: date, *, recorded: bool = True) -> None:  # type: ignore[no-untyped-def]
    db.add(
        Meeting(
            org_id=org.id,
            kind=kind,
            topic="会议",
            held_on=held_on,
            recorded_at=datetime(2026, 4, 1) if recorded else None,  # noqa: DTZ001 - stored UTC
            created_by="t",
        )
    )


def _case(db, org, accepted: date, due: date, replied: datetime | None) -> None:  # type: ignore[no-untyped-def]
    db.add(
        Case(
            year=accepted.year,
            seq=next(_seq),
            case_type=CaseType.SUGGESTION,
            state=CaseState.REPLIED if replied else CaseState.ROUTED,
            channel=CaseChannel.COUNTER,
            org_id=org.id,
            applicant_name="张三",
            topic="意见建议",
            accepted_on=accepted,
            due_on=due,
            replied_at=hall_clock.stored(replied) if replied else None,
            created_by="t",
        )
    )


def test_meetings_held_counts_the_rules_due_in_each_month_of_the_period(db, orgs) -> None:  # type: ignore[no-untyped-def]
    b1, b2, committee = orgs["b1"], orgs["b2"], orgs["c1"]
    _meeting(db, b1, MeetingKind.COMMITTEE, date(2026, 1, 12))
    _meeting(db, b1, MeetingKind.ASSEMBLY, date(2026, 2, 20))  # the quarter's 党员大会
    _meeting(db, b1, MeetingKind.COMMITTEE, date(2026, 3, 5))
    _meeting(db, b2, MeetingKind.COMMITTEE, date(2026, 2, 3), recorded=False)  # planned only
    _meeting(db, b2, MeetingKind.COMMITTEE, date(2026, 4, 3))  # after the period
    db.flush()
    # b1: Jan 支委会 1/1, Feb 支委会 0/1, Mar 支委会 + 党员大会 2/2 → 3 of 4; b2: 0 of 4.
    measures = _measure(db, "meetings_held", [b1, b2, committee])
    assert measures[b1.id].points == Fraction(75)
    assert measures[b1.id].formula == "按期召开率 = 按期召开的会议 3 ÷ 应召开的会议 4 = 75.00%"
    assert measures[b2.id].points == 0
    assert measures[committee.id].points == Fraction(3 * 100, 8)  # 37.5: both branches together


def test_cases_answered_by_the_end_of_their_due_day(db, orgs) -> None:  # type: ignore[no-untyped-def]
    b1, b2, committee = orgs["b1"], orgs["b2"], orgs["c1"]
    # 23:30 hall time on the due day is still in time; 00:30 the next day is late.
    in_time = datetime(2026, 1, 20, 15, 30, tzinfo=UTC)  # 23:30 in Beijing
    late = datetime(2026, 1, 20, 16, 30, tzinfo=UTC)  # 00:30 on the 21st
    _case(db, b1, date(2026, 1, 5), date(2026, 1, 20), in_time)
    _case(db, b1, date(2026, 1, 5), date(2026, 1, 20), late)
    _case(db, b1, date(2026, 3, 2), date(2026, 3, 17), None)  # never answered: late
    _case(db, b1, date(2026, 4, 2), date(2026, 4, 17), None)  # accepted after the period
    _case(db, b2, date(2026, 2, 2), date(2026, 2, 17), datetime(2026, 2, 10, tzinfo=UTC))
    db.flush()
    measures = _measure(db, "cases_answered_on_time", [b1, b2, committee])
    assert measures[b1.id].points == Fraction(100, 3)
    assert measures[b1.id].formula == (
        "按期答复率 = 按期答复的诉求 1 ÷ 已到期或已答复的诉求 3 = 33.33%"
    )
    assert measures[b2.id].points == 100
    assert measures[committee.id].points == 50  # 2 of 4
    assert _measure(db, "cases_answered_on_time", [orgs["b3"]])[orgs["b3"].id].points is None


def _development(db, org, stage: DevStage, **dates: date) -> None:  # type: ignore[no-untyped-def]
    db.add(
        DevelopmentCase(
            org_id=org.id,
            name="申请人",
            sex="女",
            id_number=f"11010119900101{next(_seq):04d}",
            birth_date=date(1990, 1, 1),
            stage=stage,
            **dates,
        )
    )


def test_development_deadlines_that_fell_in_the_period(db, orgs) -> None:  # type: ignore[no-untyped-def]
    b1, b2 = orgs["b1"], orgs["b2"]
    applicant, probationary = DevStage.APPLICANT, DevStage.PROBATIONARY
    # talk due a month after applying: 12-15 → due 01-15, talked 01-10: kept
    _development(
        db, b1, DevStage.ACTIVIST, applied_on=date(2025, 12, 15), talked_on=date(2026, 1, 10)
    )
    # applied 01-20 → due 02-20, never talked: missed
    _development(db, b1, applicant, applied_on=date(2026, 1, 20))
    # 党委 approval due three months after the branch meeting: 2025-12-01 → 2026-03-01, late
    _development(db, b1, probationary, applied_on=date(2024, 1, 5), talked_on=date(2024, 1, 20),
                 admitted_on=date(2025, 12, 1), approved_on=date(2026, 3, 10))  # fmt: skip
    # due after the period (talk due 04-10): not counted; a stopped case: not counted
    _development(db, b1, applicant, applied_on=date(2026, 3, 10))
    _development(db, b1, DevStage.STOPPED, applied_on=date(2026, 1, 5))
    db.flush()
    measures = _measure(db, "development_deadlines_kept", [b1, b2])
    assert measures[b1.id].points == Fraction(100, 3)
    assert measures[b1.id].formula == ("时限落实率 = 按时办理的事项 1 ÷ 本期到期的事项 3 = 33.33%")
    assert measures[b2.id].points is None
