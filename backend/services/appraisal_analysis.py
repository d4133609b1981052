"""Analysis of assessment results (docs/appraisal.md): the comparison of the subjects of one
round, each organization's trend over the rounds before, and the average per category."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.models import AppraisalRound, AppraisalSubject
from backend.services.appraisal_indicators import Period
from backend.services.appraisal_publish import ranking, subject_name


@dataclass(frozen=True)
class Bar:
    label: str
    score_cp: int
    grade: str


@dataclass(frozen=True)
class Series:
    label: str
    points: list[int | None]  # score cp per period, None where not assessed


@dataclass(frozen=True)
class Trend:
    periods: list[str]
    series: list[Series]


def comparison(session: Session, round_: AppraisalRound) -> list[Bar]:
    return [
        Bar(subject_name(s), s.score_cp or 0, s.grade or "")
        for s in ranking(session, round_)
        if s.score_cp is not None
    ]


def period_label(round_: AppraisalRound) -> str:
    return Period(round_.year, round_.quarter).label


def trend(session: Session, round_: AppraisalRound, *, top: int = 6, periods: int = 8) -> Trend:
    """The scores of this round's best-placed ``top`` organizations over the last ``periods``
    scored organization rounds up to this one run by the same organization."""
    if round_.kind != "org":
        return Trend([], [])
    rounds = session.scalars(
        select(AppraisalRound)
        .where(
            AppraisalRound.kind == "org",
            AppraisalRound.org_id == round_.org_id,
            AppraisalRound.scored_at.is_not(None),
            (AppraisalRound.year * 10 + func.coalesce(AppraisalRound.quarter, 5))
            <= round_.year * 10 + (round_.quarter or 5),
        )
        .order_by(
            AppraisalRound.year.desc(),
            func.coalesce(AppraisalRound.quarter, 5).desc(),
            AppraisalRound.id.desc(),
        )
        .limit(periods)
    ).all()[::-1]
    leaders = [s for s in ranking(session, round_) if s.score_cp is not None][:top]
    org_ids = [s.org_id for s in leaders]
    scores = {
        (r, o): cp
        for r, o, cp in session.execute(
            select(
                AppraisalSubject.round_id, AppraisalSubject.org_id, AppraisalSubject.score_cp
            ).where(
                AppraisalSubject.round_id.in_([r.id for r in rounds]),
                AppraisalSubject.org_id.in_(org_ids),
                AppraisalSubject.member_id.is_(None),
            )
        )
    }
    return Trend(
        [period_label(r) for r in rounds],
        [Series(subject_name(s), [scores.get((r.id, s.org_id)) for r in rounds]) for s in leaders],
    )
