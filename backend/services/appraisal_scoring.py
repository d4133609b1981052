"""The arithmetic of an assessment, with no database: leaf shares, raters' weighted average,
the weighted indicator score, additions and deductions within their caps, ranking and grades
with their quota (docs/appraisal.md).

Points are exact fractions until the end; a subject's result is stored in hundredths of a point
(``cp``), rounded half up once.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import groupby
from typing import Protocol

RATER_KINDS: tuple[str, ...] = ("self", "peer", "superior")
RATER_LABELS = {"self": "自评", "peer": "互评", "superior": "上级评价"}
GRADES: tuple[str, ...] = ("优秀", "良好", "合格", "不合格")
FULL_CP = 10_000  # a leaf is scored out of 100 points


class NodeLike(Protocol):
    id: int
    parent_id: int | None
    weight: int
    is_leaf: bool
    source: str | None


@dataclass(frozen=True)
class Leaf:
    node_id: int
    share: Fraction  # the leaf's part of the whole: the product of weight/100 along its path
    source: str | None

    @property
    def share_millionths(self) -> int:
        """The share as a whole number: exact, since a tree has at most three levels of
        whole-percent weights."""
        scaled = self.share * 1_000_000
        assert scaled.denominator == 1
        return scaled.numerator


@dataclass(frozen=True)
class GradeRules:
    """Grade boundaries (in cp) and the cap on 优秀 as a percent of the subjects ranked."""

    excellent_min_cp: int = 8_500
    good_min_cp: int = 7_500
    pass_min_cp: int = 6_000
    excellent_quota_pct: int = 30

    @classmethod
    def from_dict(cls, data: Mapping[str, int]) -> GradeRules:
        return cls(**{k: int(v) for k, v in data.items() if k in cls.__dataclass_fields__})


def to_cp(value: Fraction) -> int:
    """Hundredths of a point, rounded half up (scores are never negative)."""
    scaled = value * 100
    return int(scaled.numerator * 2 + scaled.denominator) // (2 * scaled.denominator)


def leaf_shares(nodes: Sequence[NodeLike]) -> list[Leaf]:
    by_id = {n.id: n for n in nodes}
    leaves: list[Leaf] = []
    for node in nodes:
        if not node.is_leaf:
            continue
        share = Fraction(1)
        current: NodeLike | None = node
        while current is not None:
            share *= Fraction(current.weight, 100)
            current = by_id.get(current.parent_id) if current.parent_id is not None else None
        leaves.append(Leaf(node.id, share, node.source))
    return leaves


def rater_average(
    scores: Mapping[str, tuple[int, int]], weights: Mapping[str, int]
) -> Fraction | None:
    """A leaf's points from its raters, given per rater kind as (sum of cp, number of scores):
    each kind averaged, the kinds weighted by the round's rater weights, renormalized over the
    kinds that actually scored. None: no score. Whole numbers until the one division (a round
    has tens of thousands of these)."""
    present = [(k, total, n) for k, (total, n) in scores.items() if n]
    if not present:
        return None
    weight = sum(weights.get(k, 0) for k, _, _ in present)
    if weight == 0:
        return Fraction(sum(t for _, t, _ in present), 100 * sum(n for _, _, n in present))
    common = math.lcm(*(n for _, _, n in present))
    numerator = sum(weights.get(k, 0) * total * (common // n) for k, total, n in present)
    return Fraction(numerator, 100 * weight * common)


def indicator_score(leaves: Iterable[Leaf], points: Mapping[int, Fraction | None]) -> Fraction:
    """Σ share × points over the leaves that apply, scaled back to 100 when some do not (an
    automatic indicator with nothing to measure, e.g. no transfers in the period)."""
    numerator, denominator, applicable = 0, 1, 0
    for leaf in leaves:
        value = points.get(leaf.node_id)
        if value is None:
            continue
        share = leaf.share_millionths
        numerator = numerator * value.denominator + share * value.numerator * denominator
        denominator *= value.denominator
        applicable += share
    return Fraction(numerator, denominator * applicable) if applicable else Fraction(0)


def with_adjustments(
    indicator: Fraction, adjustments_cp: Iterable[int], *, bonus_cap_cp: int, deduction_cap_cp: int
) -> Fraction:
    """Add the additions and take the deductions, each in total no more than its cap; the result
    is never below zero."""
    plus = sum(a for a in adjustments_cp if a > 0)
    minus = -sum(a for a in adjustments_cp if a < 0)
    net = min(plus, bonus_cap_cp) - min(minus, deduction_cap_cp)
    return max(Fraction(0), indicator + Fraction(net, 100))


def rank_and_grade(
    scores: Sequence[tuple[int, int]], rules: GradeRules
) -> dict[int, tuple[int, str]]:
    """``(subject id, score cp)`` → ``(rank, grade)``. Equal scores share a rank (1, 2, 2, 4).
    优秀 needs the minimum score and a place within the quota; a group of equal scores that would
    cross the quota stays out of 优秀 as a whole, so the cap is never exceeded."""
    ordered = sorted(scores, key=lambda s: (-s[1], s[0]))
    quota = len(ordered) * rules.excellent_quota_pct // 100
    result: dict[int, tuple[int, str]] = {}
    excellent, closed, rank = 0, False, 1
    for score, members in groupby(ordered, key=lambda s: s[1]):
        group = [sid for sid, _ in members]
        if not closed and score >= rules.excellent_min_cp and excellent + len(group) <= quota:
            grade = "优秀"
            excellent += len(group)
        else:
            closed = True
            grade = _grade_below_excellent(score, rules)
        for sid in group:
            result[sid] = (rank, grade)
        rank += len(group)
    return result


def _grade_below_excellent(score: int, rules: GradeRules) -> str:
    if score >= rules.good_min_cp:
        return "良好"
    if score >= rules.pass_min_cp:
        return "合格"
    return "不合格"
