"""The steps after acceptance: route → (schedule a talk) → reply → close (docs/cases.md).

Each step locks the case row, checks its state, writes a ``CaseStep`` and an audit entry in the
same transaction. Who may take a step is the policy (``case.handle``) plus scope:

- routing and closing belong to the case's own organization's subtree;
- the reply belongs to the routed organization's subtree (or, for a case routed to a partner
  unit or a person only, to the case's own organization, which records what they answered).
"""

from __future__ import annotations

import re
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Forbidden, Invalid
from backend.models import Case, CaseState, CaseType
from backend.models.base import utcnow
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.cases import add_step, clean_text, get_case, image
from backend.services.policy import Action
from backend.services.scope import get_org, path_in_scope

_TIME = re.compile(r"([01]\d|2[0-3]):[0-5]\d")


def _lock(session: Session, actor: Actor, case_id: int) -> Case:
    case = get_case(session, actor, case_id)
    session.execute(
        select(Case)
        .where(Case.id == case.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return case


def _own_side(actor: Actor, case: Case, what: str) -> None:
    if not path_in_scope(actor, case.org.path):
        raise Forbidden(f"{what}须由{case.org.name}或其上级办理", code="case_not_own")


def route(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    org_id: int | None = None,
    partner: str = "",
    person: str = "",
    note: str = "",
) -> Case:
    """Send the case to the unit that answers it: an organization in the actor's subtree
    (a community, a branch), a partner unit by name, and/or a named person (a secretary)."""
    policy.authorize(actor, Action.CASE_HANDLE)
    case = _lock(session, actor, case_id)
    _own_side(actor, case, "转办")
    if case.state not in (CaseState.ACCEPTED, CaseState.ROUTED):
        raise Conflict(f"该事项{case.state.label}，不能再转办", code="case_state")
    partner = clean_text(partner, "合作单位名称", 100)
    person = clean_text(person, "承办人", 50)
    if org_id is None and not partner and not person:
        raise Invalid("请选择承办组织，或填写合作单位、承办人", code="route_missing")
    before = image(case)
    target = get_org(session, actor, org_id) if org_id is not None else None
    case.routed_org = target
    case.routed_org_id = target.id if target is not None else None
    case.routed_partner = partner or None
    case.routed_person = person or None
    case.routed_at = utcnow()
    case.state = CaseState.ROUTED
    session.flush()
    text = f"转办至{case.routed_to}" + (f"；{clean_text(note, '转办说明', 200)}" if note else "")
    add_step(session, actor, case, "route", text)
    audit.record(session, actor, "case.route", "case", case.id, before=before, after=image(case))
    return case


def schedule_talk(
    session: Session,
    actor: Actor,
    case_id: int,
    *,
    talk_on: date,
    talk_time: str,
    place: str,
    person: str = "",
) -> Case:
    """Fix when and where a 约谈 takes place, and who meets the member."""
    policy.authorize(actor, Action.CASE_HANDLE)
    case = _lock(session, actor, case_id)
    if case.case_type is not CaseType.TALK:
        raise Invalid("只有约谈需要安排时间地点", code="not_a_talk")
    _own_side(actor, case, "安排约谈")
    if case.state not in (CaseState.ACCEPTED, CaseState.ROUTED):
        raise Conflict(f"该约谈{case.state.label}，不能再安排", code="case_state")
    if not _TIME.fullmatch((talk_time or "").strip()):
        raise Invalid("约谈时间请按“时:分”填写，如 09:30", code="talk_time")
    before = image(case)
    case.talk_on = talk_on
    case.talk_time = talk_time.strip()
    case.talk_place = clean_text(place, "约谈地点", 100, required=True)
    if person:
        case.routed_person = clean_text(person, "约谈人", 50)
    if case.state is CaseState.ACCEPTED:
        case.state = CaseState.ROUTED
        case.routed_at = utcnow()
    session.flush()
    who = f"，{case.routed_person}" if case.routed_person else ""
    add_step(
        session,
        actor,
        case,
        "schedule",
        f"约谈安排：{talk_on:%Y-%m-%d} {case.talk_time}，{case.talk_place}{who}",
    )
    audit.record(
        session,
        actor,
        "case.schedule",
        "case",
        case.id,
        before=before,
        after={**image(case), "talk_on": talk_on.isoformat(), "talk_time": case.talk_time},
    )
    return case


def may_reply(actor: Actor, case: Case) -> bool:
    if case.routed_org is not None:
        return path_in_scope(actor, case.routed_org.path)
    return path_in_scope(actor, case.org.path)


def reply(session: Session, actor: Actor, case_id: int, *, text: str, attendees: str = "") -> Case:
    """The answering unit's reply; for a 约谈, also who attended."""
    policy.authorize(actor, Action.CASE_HANDLE)
    case = _lock(session, actor, case_id)
    if not may_reply(actor, case):
        raise Forbidden(f"该事项已转办{case.routed_to}，由其答复", code="case_not_routed_here")
    if case.state not in (CaseState.ACCEPTED, CaseState.ROUTED):
        raise Conflict(f"该事项{case.state.label}，不能再答复", code="case_state")
    body = clean_text(text, "答复意见", 500, required=True)
    if case.case_type is CaseType.TALK:
        case.talk_attendees = clean_text(attendees, "参加约谈人员", 200, required=True)
    before = image(case)
    case.reply = body
    case.replied_at = utcnow()
    case.replied_by = actor.display_name
    case.state = CaseState.REPLIED
    session.flush()
    add_step(session, actor, case, "reply", body)
    audit.record(session, actor, "case.reply", "case", case.id, before=before, after=image(case))
    return case


def close(session: Session, actor: Actor, case_id: int, *, outcome: str) -> Case:
    """Close an answered case with its outcome (办理结果)."""
    policy.authorize(actor, Action.CASE_HANDLE)
    case = _lock(session, actor, case_id)
    _own_side(actor, case, "办结")
    if case.state is not CaseState.REPLIED:
        raise Conflict(
            "该事项已办结" if case.state is CaseState.CLOSED else "该事项尚未答复，不能办结",
            code="case_state",
        )
    before = image(case)
    case.outcome = clean_text(outcome, "办理结果", 300, required=True)
    case.closed_at = utcnow()
    case.closed_by = actor.display_name
    case.state = CaseState.CLOSED
    session.flush()
    add_step(session, actor, case, "close", case.outcome)
    audit.record(session, actor, "case.close", "case", case.id, before=before, after=image(case))
    return case
