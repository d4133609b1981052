"""减免: the ledger changes only after the approvals docs/dues.md describes — the branch, then the
next-higher 党委; retirees need the branch alone — and every step is audited."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from backend.errors import Conflict, Forbidden
from backend.models import AuditEntry, DuesCategory, DuesMonth, Role, User, WaiverState
from backend.services import reports, waivers
from backend.services.actor import Actor
from tests.builders import Builders

YEAR = 2025
DAY = date(YEAR, 4, 2)


def _months(db, member) -> dict[int, DuesMonth]:  # type: ignore[no-untyped-def]
    rows = db.scalars(select(DuesMonth).where(DuesMonth.member_id == member.id)).all()
    return {r.month: r for r in rows}


def _setup(build: Builders, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    member = build.member(orgs["b1"], name="困难党员", monthly_fen=3000)
    retiree = build.member(
        orgs["b1"], name="退休党员", monthly_fen=2500, category=DuesCategory.RETIRED
    )
    build.ledger(member, YEAR, paid_months={1})
    build.ledger(retiree, YEAR)
    branch = Actor.for_user(build.user(orgs["b1"], "branch"))
    build.user(orgs["b1"], "clerk")  # enters requests; ``branch`` decides them
    committee = Actor.for_user(build.user(orgs["c1"], "committee", Role.ORG_STAFF))
    return orgs, member, retiree, branch, committee


def clerk(db) -> Actor:  # type: ignore[no-untyped-def]
    """The branch clerk who enters the requests (never the one who approves them)."""
    return Actor.for_user(db.scalar(select(User).where(User.username == "clerk")))


def test_a_waiver_needs_the_branch_and_then_the_committee(build, db) -> None:
    orgs, member, _retiree, branch, committee = _setup(build, db)
    request = waivers.submit(
        db,
        clerk(db),
        member.id,
        kind="waive",
        year=YEAR,
        start_month=4,
        end_month=6,
        reason="本人重病住院，家庭困难",
        evidence="第一党支部党员大会决议（2025年4月1日）",
    )
    assert request.state is WaiverState.PENDING_BRANCH
    assert request.committee_org.name == "第一街道党工委"
    waivers.decide(db, branch, request.id, approve=True, decided_on=DAY, comment="同意")
    assert request.state is WaiverState.PENDING_COMMITTEE
    assert not any(r.waived for r in _months(db, member).values())  # nothing changes yet
    # the branch cannot give the 党委's approval
    with pytest.raises(Forbidden, match="该申请须由第一街道党工委审批"):
        waivers.decide(db, branch, request.id, approve=True, decided_on=DAY)
    waivers.decide(db, committee, request.id, approve=True, decided_on=DAY, comment="批准")
    assert request.state is WaiverState.APPROVED
    months = _months(db, member)
    assert [m for m, r in months.items() if r.waived] == [4, 5, 6]
    # the report no longer counts those months as due
    report = reports.dues_report(db, committee, orgs["b1"].id, reports.Period.quarter(YEAR, 2))
    row = next(r for r in report.rows if r.name == "困难党员")
    assert row.figures.due_fen == 0 and row.figures.waived_months == 3
    actions = db.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert actions[-4:] == [
        "waiver.submit",
        "waiver.approve",
        "dues.waiver_applied",
        "waiver.approve",
    ]
    assert [a.level for a in request.approvals] == ["branch", "committee"]
    with pytest.raises(Conflict, match="已批准"):
        waivers.decide(db, committee, request.id, approve=True, decided_on=DAY)


def test_a_retiree_needs_the_branch_alone_and_a_reduction_lowers_the_amount(build, db) -> None:
    _orgs, _member, retiree, branch, _committee = _setup(build, db)
    request = waivers.submit(
        db,
        clerk(db),
        retiree.id,
        kind="reduce",
        year=YEAR,
        start_month=7,
        end_month=12,
        reduced_fen=500,
        reason="养老金低，生活困难",
        evidence="支部委员会讨论并经党员大会通过（2025年4月1日）",
    )
    assert request.committee_org is None
    waivers.decide(db, branch, request.id, approve=True, decided_on=DAY)
    assert request.state is WaiverState.APPROVED
    months = _months(db, retiree)
    assert [months[m].due_fen for m in range(1, 13)] == [2500] * 6 + [500] * 6


def test_refusals_paid_months_overlaps_and_rejection(build, db) -> None:
    _orgs, member, _retiree, branch, committee = _setup(build, db)

    def submit(**fields: object):  # type: ignore[no-untyped-def]
        """A branch's waiver request for ``member``; each call names what it changes."""
        request = {"kind": "waive", "year": YEAR, "reason": "困难", "evidence": "支部大会决议"}
        return waivers.submit(db, clerk(db), member.id, **{**request, **fields})

    with pytest.raises(Conflict, match="2025年1月的党费已交，不能减免"):
        submit(start_month=1, end_month=2)
    with pytest.raises(Exception, match="请填写依据"):
        submit(start_month=2, end_month=2, evidence=" ")
    first = submit(start_month=2, end_month=3)
    with pytest.raises(Conflict, match="已有减免申请"):
        submit(start_month=3, end_month=4)
    waivers.decide(db, branch, first.id, approve=True, decided_on=DAY)
    waivers.decide(db, committee, first.id, approve=False, decided_on=DAY, comment="理由不足")
    assert first.state is WaiverState.REJECTED
    assert not any(r.waived for r in _months(db, member).values())
    # after a rejection the months may be asked for again
    again = submit(
        start_month=3, end_month=4, reason="困难加重", evidence="支部大会决议（补充材料）"
    )
    assert again.state is WaiverState.PENDING_BRANCH


