"""Grade boundaries and the cap on 优秀 (docs/appraisal.md)."""

from __future__ import annotations

from fractions import Fraction

from backend.services.appraisal_scoring import (
    GradeRules,
    rank_and_grade,
    rater_average,
    to_cp,
    with_adjustments,
)

RULES = GradeRules()  # 85 for 优秀, 75 良好, 60 合格, at most 30 % 优秀


def grades(scores: list[int], rules: GradeRules = RULES) -> list[tuple[int, str]]:
    result = rank_and_grade(list(enumerate(scores)), rules)
    return [result[i] for i in range(len(scores))]


def test_boundaries_are_inclusive_and_below_85_is_never_excellent() -> None:
    ten = [9500, 8500, 8499, 7500, 7499, 6000, 5999, 5000, 4000, 3000]
    assert [g for _, g in grades(ten)] == [
        "优秀",
        "优秀",
        "良好",
        "良好",
        "合格",
        "合格",
        "不合格",
        "不合格",
        "不合格",
        "不合格",
    ]


def test_at_most_thirty_percent_are_excellent() -> None:
    ten = [9900, 9800, 9700, 9600, 9500, 9400, 9300, 9200, 9100, 9000]
    graded = grades(ten)
    assert [g for _, g in graded].count("优秀") == 3
    assert graded[3] == (4, "良好")


def test_equal_scores_share_a_rank_and_a_tie_never_breaks_the_quota() -> None:
    ten = [9900, 9800, 9700, 9700, 9000, 8000, 7000, 6000, 5000, 4000]
    graded = grades(ten)
    assert graded[:4] == [(1, "优秀"), (2, "优秀"), (3, "良好"), (3, "良好")]
    assert graded[4] == (5, "良好")


def test_quota_and_minimum_are_settings() -> None:
    rules = GradeRules(excellent_min_cp=9000, excellent_quota_pct=50)
    assert [g for _, g in grades([9500, 9100, 8900, 8000], rules)] == [
        "优秀",
        "优秀",
        "良好",
        "良好",
    ]


def test_raters_weighted_and_renormalized() -> None:
    weights = {"self": 20, "peer": 30, "superior": 50}
    both = rater_average({"self": (9000, 1), "superior": (8000, 1)}, weights)
    assert both == Fraction(20 * 90 + 50 * 80, 70)
    assert rater_average({}, weights) is None
    two_peers = rater_average({"peer": (8500 + 7500, 2), "superior": (9000, 1)}, weights)
    assert two_peers == Fraction(30 * 80 + 50 * 90, 80)


def test_additions_and_deductions_stay_within_their_caps() -> None:
    base = Fraction(80)
    assert (
        to_cp(with_adjustments(base, [400, 300], bonus_cap_cp=500, deduction_cap_cp=1000)) == 8500
    )
    assert (
        to_cp(with_adjustments(base, [-800, -700], bonus_cap_cp=500, deduction_cap_cp=1000)) == 7000
    )
    assert to_cp(Fraction(2273, 100) + Fraction(1, 200)) == 2274  # half up


def test_grade_rules_come_from_the_environment() -> None:
    from backend.settings import Settings

    env = {
        "HALL_SECRET_KEY": "k" * 32,
        "HALL_CARD_UID_KEY": "u" * 32,
        "HALL_APPRAISAL_EXCELLENT_QUOTA_PCT": "20",
        "HALL_APPRAISAL_EXCELLENT_MIN_CP": "9000",
    }
    appraisal = Settings.from_env(env).appraisal
    assert (appraisal.excellent_quota_pct, appraisal.excellent_min_cp) == (20, 9000)
    assert appraisal.good_min_cp == 7500
