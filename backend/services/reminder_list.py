"""欠费提醒 as a paged, sortable list: members of a subtree whose run of unpaid months (ending
last month) has reached ``reminder_months``, flagged before the sixth month (docs/dues.md).

One SQL statement: the run comes from ``member_filters.months_behind_subquery`` (the same
numbers as the member roll's filter and the red warnings board) and the arrears from
``arrears_subquery``, so the list can be sorted on either and paged without reading it whole.
See docs/console-lists.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from backend.models import Member, Organization
from backend.services.member_filters import arrears_subquery, months_behind_subquery
from backend.settings import DuesSettings


def reminders_query(org: Organization, settings: DuesSettings, today: date) -> tuple[Select, dict]:
    """(statement, sort options): rows of (member, organization name, months, arrears fen)."""
    behind = months_behind_subquery(today)
    arrears = arrears_subquery(today)
    owed = func.coalesce(arrears.c.arrears_fen, 0)
    stmt = (
        select(Member, Organization.name, behind.c.months, owed.label("arrears_fen"))
        .join(Organization, Organization.id == Member.org_id)
        .join(behind, behind.c.member_id == Member.id)
        .outerjoin(arrears, arrears.c.member_id == Member.id)
        .where(
            Member.archived.is_(False),
            Organization.path.startswith(org.path, autoescape=True),
            behind.c.months >= settings.reminder_months,
        )
    )
    sorts: dict[str, Sequence[Any]] = {
        "months": (behind.c.months,),
        "org": (Organization.code, Member.card_no),
        "card": (Member.card_no,),
        "name": (Member.name,),
        "arrears": (owed,),
    }
    return stmt, sorts


TIE = (Member.id,)
