"""The demo's member development (发展党员) and terms of office (换届) (docs/demo.md).

In 幸福社区第一党支部 (the demo branch account ``zhibu01``), a year and more of development cases,
each moved through the real services so that every rule holds: an applicant whose talk falls due
within days, an application withdrawn, a new activist, an activist whose quarterly 思想汇报 is
nearly due, a development target whose 公示 is on the public board, a probationary member
admitted a year ago whose conversion is due, and one converted to full membership. Terms of
office are recorded with their committees for the 党工委 and some branches; the demo branch's
term ends within a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.models import DevelopmentCase, DisclosureDocument, Member, MemberStatus, Organization
from backend.services import development as dev
from backend.services import development_moves as moves
from backend.services import development_notices as notices
from backend.services import development_rules as rules
from backend.services import disclosure_workflow, terms
from backend.services.actor import Actor
from backend.services.idnumber import compose_id_number
from backend.services.probation import add_years
from backend.services.transfers import add_months

BRANCH = "01010101"
REVIEWER = "党工委组织委员（演示）"
# name, birth, ID sequence, days since application, how far the case goes
CASES = (
    ("刘晨曦", date(2001, 6, 18), 611, 1200, "full"),
    ("孙嘉禾", date(1996, 2, 9), 612, 838, "probationary"),
    ("周若溪", date(1999, 11, 23), 613, 423, "target"),
    ("吴一帆", date(2000, 4, 2), 614, 300, "activist"),
    ("郑可心", date(2003, 8, 30), 616, 70, "activist"),
    ("钱思远", date(2002, 1, 15), 617, 12, "applicant"),
    ("冯子墨", date(1997, 7, 7), 618, 260, "stopped"),
)
#: Organizations given a term: code, years since the election (+ days), with a committee.
TERMS = (("01010000", 2, 0), (BRANCH, 3, -25), ("01010102", 1, 40))


@dataclass(frozen=True)
class DemoDevelopment:
    cases: int
    members: int  # member records created by admission (预备党员)
    terms: int


def _publish(session: Session, actor: Actor, doc: DisclosureDocument) -> None:
    disclosure_workflow.approve(session, actor, doc, reviewer=REVIEWER)
    disclosure_workflow.publish(session, actor, doc)


def _tick(session: Session, actor: Actor, case: DevelopmentCase, on: date, today: date) -> None:
    for key, _label in rules.MATERIALS[case.stage]:
        dev.set_material(session, actor, case, key, min(on, today), today=today)


def _develop(
    session: Session,
    actor: Actor,
    org: Organization,
    people: list[int],
    spec: tuple[str, date, int, int, str],
    today: date,
) -> None:
    name, birth, seq, age_days, goal = spec
    applied = today - timedelta(days=age_days)
    new = dev.NewCase(
        org_id=org.id,
        name=name,
        id_number=compose_id_number("110105", birth, seq),
        applied_on=applied,
        education="大学本科",
        work_unit="示范区幸福社区",
    )
    case = dev.create_case(session, actor, new, today=today)
    if goal == "applicant":
        return
    if goal == "stopped":
        moves.stop_case(session, actor, case, applied + timedelta(days=40), "本人撤回入党申请")
        return
    dev.record_talk(session, actor, case, applied + timedelta(days=12), today=today)
    activist_on = applied + timedelta(days=45)
    moves.advance(session, actor, case, activist_on, today=today)
    dev.set_people(session, actor, case, contact_ids=people[:1])
    report = add_months(activist_on, 3) - timedelta(days=5)
    while report <= min(today, add_months(activist_on, 12)):
        dev.add_report(session, actor, case, report, today=today)
        report = add_months(report, 3)
    if goal == "activist":
        return
    _tick(session, actor, case, activist_on + timedelta(days=20), today)
    target_on = add_months(activist_on, 12) + timedelta(days=3)
    moves.advance(session, actor, case, target_on, today=today)
    dev.set_people(session, actor, case, sponsor_ids=people[:2])
    _tick(session, actor, case, target_on + timedelta(days=30), today)
    notice_on = min(target_on + timedelta(days=60), today - timedelta(days=3))
    _publish(session, actor, notices.open_notice(session, actor, case, on=notice_on))
    if goal == "target":
        return
    admitted_on = notice_on + timedelta(days=10)
    moves.record_branch_resolution(session, actor, case, admitted_on, today=today)
    moves.approve_admission(session, actor, case, admitted_on + timedelta(days=25), today=today)
    if goal == "probationary":
        return
    end = add_years(admitted_on, 1)
    _tick(session, actor, case, end - timedelta(days=15), today)
    _publish(session, actor, notices.open_notice(session, actor, case, on=end - timedelta(days=12)))
    moves.convert(session, actor, case, end + timedelta(days=20), today=today)


def _committee(session: Session, org: Organization) -> list[terms.Seat]:
    ids = session.scalars(
        select(Member.id)
        .join(Organization, Organization.id == Member.org_id)
        .where(
            Organization.path.startswith(org.path, autoescape=True),
            Member.archived.is_(False),
            Member.status == MemberStatus.FULL,
        )
        .order_by(Member.card_no)
        .limit(3)
    ).all()
    return [terms.Seat(i, p) for i, p in zip(ids, ("书记", "组织委员", "宣传委员"), strict=False)]


def load_demo_development(
    session: Session, actor: Actor, by_code: dict[str, Organization], today: date
) -> DemoDevelopment:
    branch = by_code[BRANCH]
    people = list(
        session.scalars(
            select(Member.id)
            .where(Member.org_id == branch.id, Member.status == MemberStatus.FULL)
            .order_by(Member.card_no.desc())
            .limit(2)
        )
    )
    cases = CASES if len(people) == 2 else ()  # a tiny demo may lack two full members
    for spec in cases:
        _develop(session, actor, branch, people, spec, today)
    for code, years, days in TERMS:
        org = by_code[code]
        start = add_years(today, -years) - timedelta(days=days)
        terms.record_term(
            session,
            actor,
            org.id,
            start,
            seats=_committee(session, org),
            today=today,
            note="党员大会选举产生（演示）",
        )
    admitted = sum(1 for spec in cases if spec[4] in ("probationary", "full"))
    return DemoDevelopment(cases=len(cases), members=admitted, terms=len(TERMS))
