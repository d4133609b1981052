"""Ledger months when a member arrives or leaves in the middle of a year.

- **Registered after the year was opened** (console 新增党员): the member gets this year's
  months from the registration month on — or from the month they joined the Party, if later —
  exactly as ``dues open-year`` would have created them. Before the year is opened nothing is
  created here: the opening itself includes the member.
- **Deleted** (移入删除党员库): untouched months after the deletion month are removed, as for a
  transfer out of the district — nothing is owed here for time after leaving. Months with any
  payment stay, so a payment is never lost.

See docs/dues.md (The ledger; Members who arrive or leave mid-year).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import DuesMonth, Member
from backend.services import dues_year
from backend.services.actor import Actor


def year_opened(session: Session, year: int) -> bool:
    """Whether ``dues open-year`` (or anything) has created months of ``year`` yet."""
    return session.scalar(select(DuesMonth.id).where(DuesMonth.year == year).limit(1)) is not None


def open_after_registration(session: Session, actor: Actor, member: Member, on: date) -> int:
    """This year's months for a member registered on ``on``, when the year is already opened;
    returns the number of months created."""
    if not year_opened(session, on.year):
        return 0
    return dues_year.open_member_year(session, actor, member, on.year, from_month=on.month)


def end_months_after(session: Session, member_id: int, on: date) -> list[str]:
    """Remove the member's untouched ledger months after the month of ``on``; returns their
    keys ("2026-08", …) for the caller's audit row."""
    after = date(on.year + 1, 1, 1) if on.month == 12 else date(on.year, on.month + 1, 1)
    rows = session.scalars(
        select(DuesMonth).where(
            DuesMonth.member_id == member_id,
            dues_year.from_month_on(after.year, after.month),
            DuesMonth.paid_fen == 0,
            DuesMonth.payment_id.is_(None),
        )
    ).all()
    keys = sorted(dues_year.month_key(r.year, r.month) for r in rows)
    for row in rows:
        session.delete(row)
    session.flush()
    return keys
