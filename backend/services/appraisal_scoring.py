"""The arithmetic of an assessment, with no database: leaf shares, raters' weighted average,
the weighted indicator score, additions and deductions within their caps, ranking and grades
with their quota (docs/appraisal.md).

Points are exact fractions until the end; a subject's result is stored in hundredths of a point
(``cp``), rounded half up once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
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
    leaves = []
    for node in nodes:
        if not node.is_leaf:
            continue
        share, current = Fraction(1), node
        while current is not None:
            share *= Fraction(current.weight, 100)
            current = by_id.get(current.parent_id) if current.parent_id is not None else None
        leaves.append(Leaf(node.id, share, node.source))
    return leaves


def rater_average(
    scores: Mapping[str, Sequence[int]], weights: Mapping[str, int]
) -> Fraction | None:
    """A leaf's points from its raters: each kind's scores averaged, the kinds weighted by the
    round's rater weights, renormalized over the kinds that actually scored. None: no score."""
    present = {k: v for k, v in scores.items() if v}
    if not present:
        return None
    total = sum(weights.get(k, 0) for k in present)
    if total == 0:
        every = [p for v in present.values() for p in v]
        return Fraction(sum(every), 100 * len(every))
    weighted = sum(
        Fraction(weights.get(k, 0)) * Fraction(sum(v), len(v)) for k, v in present.items()
    )
    return weighted / (100 * total)


def indicator_score(leaves: Iterable[Leaf], points: Mapping[int, Fraction | None]) -> Fraction:
    """Σ share × points over the leaves that apply, scaled back to 100 when some do not (an
    automatic indicator with nothing to measure, e.g. no transfers in the period)."""
    total, applicable = Fraction(0), Fraction(0)
    for leaf in leaves:
        value = points.get(leaf.node_id)
        if value is None:
            continue
        total += leaf.share * value
        applicable += leaf.share
    return total / applicable if applicable else Fraction(0)


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
    excellent, closed = 0, False
    i = 0
    while i < len(ordered):
        score = ordered[i][1]
        group = [sid for sid, cp in ordered[i:] if cp == score]
        rank = i + 1
        if not closed and score >= rules.excellent_min_cp and excellent + len(group) <= quota:
            grade = "优秀"
            excellent += len(group)
        else:
            closed = True
            grade = _grade_below_excellent(score, rules)
        for sid in group:
            result[sid] = (rank, grade)
        i += len(group)
    return result


def _grade_below_excellent(score: int, rules: GradeRules) -> str:
    if score >= rules.good_min_cp:
        return "良好"
    if score >= rules.pass_min_cp:
        return "合格"
    return "不合格"
