"""The demo's one item addressed to a single member (向特定党员公开).

The folder import cannot name recipients, so the demo publishes this item itself: it goes to
the first demo card's member (the one who is up to date), from their own branch, so a visitor
tapping that card sees an item on the board that nobody else sees. The text names no one: the
kiosk is a public screen. See docs/demo.md.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy.orm import Session

from backend.models import DisclosureDocument, DisclosureTier, Member
from backend.services import disclosure, disclosure_workflow
from backend.services.actor import Actor
from backend.services.demo_content import DEMO_REVIEWER
from backend.services.disclosure_categories import find_category

TITLE = "关于与您进行年度谈心谈话的通知"
BODY = (
    "按照支部年度工作安排，支部书记将与您进行一次谈心谈话，"
    "听取您对支部工作的意见和建议，了解您在工作、生活中的困难。\n"
    """

- 时间：本月内，具体时间由支部组织委员电话联系您确定；
- 地点：{branch}活动室；
- 内容：交流思想、工作情况，对支部工作提出意见建议。

本通知只向您本人公开。
"""
)


def publish_addressed_notice(
    session: Session, actor: Actor, member_id: int, today: date
) -> DisclosureDocument:
    """Draft, review (as the demo's reviewer) and publish the notice for one member."""
    member = session.get_one(Member, member_id)
    document = disclosure.create_document(
        session,
        actor,
        org=member.org,
        category=find_category(session, "党员管理"),
        title=TITLE,
        body_md=BODY.format(branch=member.org.name),
        tier=DisclosureTier.CONCERNED,
        publish_on=today - timedelta(days=2),
        recipient_ids=[member.id],
    )
    disclosure_workflow.submit_review(session, actor, document)
    disclosure_workflow.approve(session, actor, document, reviewer=DEMO_REVIEWER)
    return disclosure_workflow.publish(session, actor, document)
