"""欠费提醒 as a paged, sortable list: members of a subtree who owe ``reminder_months`` months
or more (all years, in a row or not: what the reminder and the warning follow), flagged before
the sixth month (docs/dues.md).

One SQL statement: the months owed come from ``ledger.months_owed_subquery`` (the same numbers
as the member roll's filter and the red warnings board), the run of unpaid months ending last
month from ``member_filters.months_behind_subquery`` (shown beside it) and the arrears from
``arrears_subquery``, so the list can be sorted on any of them and paged without reading it
whole. See docs/console-lists.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select

from backend.models import Member, Organization
from backend.services.ledger import months_owed_subquery
from backend.services.member_filters import arrears_subquery, months_behind_subquery
from backend.settings import DuesSettings


def reminders_query(org: Organization, settings: DuesSettings, today: date) -> tuple[Select, dict]:
    """(statement, sort options): rows of (member, organization name, months owed, run of
    unpaid months ending last month, arrears fen)."""
    owed = months_owed_subquery(today)
    behind = months_behind_subquery(today)
    arrears = arrears_subquery(today)
    run = func.coalesce(behind.c.months, 0)
    owed_fen = func.coalesce(arrears.c.arrears_fen, 0)
    stmt = (
        select(
            Member,
            Organization.name,
            owed.c.months,
            run.label("run"),
            owed_fen.label("arrears_fen"),
        )
        .join(Organization, Organization.id == Member.org_id)
        .join(owed, owed.c.member_id == Member.id)
        .outerjoin(behind, behind.c.member_id == Member.id)
        .outerjoin(arrears, arrears.c.member_id == Member.id)
        .where(
            Member.archived.is_(False),
            Organization.path.startswith(org.path, autoescape=True),
            owed.c.months >= settings.reminder_months,
        )
    )
    sorts: dict[str, Sequence[Any]] = {
        "months": (owed.c.months,),
        "run": (run,),
        "org": (Organization.code, Member.card_no),
        "card": (Member.card_no,),
        "name": (Member.name,),
        "arrears": (owed_fen,),
    }
    return stmt, sorts


TIE = (Member.id,)
