"""A full assessment round on built data: three kinds of raters, automatic indicators from the
ledger, remittances, letters and kiosk votes, checked against figures worked out by hand
(docs/appraisal.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from backend.errors import Conflict, Forbidden, Invalid
from backend.models import (
    AppraisalAutoValue,
    AppraisalNode,
    AppraisalSubject,
    AuditEntry,
    DuesMonth,
    Letter,
    LetterKind,
    LetterState,
    RemittanceBatch,
    RemittanceState,
)
from backend.services import (
    appraisal_results,
    appraisal_rounds,
    appraisal_templates,
    appraisal_votes,
)
from backend.services.actor import Actor
from backend.services.demo_appraisal import EXAMPLE_TREE
from backend.settings import AppraisalSettings
from tests.builders import SYSTEM, Builders

SETTINGS = AppraisalSettings()

TREE = [
    {
        "name": "组织建设",
        "weight": 60,
        "children": [
            {
                "name": "党员管理",
                "weight": 100,
                "children": [
                    {
                        "name": "党费收缴率",
                        "weight": 40,
                        "standard": "收缴率×100",
                        "source": "dues_collection",
                    },
                    {
                        "name": "按月交纳",
                        "weight": 20,
                        "standard": "比例×100",
                        "source": "dues_on_time",
                    },
                    {
                        "name": "按时汇缴",
                        "weight": 20,
                        "standard": "比例×100",
                        "source": "remittance_on_time",
                    },
                    {
                        "name": "介绍信回执",
                        "weight": 20,
                        "standard": "比例×100",
                        "source": "letters_returned",
                    },
                ],
            }
        ],
    },
    {
        "name": "作风建设",
        "weight": 40,
        "children": [
            {
                "name": "服务群众",
                "weight": 100,
                "children": [
                    {"name": "工作实绩", "weight": 50, "standard": "按完成情况评分"},
                    {
                        "name": "满意度",
                        "weight": 50,
                        "standard": "测评平均分",
                        "source": "satisfaction",
                    },
                ],
            }
        ],
    },
]


def at(y: int, m: int, d: int) -> datetime:
    """A payment moment in hall time (noon in Shanghai is 04:00 UTC)."""
    return datetime(y, m, d, 4, 0, tzinfo=UTC).replace(tzinfo=None)


def months(build: Builders, member, paid: dict[int, datetime | None]) -> None:  # type: ignore[no-untyped-def]
    for month in (1, 2, 3):
        when = paid.get(month)
        build.session.add(
            DuesMonth(
                member_id=member.id,
                org_id=member.org_id,
                year=2026,
                month=month,
                due_fen=member.monthly_dues_fen,
                paid_fen=member.monthly_dues_fen if when else 0,
                paid_at=when,
            )
        )


def batch(org, confirmed: datetime) -> RemittanceBatch:  # type: ignore[no-untyped-def]
    return RemittanceBatch(
        org_id=org.id,
        year=2026,
        seq=1,
        start_month=1,
        end_month=3,
        cutoff=date(2026, 3, 31),
        state=RemittanceState.CONFIRMED,
        created_by="t",
        confirmed_at=confirmed,
        confirmed_by="t",
    )


def letter(org, member, seq: int, returned: date | None) -> Letter:  # type: ignore[no-untyped-def]
    return Letter(
        kind=LetterKind.INTRODUCTION,
        number=f"2026J{seq:04d}",
        issuer_org_id=org.id,
        year=2026,
        seq=seq,
        member_id=member.id,
        state=LetterState.RETURNED if returned else LetterState.ISSUED,
        from_name=org.name,
        to_name="外区某党委",
        issued_on=date(2026, 2, 1),
        valid_until=date(2026, 3, 2),
        payload={},
        returned_on=returned,
        created_by="t",
    )


@pytest.fixture
def scene(db, build: Builders):  # type: ignore[no-untyped-def]
    orgs = build.district()
    m1 = build.member(orgs["b1"], name="甲一", monthly_fen=5000)
    m2 = build.member(orgs["b1"], name="甲二", monthly_fen=3000)
    m3 = build.member(orgs["b2"], name="乙一", monthly_fen=5000)
    m4 = build.member(orgs["b3"], name="丙一", monthly_fen=2000)
    months(build, m1, {1: at(2026, 1, 10), 2: at(2026, 3, 5)})
    months(build, m2, {1: at(2026, 1, 5), 2: at(2026, 2, 5), 3: at(2026, 3, 5)})
    months(build, m3, {1: at(2026, 1, 5), 2: at(2026, 2, 5), 3: at(2026, 3, 5)})
    months(build, m4, {})
    db.add(batch(orgs["b1"], at(2026, 4, 10)))  # within 15 days of the quarter's end
    db.add(batch(orgs["b2"], at(2026, 4, 30)))  # late
    db.add(letter(orgs["b1"], m1, 1, date(2026, 2, 20)))
    db.add(letter(orgs["b2"], m3, 2, None))  # expired without its receipt
    template = appraisal_templates.create_template(
        db, SYSTEM, kind="org", year=2026, name="测试指标", tree=TREE, bonus_cap=5, deduction_cap=10
    )
    round_ = appraisal_rounds.create_round(
        db,
        SYSTEM,
        SETTINGS,
        template=template,
        org=orgs["district"],
        year=2026,
        quarter=1,
        title="2026年第1季度支部考核",
    )
    subjects = {
        s.org_id: s
        for s in db.scalars(select(AppraisalSubject).where(AppraisalSubject.round_id == round_.id))
    }
    nodes = {
        n.name: n
        for n in db.scalars(select(AppraisalNode).where(AppraisalNode.template_id == template.id))
    }
    users = {
        "b1": Actor.for_user(build.user(orgs["b1"], "b1staff")),
        "b3": Actor.for_user(build.user(orgs["b3"], "b3staff")),
        "top": Actor.for_user(build.user(orgs["district"], "district")),
    }
    db.flush()
    return orgs, round_, subjects, nodes, users, (m1, m2, m3, m4)


def test_a_full_round_matches_the_hand_computed_figures(db, scene) -> None:  # type: ignore[no-untyped-def]
    orgs, round_, subjects, nodes, users, (m1, m2, _m3, m4) = scene
    work = nodes["工作实绩"].id
    s1, s2, s3 = subjects[orgs["b1"].id], subjects[orgs["b2"].id], subjects[orgs["b3"].id]
    score = appraisal_rounds.record_score
    score(db, users["b1"], s1, node_id=work, rater_kind="self", points="95")
    score(
        db,
        users["top"],
        s1,
        node_id=work,
        rater_kind="peer",
        points="85",
        rater="幸福社区第二党支部",
    )
    score(db, users["top"], s1, node_id=work, rater_kind="peer", points="75", rater="机关党支部")
    score(db, users["top"], s1, node_id=work, rater_kind="superior", points="90")
    score(db, users["top"], s2, node_id=work, rater_kind="superior", points="70")
    score(db, users["b3"], s3, node_id=work, rater_kind="self", points="100")
    device = Actor("device", 1, "kiosk:test")
    appraisal_votes.cast_vote(db, device, m1, round_.id, "satisfied")
    appraisal_votes.cast_vote(db, device, m2, round_.id, "fair")
    appraisal_votes.cast_vote(db, device, m4, round_.id, "unsatisfied")

    outcome = appraisal_results.score_round(db, users["top"], SETTINGS, round_)
    assert (outcome.scored, outcome.carried, outcome.excellent) == (3, 0, 0)

    auto = {(v.subject_id, v.node_id): v for v in db.scalars(select(AppraisalAutoValue))}
    collection = auto[(s1.id, nodes["党费收缴率"].id)]
    # 甲一 paid Jan and Feb (100.00), 甲二 all three months (90.00) of 240.00 due
    assert collection.figures == {"due_fen": 24000, "paid_fen": 19000}
    assert collection.points_cp == 7917
    assert "190.00元 ÷ 应交 240.00元 = 79.17%" in collection.formula
    on_time = auto[(s1.id, nodes["按月交纳"].id)]
    assert on_time.figures == {"months": 6, "on_time": 4} and on_time.points_cp == 6667
    assert auto[(s1.id, nodes["按时汇缴"].id)].points_cp == 10000
    assert auto[(s2.id, nodes["按时汇缴"].id)].points_cp == 0
    assert auto[(s3.id, nodes["按时汇缴"].id)].formula.endswith("无汇缴记录，按0分计")
    assert auto[(s1.id, nodes["介绍信回执"].id)].points_cp == 10000
    assert auto[(s2.id, nodes["介绍信回执"].id)].points_cp == 0
    assert auto[(s3.id, nodes["介绍信回执"].id)].points_cp is None
    satisfaction = auto[(s1.id, nodes["满意度"].id)]
    assert satisfaction.points_cp == 8000 and "满意1票×100 + 基本满意1票×60" in satisfaction.formula
    assert auto[(s2.id, nodes["满意度"].id)].points_cp is None

    for s in (s1, s2, s3):
        db.refresh(s)
    # 工作实绩 of 幸福一支部: 0.2×95 + 0.3×(85+75)/2 + 0.5×90 = 88
    # 0.24×79.1667 + 0.12×66.6667 + 0.12×100 + 0.12×100 + 0.2×88 + 0.2×80 = 84.60
    assert (s1.score_cp, s1.rank, s1.grade) == (8460, 1, "良好")
    # no votes: (0.24×100 + 0.12×100 + 0.2×70) ÷ 0.8 = 62.50
    assert (s2.score_cp, s2.rank, s2.grade) == (6250, 2, "合格")
    # no letters: 0.2×100 ÷ 0.88 = 22.73
    assert (s3.score_cp, s3.rank, s3.grade) == (2273, 3, "不合格")


def test_raters_are_who_they_say(db, scene) -> None:  # type: ignore[no-untyped-def]
    orgs, _round, subjects, nodes, users, _members = scene
    s1 = subjects[orgs["b1"].id]
    with pytest.raises(Forbidden):
        appraisal_rounds.record_score(
            db, users["top"], s1, node_id=nodes["工作实绩"].id, rater_kind="self", points=90
        )
    with pytest.raises(Forbidden):
        appraisal_rounds.record_score(
            db, users["b1"], s1, node_id=nodes["工作实绩"].id, rater_kind="superior", points=90
        )
    with pytest.raises(Invalid, match="自动计算"):
        appraisal_rounds.record_score(
            db, users["b1"], s1, node_id=nodes["满意度"].id, rater_kind="self", points=90
        )
    with pytest.raises(Invalid, match="0到100分"):
        appraisal_rounds.record_score(
            db, users["b1"], s1, node_id=nodes["工作实绩"].id, rater_kind="self", points="100.5"
        )
    with pytest.raises(Invalid, match="尚未评分"):
        appraisal_results.score_round(db, users["top"], SETTINGS, _round)


def test_one_vote_per_member_per_round(db, scene) -> None:  # type: ignore[no-untyped-def]
    _orgs, round_, _subjects, _nodes, _users, (m1, *_rest) = scene
    device = Actor("device", 1, "kiosk:test")
    appraisal_votes.cast_vote(db, device, m1, round_.id, "satisfied")
    with pytest.raises(Conflict, match="每人限投一次"):
        appraisal_votes.cast_vote(db, device, m1, round_.id, "unsatisfied")
    assert [b.voted for b in appraisal_votes.open_ballots(db, m1)] == [True]


def test_an_adjustment_needs_a_reason_is_capped_and_audited(db, scene) -> None:  # type: ignore[no-untyped-def]
    orgs, round_, subjects, nodes, users, _members = scene
    work = nodes["工作实绩"].id
    for org in ("b1", "b2", "b3"):
        appraisal_rounds.record_score(
            db, users["top"], subjects[orgs[org].id], node_id=work, rater_kind="superior", points=80
        )
    appraisal_results.score_round(db, users["top"], SETTINGS, round_)
    s1 = subjects[orgs["b1"].id]
    db.refresh(s1)
    before = s1.score_cp
    with pytest.raises(Invalid, match="理由"):
        appraisal_results.add_adjustment(db, users["top"], SETTINGS, s1, points=2, reason=" ")
    appraisal_results.add_adjustment(
        db, users["top"], SETTINGS, s1, points="4", reason="获评区级示范党支部"
    )
    appraisal_results.add_adjustment(
        db, users["top"], SETTINGS, s1, points="3", reason="承办全区现场观摩会"
    )
    db.refresh(s1)
    assert s1.score_cp == before + 500  # 7 points of additions, capped at the template's 5
    entries = db.scalars(
        select(AuditEntry).where(AuditEntry.action == "appraisal.adjust").order_by(AuditEntry.id)
    ).all()
    assert [e.after["reason"] for e in entries] == ["获评区级示范党支部", "承办全区现场观摩会"]
    assert entries[-1].before["score_cp"] == before + 400
    assert entries[-1].after["score_cp"] == before + 500
    assert entries[-1].actor_name == "district"


def test_the_example_template_is_the_seeds_tree() -> None:
    assert [(c["name"], c["weight"]) for c in EXAMPLE_TREE] == [
        ("政治建设", 30),
        ("思想建设", 20),
        ("组织建设", 25),
        ("作风建设", 15),
        ("纪律建设", 10),
    ]


def test_templates_are_versioned_and_checked(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    first = appraisal_templates.create_template(
        db, SYSTEM, kind="org", year=2026, name="甲", tree=EXAMPLE_TREE
    )
    second = appraisal_templates.create_template(
        db, SYSTEM, kind="org", year=2026, name="乙", tree=appraisal_templates.tree_of(db, first)
    )
    assert (first.version, second.version) == (1, 2)
    assert appraisal_templates.tree_of(db, second) == appraisal_templates.tree_of(db, first)
    bad = [
        {"name": "甲", "weight": 60, "standard": "x"},
        {"name": "乙", "weight": 30, "standard": "x"},
    ]
    with pytest.raises(Invalid, match="权重之和应为100，现为90"):
        appraisal_templates.create_template(db, SYSTEM, kind="org", year=2026, name="丙", tree=bad)
    no_standard = [{"name": "甲", "weight": 100}]
    with pytest.raises(Invalid, match="评分标准"):
        appraisal_templates.create_template(
            db, SYSTEM, kind="org", year=2026, name="丁", tree=no_standard
        )


def test_the_demo_opens_a_round_of_this_quarter_over_the_branches(db, build: Builders) -> None:  # type: ignore[no-untyped-def]
    from backend.services.demo_appraisal import seed_appraisal

    orgs = build.district()
    round_ = seed_appraisal(db, SYSTEM, {o.code: o for o in orgs.values()}, date(2026, 5, 20))
    assert (round_.year, round_.quarter, round_.state) == (2026, 2, "open")
    subjects = db.scalars(select(AppraisalSubject).where(AppraisalSubject.round_id == round_.id))
    assert sorted(s.org.name for s in subjects) == [
        "幸福社区第一党支部",
        "幸福社区第二党支部",
        "机关党支部",
    ]
    sources = {n.source for n in round_.template.nodes if n.source}
    assert sources == {
        "dues_collection",
        "dues_on_time",
        "remittance_on_time",
        "transfer_notices_on_time",
        "letters_returned",
        "satisfaction",
    }
    assert (round_.template.bonus_cap_cp, round_.template.deduction_cap_cp) == (500, 1000)


def test_self_assessment_evidence_is_checked_and_kept(db, scene) -> None:  # type: ignore[no-untyped-def]
    from backend.models import MediaFile
    from backend.services.media import NewMedia

    orgs, _round, subjects, nodes, users, _members = scene
    s1, work = subjects[orgs["b1"].id], nodes["工作实绩"].id
    with pytest.raises(Invalid, match="不是PNG"):
        appraisal_rounds.add_evidence(
            db, users["b1"], s1, node_id=work, file=NewMedia("假图片.png", b"not an image")
        )
    with pytest.raises(Forbidden):
        appraisal_rounds.add_evidence(
            db, users["top"], s1, node_id=work, file=NewMedia("a.txt", b"x", attachment=True)
        )
    kept = appraisal_rounds.add_evidence(
        db,
        users["b1"],
        s1,
        node_id=work,
        file=NewMedia("工作总结.txt", "全年开展主题党日12次".encode(), attachment=True),
        note="年度工作总结",
    )
    assert db.get(MediaFile, kept.media_id).filename == "工作总结.txt"
    assert [e.note for e in appraisal_rounds.evidence_of(db, s1)] == ["年度工作总结"]
    entry = db.scalars(select(AuditEntry).where(AuditEntry.action == "appraisal.evidence")).one()
    assert entry.after["file"]["filename"] == "工作总结.txt"
