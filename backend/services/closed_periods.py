"""Closed periods: what a back-dated change may no longer restate.

A confirmed remittance batch (汇缴) closes its period for the organization that remitted it and
its whole subtree: the dues of those months have been reported and passed upward. A transfer
re-attributes the ledger months from its date on to the receiving branch, so a transfer dated
inside a closed period would move already-remitted months into another branch's report. The
earliest date a transfer may carry is therefore the day after the last closed period of either
branch (see ``docs/day-close.md``).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import Organization, RemittanceBatch, RemittanceState
from backend.services.remittance_ledger import period_end


def _ancestor_ids(org: Organization) -> list[int]:
    return [int(part) for part in org.path.strip("/").split("/") if part]


def closed_through(session: Session, orgs: list[Organization]) -> date | None:
    """The last day of the latest confirmed remittance period covering any of ``orgs``
    (a batch of the organization itself or of one above it); ``None`` when nothing is closed."""
    ids = sorted({i for org in orgs for i in _ancestor_ids(org)})
    rows = session.execute(
        select(RemittanceBatch.year, RemittanceBatch.end_month).where(
            RemittanceBatch.org_id.in_(ids),
            RemittanceBatch.state == RemittanceState.CONFIRMED,
        )
    ).all()
    ends = [period_end(year, end_month) for year, end_month in rows]
    return max(ends) if ends else None


def check_not_closed(session: Session, orgs: list[Organization], on: date) -> None:
    """Refuse a date inside a period already remitted by one of ``orgs`` (or above them)."""
    closed = closed_through(session, orgs)
    if closed is not None and on <= closed:
        first = closed + timedelta(days=1)
        raise Invalid(
            f"转接日期不能早于{first.year}年{first.month}月{first.day}日："
            f"截至{closed.year}年{closed.month}月{closed.day}日的党费已经汇缴，"
            "已汇缴期间的账目不能再转到其他组织",
            code="period_closed",
            details={"earliest": first.isoformat()},
        )
