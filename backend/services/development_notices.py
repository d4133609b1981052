"""The public notices (公示) of member development: before the branch meeting admits a
development target and before a probationary member is converted (docs/member-development.md).

A 公示 is an ordinary disclosure item in the 发展党员公示 category: starting one drafts it and
sends it to the secrecy review; another person reviews and publishes it in 党务公开, and only a
published notice counts for the rules.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import (
    DevelopmentCase,
    DevStage,
    DisclosureCategory,
    DisclosureDocument,
    DisclosureStatus,
)
from backend.services import development as dev
from backend.services import development_rules as rules
from backend.services import disclosure, disclosure_workflow, hall_clock, policy
from backend.services.actor import Actor
from backend.services.policy import Action

NOTICE_CATEGORY = "recruitment"  # 发展党员公示 (disclosure_categories.DEFAULT_CATEGORIES)
NOTICE_DAYS_SHOWN = 30


def _notice_text(session: Session, case: DevelopmentCase, converting: bool) -> tuple[str, str]:
    """The 公示's title and body: who, which branch, the dates, the people responsible — no
    ID number and no phone."""
    sex = "男" if case.sex == "M" else "女"
    lines = [
        f"姓名：{case.name}，性别：{sex}，出生年月：{case.birth_date.year}年{case.birth_date.month}月",
        f"学历：{case.education or '—'}；工作单位：{case.work_unit or '—'}",
        f"所在党支部：{case.org.name}",
        f"递交入党申请书：{case.applied_on.isoformat()}",
    ]
    if case.activist_on:
        lines.append(f"确定为入党积极分子：{case.activist_on.isoformat()}")
    if case.target_on:
        lines.append(f"列为发展对象：{case.target_on.isoformat()}")
    sponsors = "、".join(dev.people_names(session, case.sponsor_ids or []))
    if converting:
        lines.append(f"接收为预备党员：{(case.admitted_on or case.approved_on)}")
        title = f"预备党员转正公示：{case.name}"
        ask = "拟按期转为正式党员"
    else:
        lines.append(f"入党介绍人：{sponsors or '—'}")
        title = f"发展党员公示：{case.name}"
        ask = "拟接收为预备党员"
    body = "\n\n".join(
        [
            f"{case.org.name}{ask}，现予公示。",
            *lines,
            "公示期间如有意见，请向党支部或上级党委反映。",
        ]
    )
    return title, body


def open_notice(
    session: Session,
    actor: Actor,
    case: DevelopmentCase,
    *,
    on: date | None = None,
) -> DisclosureDocument:
    """Draft the 公示 in the 发展党员公示 category and send it to the secrecy review; another
    person reviews and publishes it through the disclosure workflow. The 公示 period counts
    from its 发布日期 ``on``."""
    policy.authorize(actor, Action.DEVELOPMENT_EDIT)
    if case.stage not in (DevStage.TARGET, DevStage.PROBATIONARY):
        raise Conflict("只有发展对象和预备党员需要公示", code="case_stage")
    converting = case.stage is DevStage.PROBATIONARY
    column = rules.NOTICE_BEFORE[rules.NEXT_STAGE[case.stage]]
    current = getattr(case, column)
    if current is not None:
        doc = session.get(DisclosureDocument, current)
        if doc is not None and doc.status is not DisclosureStatus.WITHDRAWN:
            raise Conflict(f"公示已发起（{doc.status.label}）", code="notice_exists")
    category = session.scalar(
        select(DisclosureCategory).where(DisclosureCategory.code == NOTICE_CATEGORY)
    )
    if category is None or not category.active:
        raise Invalid("请先由管理员设置“发展党员公示”栏目", code="category_missing")
    day = on or hall_clock.today()
    title, body = _notice_text(session, case, converting)
    doc = disclosure.create_document(
        session,
        actor,
        org=case.org,
        category=category,
        title=title,
        body_md=body,
        publish_on=day,
        expires_on=day + timedelta(days=NOTICE_DAYS_SHOWN),
    )
    disclosure_workflow.submit_review(session, actor, doc)
    dev._change(session, actor, case, "development.notice", **{column: doc.id})
    return doc
