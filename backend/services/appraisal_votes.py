"""Satisfaction votes (满意度测评): a member, after tapping their card at the kiosk, rates their own
organization once per round; the votes become the automatic indicator ``satisfaction``
(docs/appraisal.md). One vote per member per round is the database's rule (a unique
constraint), so two kiosks tapped at once cannot both count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict, NotFound
from backend.models import AppraisalRound, AppraisalSubject, AppraisalVote, Member, Organization
from backend.services import audit
from backend.services.actor import Actor
from backend.services.appraisal_indicators import Context, Measure, indicator

CHOICES: dict[str, tuple[str, int]] = {
    "satisfied": ("满意", 100),
    "fair": ("基本满意", 60),
    "unsatisfied": ("不满意", 0),
}


@dataclass(frozen=True)
class Ballot:
    round_id: int
    title: str
    org_name: str
    voted: bool


def _subject_for(
    session: Session, round_: AppraisalRound, member: Member
) -> AppraisalSubject | None:
    """The member's own organization in the round, or its nearest ancestor that is a subject."""
    ancestors = [int(i) for i in member.org.path.strip("/").split("/") if i]
    subjects = {
        s.org_id: s
        for s in session.scalars(
            select(AppraisalSubject).where(
                AppraisalSubject.round_id == round_.id,
                AppraisalSubject.member_id.is_(None),
                AppraisalSubject.org_id.in_(ancestors),
            )
        )
    }
    for org_id in reversed(ancestors):
        if org_id in subjects:
            return subjects[org_id]
    return None


def open_ballots(session: Session, member: Member) -> list[Ballot]:
    """The open organization rounds in which this member may vote, and whether they have."""
    rounds = session.scalars(
        select(AppraisalRound)
        .where(AppraisalRound.kind == "org", AppraisalRound.state == "open")
        .order_by(AppraisalRound.id)
    ).all()
    out = []
    for round_ in rounds:
        subject = _subject_for(session, round_, member)
        if subject is None:
            continue
        voted = session.scalar(
            select(func.count()).where(
                AppraisalVote.round_id == round_.id, AppraisalVote.member_id == member.id
            )
        )
        out.append(Ballot(round_.id, round_.title, subject.org.name, bool(voted)))
    return out


def cast_vote(
    session: Session, device: Actor, member: Member, round_id: int, choice: str
) -> AppraisalVote:
    if choice not in CHOICES:
        raise Conflict("请选择满意、基本满意或不满意", code="vote_choice")
    round_ = session.get(AppraisalRound, round_id)
    subject = None
    if round_ is not None and round_.kind == "org" and round_.state == "open":
        subject = _subject_for(session, round_, member)
    if round_ is None or subject is None:
        raise NotFound("没有可参加的测评，或测评已结束", code="vote_round_not_found")
    vote = AppraisalVote(
        round_id=round_.id, subject_id=subject.id, member_id=member.id, choice=choice
    )
    try:
        with session.begin_nested():
            session.add(vote)
            session.flush()
    except IntegrityError:
        raise Conflict("您已参加过本次测评，每人限投一次", code="vote_duplicate") from None
    # the choice is not repeated in the audit trail: the row is the ballot
    audit.record(
        session,
        device,
        "appraisal.vote",
        "appraisal_round",
        round_.id,
        after={"member_id": member.id, "subject_id": subject.id},
    )
    return vote


@indicator("satisfaction", "党员满意度测评")
def satisfaction(ctx: Context, subjects: Sequence[Organization]) -> dict[int, Measure]:
    counts: dict[int, dict[str, int]] = {}
    if ctx.round_id is not None:
        rows = ctx.session.execute(
            select(AppraisalVote.subject_id, AppraisalVote.choice, func.count())
            .where(AppraisalVote.round_id == ctx.round_id)
            .group_by(AppraisalVote.subject_id, AppraisalVote.choice)
        ).all()
        for subject_id, choice, n in rows:
            counts.setdefault(subject_id, {})[choice] = n
    out = {}
    for org in subjects:
        tally = counts.get(ctx.subject_ids.get(org.id, -1), {})
        total = sum(tally.values())
        if not total:
            out[org.id] = Measure(None, "本轮无人参加满意度测评，本项不计", {"votes": 0})
            continue
        parts = [(CHOICES[c][0], tally.get(c, 0), CHOICES[c][1]) for c in CHOICES]
        value = Fraction(sum(n * p for _, n, p in parts), total)
        terms = " + ".join(f"{label}{n}票×{p}" for label, n, p in parts)
        out[org.id] = Measure(
            value,
            f"满意度 = ({terms}) ÷ {total}票 = {float(value):.2f}分",
            {"votes": total} | {c: tally.get(c, 0) for c in CHOICES},
        )
    return out
