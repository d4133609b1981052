"""Sampling (抽查) an organization round: the organizations on the always-check list are always
scored, the others drawn at random with a recorded seed — the same seed draws the same
organizations again — and those not drawn carry their previous score forward
(docs/appraisal.md). An organization with no previous score is always checked.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import AppraisalRound, AppraisalSubject, Organization, utcnow
from backend.services import audit, policy
from backend.services.actor import Actor
from backend.services.appraisal_rounds import require_open
from backend.services.policy import Action


def draw(pool: list[int], count: int, seed: int) -> set[int]:
    """The drawn ids: ``pool`` in a fixed order (organization code), so a seed reproduces."""
    return set(random.Random(seed).sample(pool, min(count, len(pool))))


def sample_round(
    session: Session,
    actor: Actor,
    round_: AppraisalRound,
    *,
    always_check: Iterable[int],
    count: int,
    seed: int | None = None,
) -> AppraisalRound:
    policy.authorize(actor, Action.APPRAISAL_ROUND)
    require_open(round_)
    if round_.kind != "org":
        raise Invalid("民主评议党员不抽查，全部评议", code="appraisal_sample_kind")
    if count < 0:
        raise Invalid("抽查数量不能为负数", code="appraisal_sample_count")
    seed = secrets.randbelow(2**31) if seed is None else seed
    if not 0 <= seed < 2**31:
        raise Invalid("随机种子应为0到2147483647之间的整数", code="appraisal_seed")
    rows = session.execute(
        select(AppraisalSubject, Organization.code)
        .join(Organization, AppraisalSubject.org_id == Organization.id)
        .where(AppraisalSubject.round_id == round_.id)
        .order_by(Organization.code)
    ).all()
    subjects = [s for s, _ in rows]
    always = set(always_check)
    previous = _previous_subjects(session, round_, [s.org_id for s in subjects])
    pool = [s.org_id for s in subjects if s.org_id not in always and s.org_id in previous]
    drawn = draw(pool, count, seed)
    for subject in subjects:
        subject.always_checked = subject.org_id in always
        carried = previous.get(subject.org_id)
        checked = subject.always_checked or subject.org_id in drawn or carried is None
        subject.sampled = checked
        subject.carried_from_id = None if checked else carried.id  # type: ignore[union-attr]
    round_.sample_seed, round_.always_check = seed, sorted(always)
    round_.sampled_at = utcnow()
    session.flush()
    audit.record(
        session,
        actor,
        "appraisal.sample",
        "appraisal_round",
        round_.id,
        after={
            "seed": seed,
            "count": count,
            "always_check": sorted(always),
            "drawn": sorted(drawn),
            "carried": sorted(s.org_id for s in subjects if not s.sampled),
        },
    )
    return round_


def _previous_subjects(
    session: Session, round_: AppraisalRound, org_ids: list[int]
) -> dict[int, AppraisalSubject]:
    """Each organization's latest scored subject in an earlier organization round."""
    latest: dict[int, AppraisalSubject] = {}
    rows = session.scalars(
        select(AppraisalSubject)
        .join(AppraisalRound, AppraisalSubject.round_id == AppraisalRound.id)
        .where(
            AppraisalRound.kind == "org",
            AppraisalRound.id != round_.id,
            AppraisalRound.scored_at.is_not(None),
            AppraisalSubject.member_id.is_(None),
            AppraisalSubject.score_cp.is_not(None),
            AppraisalSubject.org_id.in_(org_ids),
        )
        .order_by(AppraisalRound.year, func.coalesce(AppraisalRound.quarter, 5), AppraisalRound.id)
    )
    for subject in rows:
        latest[subject.org_id] = subject
    return latest
