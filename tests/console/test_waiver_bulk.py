"""批量同意 on the 减免 list, over HTTP (both databases): the picked requests are approved at
their level, each audited; one the user may not approve (their own, separation of duties) stops
the whole batch and nothing is approved."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from backend.models import AuditEntry, DuesCategory, Role, WaiverRequest, WaiverState
from backend.services import waivers
from backend.services.actor import Actor
from tests.console.conftest import page_text

YEAR = 2025


def _requests(build, db):  # type: ignore[no-untyped-def]
    orgs = build.district()
    clerk = Actor.for_user(build.user(orgs["b1"], "clerk"))
    build.user(orgs["b1"], "branch", Role.ORG_STAFF)
    ids = []
    for name, category in (("甲党员", DuesCategory.EMPLOYED), ("乙党员", DuesCategory.RETIRED)):
        member = build.member(orgs["b1"], name=name, monthly_fen=3000, category=category)
        build.ledger(member, YEAR)
        request = waivers.submit(
            db, clerk, member.id, kind="waive", year=YEAR, start_month=4, end_month=6,
            reason="家庭困难", evidence="支部党员大会决议",
        )  # fmt: skip
        ids.append(request.id)
    db.commit()
    return ids


def _states(db, ids):  # type: ignore[no-untyped-def]
    states = [db.get(WaiverRequest, i).state for i in ids]
    db.rollback()  # let go of SQLite's lock before the next request
    return states


def test_the_branch_approves_picked_requests_at_once(build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    ids = _requests(build, db)
    client = sign_in("branch")
    html = client.get("/console/finance/waivers").get_data(as_text=True)
    assert 'id="waiver-bulk-approve"' in html
    assert f'name="request_id" value="{ids[0]}" form="waiver-bulk"' in html
    r = client.post(
        "/console/finance/waivers/approve",
        data=MultiDict([("request_id", str(i)) for i in ids] + [("comment", "同意")]),
        follow_redirects=True,
    )
    assert "已同意2份减免申请" in page_text(r)
    # the employed member's request goes on to the 党委; the retiree's is approved
    assert _states(db, ids) == [WaiverState.PENDING_COMMITTEE, WaiverState.APPROVED]
    approvals = db.scalars(
        select(AuditEntry.entity_id).where(AuditEntry.action == "waiver.approve")
    ).all()
    assert sorted(approvals) == sorted(str(i) for i in ids)
    db.rollback()


def test_ones_own_request_stops_the_whole_batch(build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    ids = _requests(build, db)
    client = sign_in("clerk")  # entered both requests: may approve neither
    r = client.post(
        "/console/finance/waivers/approve",
        data=MultiDict([("request_id", str(i)) for i in ids]),
        follow_redirects=True,
    )
    text = page_text(r)
    assert "不能审批自己提交的减免申请" in text and "全部未审批" in text
    assert _states(db, ids) == [WaiverState.PENDING_BRANCH, WaiverState.PENDING_BRANCH]


def test_the_auditor_sees_no_bulk_form_and_cannot_approve(build, db, sign_in) -> None:  # type: ignore[no-untyped-def]
    ids = _requests(build, db)
    build.user(db.scalar(select(WaiverRequest)).org, "shenji", Role.AUDITOR)
    db.commit()
    client = sign_in("shenji")
    assert 'id="waiver-bulk"' not in client.get("/console/finance/waivers").get_data(as_text=True)
    r = client.post(
        "/console/finance/waivers/approve", data=MultiDict([("request_id", str(ids[0]))])
    )
    assert r.status_code == 403
    assert _states(db, ids)[0] is WaiverState.PENDING_BRANCH
