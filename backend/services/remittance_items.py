"""The items of a remittance batch as a paged, sortable list (the console's batch page).

The printed 汇缴明细表 of the whole batch is ``finance_docs.batch_sheet``; the page shows the same
items a page at a time, so a 党工委's year of 20,000 lines is never read whole to show 50.
See docs/console-lists.md.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Select, select

from backend.models import Member, Organization, Payment, PaymentItem, RemittanceItem

SORTS: dict[str, Sequence[Any]] = {
    "org": (Organization.code,),
    "slip": (Payment.slip_year, Payment.slip_seq),
    "member": (Member.name,),
    "month": (PaymentItem.year, PaymentItem.month),
    "received": (Payment.created_at,),
    "amount": (RemittanceItem.amount_fen,),
}
TIE = (RemittanceItem.id,)


def batch_items_query(batch_id: int) -> Select:
    """(item, payment, member name, year, month, collecting organization's name) per item."""
    return (
        select(
            RemittanceItem,
            Payment,
            Member.name,
            PaymentItem.year,
            PaymentItem.month,
            Organization.name.label("org_name"),
        )
        .join(Payment, Payment.id == RemittanceItem.payment_id)
        .join(Member, Member.id == Payment.member_id)
        .join(PaymentItem, PaymentItem.id == RemittanceItem.payment_item_id)
        .join(Organization, Organization.id == RemittanceItem.source_org_id)
        .where(RemittanceItem.batch_id == batch_id)
    )
