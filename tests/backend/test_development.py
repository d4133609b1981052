"""Member development (发展党员): a case through every stage under the rules of
docs/member-development.md — a move that breaks a time rule is refused with the rule named, the
公示 goes through the disclosure workflow onto the public board, admission creates the member and
conversion changes the member's status with its audit row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from backend.errors import Forbidden, Invalid, NotFound
from backend.models import AuditEntry, DevelopmentCase, DevStage, Member, MemberStatus, Role
from backend.services import development as dev
from backend.services import development_moves as moves
from backend.services import development_notices as notices
from backend.services import development_rules as rules
from backend.services import disclosure_workflow, warnings_board
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from backend.services.idnumber import compose_id_number
from backend.services.probation import add_years
from backend.services.transfers import add_months
from backend.settings import DuesSettings, Settings
from tests.backend.test_disclosure_helpers import categories
from tests.builders import SYSTEM, Builders

TODAY = hall_today(DuesSettings())
BIRTH = date(2000, 3, 15)


def _setup(build: Builders, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    categories(db)
    a = build.member(orgs["b1"], name="培养人甲")
    b = build.member(orgs["b1"], name="介绍人乙", birth=date(1975, 1, 2))
    branch = Actor.for_user(build.user(orgs["b1"], "zhibu"))
    committee = Actor.for_user(build.user(orgs["c1"], "dangwei"))
    return orgs, (a, b), branch, committee


def _open(db, actor, org, applied: date, *, name: str = "林小华", seq: int = 7):  # type: ignore[no-untyped-def]
    return dev.create_case(
        db,
        actor,
        dev.NewCase(
            org_id=org.id,
            name=name,
            id_number=compose_id_number("110105", BIRTH, seq),
            applied_on=applied,
            education="大学本科",
            work_unit="示范区第一中学",
        ),
        today=TODAY,
    )


def _tick(db, actor, case, day: date) -> None:  # type: ignore[no-untyped-def]
    for key, _label in rules.MATERIALS[case.stage]:
        dev.set_material(db, actor, case, key, day, today=TODAY)


def _publish(db, doc) -> None:  # type: ignore[no-untyped-def]
    """Another person passes the secrecy review and publishes (the disclosure workflow)."""
    disclosure_workflow.approve(db, SYSTEM, doc, reviewer="保密审查员")
    disclosure_workflow.publish(db, SYSTEM, doc)


def test_a_case_goes_through_every_stage_and_refuses_moves_that_break_a_rule(build, db) -> None:
    orgs, (contact, sponsor), branch, committee = _setup(build, db)
    applied = TODAY - timedelta(days=900)
    case = _open(db, branch, orgs["b1"], applied)
    assert case.stage is DevStage.APPLICANT and case.birth_date == BIRTH

    with pytest.raises(Invalid, match="须先登记入党谈话"):
        moves.advance(db, branch, case, applied + timedelta(days=30), today=TODAY)
    dev.record_talk(db, branch, case, applied + timedelta(days=10), today=TODAY)
    _tick(db, branch, case, applied + timedelta(days=10))
    activist_on = applied + timedelta(days=40)
    moves.advance(db, branch, case, activist_on, today=TODAY)
    assert case.stage is DevStage.ACTIVIST
    dev.set_people(db, branch, case, contact_ids=[contact.id])
    dev.add_report(db, branch, case, activist_on + timedelta(days=80), today=TODAY)
    _tick(db, branch, case, activist_on + timedelta(days=30))

    # Half a year as an activist is not enough: refused, the rule named.
    with pytest.raises(Invalid) as refused:
        moves.advance(db, branch, case, activist_on + timedelta(days=200), today=TODAY)
    assert "入党积极分子经一年以上培养考察方可列为发展对象" in refused.value.message
    assert refused.value.code == "rule_activist_year"
    assert case.stage is DevStage.ACTIVIST

    target_on = add_months(activist_on, 12)
    moves.advance(db, branch, case, target_on, today=TODAY)
    assert case.stage is DevStage.TARGET
    _tick(db, branch, case, target_on + timedelta(days=5))
    dev.set_people(db, branch, case, sponsor_ids=[contact.id, sponsor.id])

    with pytest.raises(Invalid, match="须先经公示"):
        moves.record_branch_resolution(db, branch, case, target_on + timedelta(30), today=TODAY)
    notice_on = target_on + timedelta(days=10)
    notice = notices.open_notice(db, branch, case, on=notice_on)
    assert notice.category.name == "发展党员公示" and "林小华" in notice.title
    assert "110105" not in notice.body_md  # no ID number in a public notice
    _publish(db, notice)
    with pytest.raises(Invalid) as refused:
        moves.record_branch_resolution(db, branch, case, notice_on + timedelta(2), today=TODAY)
    assert "发展对象公示期不少于5个工作日" in refused.value.message

    admitted_on = notice_on + timedelta(days=14)
    moves.record_branch_resolution(db, branch, case, admitted_on, today=TODAY)
    # The branch may not approve its own resolution: that is the 党委's.
    with pytest.raises(Forbidden) as forbidden:
        moves.approve_admission(db, branch, case, admitted_on + timedelta(20), today=TODAY)
    assert forbidden.value.code == "level_forbidden"
    moves.approve_admission(db, committee, case, admitted_on + timedelta(days=20), today=TODAY)
    member = db.get(Member, case.member_id)
    assert case.stage is DevStage.PROBATIONARY
    assert member.status is MemberStatus.PROBATIONARY and member.joined_date == admitted_on
    assert member.org_id == orgs["b1"].id and member.card_no

    end = add_years(admitted_on, 1)
    _tick(db, branch, case, end - timedelta(days=30))
    conversion = notices.open_notice(db, branch, case, on=end - timedelta(days=20))
    _publish(db, conversion)
    with pytest.raises(Invalid) as early:
        moves.convert(db, committee, case, end - timedelta(days=3), today=TODAY)
    assert "预备期一年，期满方可转为正式党员" in early.value.message
    assert member.status is MemberStatus.PROBATIONARY

    moves.convert(db, committee, case, end + timedelta(days=10), today=TODAY)
    db.commit()
    assert case.stage is DevStage.FULL and case.full_on == end
    db.refresh(member)
    assert member.status is MemberStatus.FULL and member.full_member_date == end
    audit = db.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "member.convert", AuditEntry.entity_id == str(member.id)
        )
    ).one()
    assert audit.before["status"] == "probationary" and audit.after["status"] == "full"
    actions = set(
        db.scalars(
            select(AuditEntry.action).where(
                AuditEntry.entity_type == "development_case", AuditEntry.entity_id == str(case.id)
            )
        )
    )
    assert {"development.create", "development.activist", "development.target"} <= actions
    assert {"development.probationary", "development.full", "development.notice"} <= actions


def test_an_applicant_under_eighteen_is_refused_with_the_rule_named(build, db) -> None:
    orgs, _people, branch, _committee = _setup(build, db)
    with pytest.raises(Invalid) as refused:
        _open(db, branch, orgs["b1"], date(2018, 3, 14))
    assert "年满十八周岁方可申请入党" in refused.value.message
    assert db.scalar(select(DevelopmentCase.id)) is None


def test_deadlines_near_or_past_are_on_the_warnings_board(build, db) -> None:
    orgs, (contact, _sponsor), branch, committee = _setup(build, db)
    late = _open(db, branch, orgs["b1"], TODAY - timedelta(days=20), name="待谈话")
    fine = _open(db, branch, orgs["b1"], TODAY - timedelta(days=1), name="刚申请", seq=9)
    db.commit()
    hall = Settings(development_warning_days=15)
    board = warnings_board.board(db, branch, TODAY, DuesSettings(), hall=hall)
    rows = board.development.deadlines.rows
    assert [(r.name, r.due_label) for r in rows] == [("待谈话", "入党谈话到期")]
    assert rows[0].due_on == add_months(late.applied_on, 1)
    assert rows[0].rule_name == "收到入党申请书后一个月内派人谈话"
    assert board.total >= 1 and fine.id not in {r.case_id for r in rows}

    # Recording the talk takes it off the board.
    dev.record_talk(db, branch, late, TODAY, today=TODAY)
    db.commit()
    board = warnings_board.board(db, branch, TODAY, DuesSettings(), hall=hall)
    assert board.development.deadlines.total == 0
    # Another branch's staff never see the case.
    other = Actor.for_user(build.user(orgs["b2"], "other"))
    with pytest.raises(NotFound):
        dev.get_case(db, other, late.id)


def test_the_admission_notice_is_on_the_public_board(client, build, db) -> None:
    orgs, (contact, sponsor), branch, _committee = _setup(build, db)
    case = _open(db, branch, orgs["b1"], TODAY - timedelta(days=500), name="公示人")
    db.execute(
        DevelopmentCase.__table__.update()
        .where(DevelopmentCase.id == case.id)
        .values(stage=DevStage.TARGET.name, target_on=TODAY - timedelta(days=20))
    )
    db.refresh(case)
    dev.set_people(db, branch, case, sponsor_ids=[contact.id, sponsor.id])
    doc = notices.open_notice(db, branch, case)
    key = build.device()
    db.commit()
    headers = {"X-Device-Key": key}
    titles = {
        i["title"] for i in client.get("/api/v1/kiosk/disclosure", headers=headers).json["items"]
    }
    assert "发展党员公示：公示人" not in titles  # not before the secrecy review and publishing
    _publish(db, doc)
    db.commit()
    items = client.get("/api/v1/kiosk/disclosure", headers=headers).json["items"]
    assert "发展党员公示：公示人" in {i["title"] for i in items}


def test_counter_staff_cannot_run_development(build, db) -> None:
    orgs, _people, _branch, _committee = _setup(build, db)
    clerk = Actor.for_user(build.user(orgs["district"], "chuangkou", Role.COUNTER))
    with pytest.raises(Forbidden):
        _open(db, clerk, orgs["b1"], TODAY - timedelta(days=3))


def test_an_extended_probation_moves_the_conversion_due_date(build, db) -> None:
    orgs, (contact, sponsor), branch, committee = _setup(build, db)
    case = _open(db, branch, orgs["b1"], TODAY - timedelta(days=800), name="延长者")
    admitted = add_years(TODAY, -1) + timedelta(days=5)  # probation ends in five days
    member = build.member(
        orgs["b1"], name="延长者", status=MemberStatus.PROBATIONARY, joined=admitted
    )
    db.execute(
        DevelopmentCase.__table__.update()
        .where(DevelopmentCase.id == case.id)
        .values(stage=DevStage.PROBATIONARY.name, admitted_on=admitted, member_id=member.id)
    )
    db.refresh(case)
    hall = Settings(development_warning_days=30)
    rows = warnings_board.board(db, branch, TODAY, DuesSettings(), hall=hall).development
    assert [(r.name, r.due_label, r.days_left) for r in rows.deadlines.rows] == [
        ("延长者", "转正到期", 5)
    ]
    with pytest.raises(Invalid, match="预备期为一年，延长一次最多一年"):
        moves.extend_probation(db, committee, case, add_years(admitted, 2) + timedelta(days=1))
    moves.extend_probation(db, committee, case, add_years(admitted, 1) + timedelta(days=180))
    rows = warnings_board.board(db, branch, TODAY, DuesSettings(), hall=hall).development
    assert rows.deadlines.total == 0
    with pytest.raises(Exception, match="预备期只能延长一次"):
        moves.extend_probation(db, committee, case, add_years(admitted, 2))


def test_a_stopped_case_leaves_the_warnings_and_takes_no_more_moves(build, db) -> None:
    orgs, _people, branch, _committee = _setup(build, db)
    case = _open(db, branch, orgs["b1"], TODAY - timedelta(days=25), name="撤回者")
    hall = Settings(development_warning_days=30)
    board = warnings_board.board(db, branch, TODAY, DuesSettings(), hall=hall)
    assert board.development.deadlines.total == 1
    with pytest.raises(Invalid, match="请写明终止原因"):
        moves.stop_case(db, branch, case, TODAY, "  ", today=TODAY)
    moves.stop_case(db, branch, case, TODAY, "本人撤回入党申请", today=TODAY)
    assert case.stage is DevStage.STOPPED and case.stop_reason == "本人撤回入党申请"
    board = warnings_board.board(db, branch, TODAY, DuesSettings(), hall=hall)
    assert board.development.deadlines.total == 0
    with pytest.raises(Exception, match="不能再办理"):
        dev.set_material(db, branch, case, "talk_record", TODAY, today=TODAY)
    with pytest.raises(Exception, match="只有入党申请人阶段"):
        dev.record_talk(db, branch, case, TODAY, today=TODAY)
    again = _open(db, branch, orgs["b1"], TODAY, name="撤回者")  # the same person applies again
    assert again.id != case.id and again.stage is DevStage.APPLICANT
