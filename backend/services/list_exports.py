"""Lists that staff take to Excel besides the member roll: the cards of an organization.

The dues ledger per branch and year (month columns) is ``finance_docs.ledger_sheet``; the
member roll is the console's member export. Staff see full names here, as in the console.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Card, CardState, Member, Organization
from backend.services.dues_year import to_local
from backend.services.exports import Column, Sheet
from backend.settings import DuesSettings

CARD_COLUMNS = [
    Column("卡号", width=8),
    Column("第几张", kind="int", width=7),
    Column("姓名", width=10),
    Column("身份证号", width=20),
    Column("所在党组织", width=24),
    Column("组织编码", width=10),
    Column("状态", width=8),
    Column("发卡日期", width=11),
    Column("挂失/注销日期", width=13),
]


def cards_sheet(
    session: Session,
    org: Organization,
    today: date,
    dues: DuesSettings,
    *,
    state: CardState | None = None,
) -> Sheet:
    """Every card issued to members of ``org`` and below (in the roll or not), by card number.

    The caller has checked that ``org`` is in the actor's scope (``scope.get_org``).
    """
    stmt = (
        select(Card, Member, Organization)
        .join(Member, Card.member_id == Member.id)
        .join(Organization, Member.org_id == Organization.id)
        .where(Organization.path.startswith(org.path, autoescape=True))
        .order_by(Card.card_no, Card.issue_seq, Card.id)
    )
    if state is not None:
        stmt = stmt.where(Card.state == state)
    sheet = Sheet(title=f"{org.name}党员卡清单", columns=CARD_COLUMNS)
    counts = {s: 0 for s in CardState}
    for card, member, branch in session.execute(stmt):
        counts[card.state] += 1
        changed = card.state_changed_at if card.state is not CardState.ACTIVE else None
        sheet.rows.append(
            [
                card.card_no,
                card.issue_seq,
                member.name,
                member.id_number,
                branch.name,
                branch.code,
                card.state.label,
                to_local(card.issued_at, dues).date().isoformat(),
                to_local(changed, dues).date().isoformat() if changed else "",
            ]
        )
    summary = "，".join(f"{s.label}{n}张" for s, n in counts.items() if n)
    sheet.header_lines.append(
        f"导出日期：{today.isoformat()}，共{len(sheet.rows)}张"
        + (f"（{summary}）" if summary else "")
    )
    return sheet
