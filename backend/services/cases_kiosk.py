"""What a member does with cases at the kiosk after a card tap (docs/cases.md, docs/kiosk.md).

Four kinds of request, each made of choices and fixed phrases (no input method needed; a short
optional text is allowed): a suggestion, a hardship application, a talk request and a 转正
application. The member sees the status and the reply of their own cases, never anyone else's.
A member may have only a few open requests of one kind, so a kiosk cannot be used to flood a
branch with requests.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import Case, CaseChannel, CaseType, Member, TalkWith
from backend.services import cases
from backend.services.actor import Actor
from backend.settings import CaseSettings

#: The fixed phrases a member picks from (事由), per kind of request.
TOPICS: dict[CaseType, tuple[str, ...]] = {
    CaseType.SUGGESTION: ("组织生活", "党费缴纳", "服务大厅", "党员教育", "社区服务", "其他建议"),
    CaseType.HARDSHIP: ("因病致困", "因灾致困", "失业生活困难", "年老体弱需照顾", "子女就学困难"),
    CaseType.TALK: ("思想汇报", "工作建议", "个人困难", "反映问题"),
    CaseType.CONVERSION: ("申请按期转正",),
}
KIOSK_TYPES = tuple(TOPICS)
MAX_OPEN_PER_TYPE = 3
SHORT_TEXT = 60


@dataclass(frozen=True)
class OwnCase:
    """One of the member's cases as the kiosk shows it."""

    number: str
    type_label: str
    topic: str
    state: str
    state_label: str
    accepted_on: date
    reply: str | None
    talk: str | None  # "2026-12-10 09:30 区委组织部会议室" once scheduled


def choices(member: Member) -> dict[CaseType, tuple[str, ...]]:
    """The kinds this member may submit (转正 only for a probationary member)."""
    offered = dict(TOPICS)
    try:
        cases.conversion_due(member)
    except Invalid:
        offered.pop(CaseType.CONVERSION)
    return offered


def submit(
    session: Session,
    device: Actor,
    settings: CaseSettings,
    member: Member,
    *,
    case_type: CaseType | str,
    topic: str,
    today: date,
    text: str = "",
    talk_with: TalkWith | str | None = None,
) -> Case:
    """A request the member makes at the kiosk (the session's member, never another)."""
    kind = cases.parse_type(case_type)
    if kind not in KIOSK_TYPES:
        raise Invalid("此类事项请到服务窗口办理", code="case_type")
    if topic not in TOPICS[kind]:
        raise Invalid("请从列出的事由中选择", code="case_topic")
    open_count = session.scalar(
        select(func.count())
        .select_from(Case)
        .where(
            Case.member_id == member.id,
            Case.case_type == kind,
            Case.state.in_(cases.OPEN_STATES),
        )
    )
    if (open_count or 0) >= MAX_OPEN_PER_TYPE:
        raise Conflict(
            f"您已有{open_count}件{kind.label}正在办理，请等待答复后再提交", code="case_too_many"
        )
    if kind is CaseType.CONVERSION and open_count:
        raise Conflict("您的转正申请正在办理中，请勿重复提交", code="case_too_many")
    return cases.create(
        session,
        device,
        settings,
        case_type=kind,
        channel=CaseChannel.KIOSK,
        org=member.org,
        today=today,
        topic=topic,
        detail=cases.clean_text(text, "补充说明", SHORT_TEXT),
        member=member,
        talk_with=cases.parse_talk_with(talk_with) if kind is CaseType.TALK else None,
    )


def own_cases(session: Session, member: Member, limit: int = 10) -> list[OwnCase]:
    """The member's latest cases, newest first."""
    rows = session.scalars(
        select(Case)
        .where(Case.member_id == member.id)
        .order_by(Case.accepted_on.desc(), Case.id.desc())
        .limit(limit)
    )
    return [
        OwnCase(
            number=c.number,
            type_label=c.case_type.label,
            topic=c.topic,
            state=c.state.value,
            state_label=c.state.label,
            accepted_on=c.accepted_on,
            reply=c.reply,
            talk=(
                f"{c.talk_on:%Y-%m-%d} {c.talk_time} {c.talk_place}"
                if c.talk_on is not None
                else None
            ),
        )
        for c in rows
    ]
