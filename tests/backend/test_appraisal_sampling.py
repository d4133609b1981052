"""Sampling: the always-check list is always scored, the rest drawn with a recorded seed that
draws the same organizations again, and those not drawn keep their previous score
(docs/appraisal.md)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from backend.errors import Conflict
from backend.models import AppraisalSubject, AuditEntry
from backend.services import (
    appraisal_results,
    appraisal_rounds,
    appraisal_sampling,
    appraisal_templates,
)
from backend.settings import AppraisalSettings
from tests.builders import SYSTEM, Builders

SETTINGS = AppraisalSettings()
TREE = [
    {
        "name": "工作实绩",
        "weight": 100,
        "children": [{"name": "完成情况", "weight": 100, "standard": "按完成情况评分"}],
    }
]


def subjects_of(db, round_) -> dict[int, AppraisalSubject]:  # type: ignore[no-untyped-def]
    return {
        s.org_id: s
        for s in db.scalars(select(AppraisalSubject).where(AppraisalSubject.round_id == round_.id))
    }


def scored_round(db, template, orgs, quarter, points):  # type: ignore[no-untyped-def]
    round_ = appraisal_rounds.create_round(
        db,
        SYSTEM,
        SETTINGS,
        template=template,
        org=orgs["district"],
        year=2026,
        quarter=quarter,
        title=f"第{quarter}季度",
    )
    leaf = next(n for n in template.nodes if n.is_leaf)
    return round_, leaf, points


def score_all(db, round_, leaf, points: dict[int, str]) -> None:  # type: ignore[no-untyped-def]
    for org_id, subject in subjects_of(db, round_).items():
        if subject.sampled:
            appraisal_rounds.record_score(
                db, SYSTEM, subject, node_id=leaf.id, rater_kind="superior", points=points[org_id]
            )
    appraisal_results.score_round(db, SYSTEM, SETTINGS, round_)


def test_sampling_is_reproducible_and_carries_the_previous_score(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    template = appraisal_templates.create_template(
        db, SYSTEM, kind="org", year=2026, name="测试", tree=TREE
    )
    b1, b2, b3 = orgs["b1"].id, orgs["b2"].id, orgs["b3"].id
    first, leaf, _ = scored_round(db, template, orgs, 1, None)
    score_all(db, first, leaf, {b1: "91", b2: "72", b3: "65"})

    second, leaf, _ = scored_round(db, template, orgs, 2, None)
    appraisal_sampling.sample_round(db, SYSTEM, second, always_check=[b3], count=1, seed=20260401)
    drawn = {o for o, s in subjects_of(db, second).items() if s.sampled}
    assert b3 in drawn and len(drawn) == 2
    assert drawn - {b3} == appraisal_sampling.draw(
        sorted([b1, b2], key=lambda i: db.get(type(orgs["b1"]), i).code), 1, 20260401
    )

    # the same seed draws the same organizations in another round
    third, _leaf, _ = scored_round(db, template, orgs, 3, None)
    appraisal_sampling.sample_round(db, SYSTEM, third, always_check=[b3], count=1, seed=20260401)
    assert {o for o, s in subjects_of(db, third).items() if s.sampled} == drawn

    score_all(db, second, leaf, {b1: "80", b2: "88", b3: "70"})
    results = subjects_of(db, second)
    (carried_org,) = {b1, b2} - drawn
    carried = results[carried_org]
    assert not carried.sampled and carried.carried_from_id is not None
    assert carried.score_cp == {b1: 9100, b2: 7200}[carried_org]
    assert results[b3].score_cp == 7000 and results[b3].always_checked
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "appraisal.sample")).first()
    assert entry.after["seed"] == 20260401 and entry.after["always_check"] == [b3]
    with pytest.raises(Conflict, match="沿用上期得分"):
        appraisal_rounds.record_score(
            db,
            SYSTEM,
            subjects_of(db, third)[carried_org],
            node_id=leaf.id,
            rater_kind="superior",
            points="99",
        )


def test_without_a_previous_score_an_organization_is_always_checked(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    template = appraisal_templates.create_template(
        db, SYSTEM, kind="org", year=2026, name="测试", tree=TREE
    )
    round_, _leaf, _ = scored_round(db, template, orgs, 1, None)
    appraisal_sampling.sample_round(db, SYSTEM, round_, always_check=[], count=0, seed=7)
    assert all(s.sampled for s in subjects_of(db, round_).values())
