"""The demo's member cases (docs/cases.md, docs/demo.md): every case type in several states in
幸福社区第一党支部 (the demo accounts ``zhibu01`` and ``dangwei01`` see them), one hardship
application past its due day (on the red-warnings page), and a replied suggestion of the first
demo card's member, so a tap at the demo kiosk shows a reply under 诉求与申请.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import Case, CaseChannel, CaseType, Member, MemberStatus, Organization, TalkWith
from backend.services import cases, cases_flow
from backend.services.actor import Actor
from backend.settings import Settings

DEMO_BRANCH = "01010101"


def _members(session: Session, branch: Organization, skip: set[int], count: int) -> list[Member]:
    return list(
        session.scalars(
            select(Member)
            .where(
                Member.org_id == branch.id,
                Member.archived.is_(False),
                Member.status == MemberStatus.FULL,
                Member.id.not_in(skip or {0}),
            )
            .order_by(Member.id)
            .limit(count)
        )
    )


def _probationer(session: Session, skip: set[int]) -> Member | None:
    return session.scalar(
        select(Member)
        .where(
            Member.status == MemberStatus.PROBATIONARY,
            Member.archived.is_(False),
            Member.id.not_in(skip or {0}),
        )
        .order_by(Member.id)
        .limit(1)
    )


def load_demo_cases(
    session: Session,
    actor: Actor,
    settings: Settings,
    by_code: dict[str, Organization],
    showcase_ids: list[int],
    today: date,
) -> int:
    """Create the demo cases; returns how many."""
    branch = by_code[DEMO_BRANCH]
    people = _members(session, branch, set(showcase_ids), 7)
    if len(people) < 7:
        return 0
    s = settings.cases
    made: list[Case] = []

    def new(
        member: Member,
        kind: CaseType,
        topic: str,
        days_ago: int,
        *,
        channel: CaseChannel = CaseChannel.COUNTER,
        detail: str = "",
        talk_with: TalkWith | None = None,
    ) -> Case:
        case = cases.create(
            session,
            actor,
            s,
            case_type=kind,
            channel=channel,
            org=member.org,
            today=today - timedelta(days=days_ago),
            topic=topic,
            detail=detail,
            member=member,
            talk_with=talk_with,
        )
        made.append(case)
        return case

    new(people[0], CaseType.HARDSHIP, "因病致困", 3, channel=CaseChannel.KIOSK, detail="住院治疗")
    late = new(people[1], CaseType.HARDSHIP, "因灾致困", s.hardship_days + 6, detail="房屋漏雨")
    cases_flow.route(session, actor, late.id, org_id=branch.id, note="请支部入户核实")
    job = new(people[2], CaseType.EMPLOYMENT, "求职登记", 8, detail="会计专业，求财务岗位")
    cases_flow.route(session, actor, job.id, partner="区人力资源服务中心")
    cases_flow.reply(session, actor, job.id, text="已推荐三个财务岗位，约定下周面试")
    talk = new(people[3], CaseType.TALK, "工作建议", 2, talk_with=TalkWith.BRANCH_SECRETARY)
    cases_flow.schedule_talk(
        session,
        actor,
        talk.id,
        talk_on=today + timedelta(days=3),
        talk_time="15:00",
        place="幸福社区党群服务中心",
        person=branch.secretary or "支部书记",
    )
    met = new(people[4], CaseType.TALK, "反映问题", 20, talk_with=TalkWith.DISTRICT_SECRETARY)
    cases_flow.schedule_talk(
        session,
        actor,
        met.id,
        talk_on=today - timedelta(days=12),
        talk_time="09:30",
        place="区委第二会议室",
        person="区委书记",
    )
    cases_flow.reply(
        session,
        actor,
        met.id,
        text="已当面听取意见，交区城管局一周内答复",
        attendees="区委书记、区委组织部部长、本人",
    )
    cases_flow.close(session, actor, met.id, outcome="城管局已整改并回访")
    ask = new(people[5], CaseType.CONSULT, "政策咨询", 15, detail="退休后党费怎样计算")
    cases_flow.reply(session, actor, ask.id, text="按退休费总额计算，比例见党费说明")
    cases_flow.close(session, actor, ask.id, outcome="已电话答复本人")
    made.append(
        cases.create(
            session,
            actor,
            s,
            case_type=CaseType.JOIN,
            channel=CaseChannel.COUNTER,
            org=branch,
            today=today - timedelta(days=5),
            topic="递交入党申请书",
            applicant_name="林青年",
            applicant_phone="13900001111",
        )
    )
    probationer = _probationer(session, set(showcase_ids))
    if probationer is not None:
        conversion = new(probationer, CaseType.CONVERSION, "申请按期转正", 4)
        cases_flow.route(session, actor, conversion.id, org_id=probationer.org_id)
    if showcase_ids:
        first = session.get(Member, showcase_ids[0])
        if first is not None:
            idea = new(first, CaseType.SUGGESTION, "服务大厅", 6, channel=CaseChannel.KIOSK)
            cases_flow.reply(session, actor, idea.id, text="感谢建议，大厅已增设老花镜和座椅")
    new(people[6], CaseType.SUGGESTION, "组织生活", 1, channel=CaseChannel.KIOSK)
    return len(made)
