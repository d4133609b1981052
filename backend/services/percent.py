"""The one rounding rule for percentages shown anywhere (screens, charts, exports).

A share is computed from whole numbers with integer arithmetic and rounded half up to one
decimal: 673 of 2000 is 33.65 % and shows as 33.7 % everywhere. Floating-point formatting is
never used for it, because 100 * 673 / 2000 and 100 * (673 / 2000) differ in the last bit and
used to round to 33.6 % in one place and 33.7 % in another on the same page.
"""

from __future__ import annotations


def tenths_of_percent(part: int, whole: int) -> int:
    """``part`` of ``whole`` in tenths of a percent, rounded half up; 0 when ``whole`` is 0."""
    if whole <= 0:
        return 0
    return (part * 1000 * 2 + whole) // (whole * 2)


def percent_text(part: int, whole: int, *, empty: str = "0.0%") -> str:
    """ "33.7%"; ``empty`` when there is no whole to take a share of."""
    if whole <= 0:
        return empty
    tenths = tenths_of_percent(part, whole)
    return f"{tenths // 10}.{tenths % 10}%"