def test_a_request_outside_the_scope_looks_not_found(build, db) -> None:
    orgs, member, _retiree, branch, _committee = _setup(build, db)
    request = waivers.submit(
        db,
        clerk(db),
        member.id,
        kind="waive",
        year=YEAR,
        start_month=2,
        end_month=2,
        reason="困难",
        evidence="支部大会决议",
    )
    other = Actor.for_user(build.user(orgs["b2"], "other"))
    with pytest.raises(Exception, match="未找到该减免申请"):
        waivers.decide(db, other, request.id, approve=True, decided_on=DAY)
    assert waivers.list_requests(db, other) == []
    assert waivers.list_requests(db, branch) == [request]


def _request(db, member):  # type: ignore[no-untyped-def]
    return waivers.submit(
        db,
        clerk(db),
        member.id,
        kind="waive",
        year=YEAR,
        start_month=4,
        end_month=4,
        reason="困难",
        evidence="支部大会决议",
    )


def test_one_person_cannot_make_both_approvals(build, db) -> None:
    """Separation of duties: a 党委 user may decide at the branch level (its subtree holds the
    branch) but then not also at the 党委 level; another 党委 user can."""
    orgs, member, _retiree, _branch, committee = _setup(build, db)
    request = _request(db, member)
    waivers.decide(db, committee, request.id, approve=True, decided_on=DAY)
    assert request.state is WaiverState.PENDING_COMMITTEE
    with pytest.raises(Forbidden, match="两级审批须由不同的人作出") as refused:
        waivers.decide(db, committee, request.id, approve=True, decided_on=DAY)
    assert refused.value.code == "same_approver"
    assert request.state is WaiverState.PENDING_COMMITTEE
    assert not _months(db, member)[4].waived
    second = Actor.for_user(build.user(orgs["c1"], "committee2"))
    waivers.decide(db, second, request.id, approve=True, decided_on=DAY)
    assert request.state is WaiverState.APPROVED and _months(db, member)[4].waived


def test_whoever_entered_a_request_cannot_approve_it(build, db) -> None:
    _orgs, member, retiree, branch, _committee = _setup(build, db)
    request = _request(db, member)
    with pytest.raises(Forbidden, match="不能审批自己提交的减免申请") as refused:
        waivers.decide(db, clerk(db), request.id, approve=True, decided_on=DAY)
    assert refused.value.code == "self_approval"
    assert request.state is WaiverState.PENDING_BRANCH and request.approvals == []
    waivers.decide(db, branch, request.id, approve=True, decided_on=DAY)
    assert request.state is WaiverState.PENDING_COMMITTEE
