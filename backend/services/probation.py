"""A probationary (预备) member's probation: one year from admission, extendable once by at
most a year (docs/transfers-and-letters.md).

Kept apart from ``transfers`` so that registers and notices can name the probation without
importing the whole transfer machinery (which depends on the dues year).
"""

from __future__ import annotations

from datetime import date

from backend.errors import Invalid
from backend.models import Member, MemberStatus

PROBATION_YEARS = 1
MAX_PROBATION_YEARS = 2  # extendable once, by at most a year


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def probation_period(member: Member, end: date | None = None) -> tuple[date, date] | None:
    """(start, end) of a probationary member's probation; ``None`` for a full member."""
    if member.status is not MemberStatus.PROBATIONARY:
        return None
    default_end = add_years(member.joined_date, PROBATION_YEARS)
    if end is None:
        return member.joined_date, default_end
    if not default_end <= end <= add_years(member.joined_date, MAX_PROBATION_YEARS):
        raise Invalid("预备期为一年，延长一次最多一年，请核对预备期满日期", code="probation_end")
    return member.joined_date, end
