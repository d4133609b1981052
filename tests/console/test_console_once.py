"""Console forms that void or transfer are answered once (both databases): each rendering
carries a one-time token, and a second submit of the same rendering — a double click, or the
form sent again after a lost answer — is shown the first submit's outcome instead of doing the
work again or answering with an error (backend/console/once.py, docs/transactions.md)."""

from __future__ import annotations

import re
import threading
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from backend.models import AuditEntry, Role, Transfer
from backend.services import day_close, payments, voids
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from tests.builders import PASSWORD
from tests.console.conftest import page_text

TOKEN = re.compile(r'name="once_token" value="([^"]+)"')


def _audits(db, action: str) -> int:  # type: ignore[no-untyped-def]
    db.rollback()
    n = db.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action))
    db.rollback()  # end the read: on SQLite an open transaction would block the app's writes
    return int(n or 0)


def _void_waiting_for_approval(build, db, settings) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """A payment of a closed day whose void waits for a 党委 user's approval."""
    orgs = build.district()
    clerk = Actor.for_user(build.user(orgs["district"], "chuangkou", Role.COUNTER))
    build.user(orgs["c1"], "dangwei")
    today = hall_today(settings.dues)
    zhang = build.member(orgs["b1"], name="张三", monthly_fen=5000)
    build.ledger(zhang, today.year)
    paid = payments.pay(
        db,
        clerk,
        settings.dues,
        zhang,
        idempotency_key="console-once-0001",
        months=[f"{today.year}-01"],
        today=today,
    ).payment
    paid.created_at -= timedelta(days=1)
    db.flush()
    day_close.close_day(db, clerk, settings.dues, day=today - timedelta(days=1), today=today)
    request = voids.void(db, clerk, settings.dues, paid, "收错人", today=today)
    assert request is not None
    ids = request.id, paid.slip_no
    db.commit()
    return ids


def test_every_rendering_carries_its_own_token(client, sign_in, build, db, settings) -> None:  # type: ignore[no-untyped-def]
    _void_waiting_for_approval(build, db, settings)
    sign_in("dangwei")
    first = TOKEN.findall(page_text(client.get("/console/finance/void-requests")))
    again = TOKEN.findall(page_text(client.get("/console/finance/void-requests")))
    assert len(first) == 2 and len(set(first + again)) == 4  # 批准 and 驳回, fresh each time


def test_a_double_submitted_approval_is_answered_once(client, sign_in, build, db, settings) -> None:  # type: ignore[no-untyped-def]
    """Today's defect: the second click answered 该申请已处理-style errors though it had worked."""
    request_id, slip = _void_waiting_for_approval(build, db, settings)
    sign_in("dangwei")
    approve_token = TOKEN.findall(page_text(client.get("/console/finance/void-requests")))[0]
    url = f"/console/finance/void-requests/{request_id}/approve"
    form = {"note": "属实", "once_token": approve_token}
    first = client.post(url, data=form, follow_redirects=True)
    assert f"已批准：凭条{slip}作废" in page_text(first)
    second = client.post(url, data=form, follow_redirects=True)
    text = page_text(second)
    assert f"已批准：凭条{slip}作废" in text and "这张表单刚才已经提交过，未重复办理" in text
    assert 'class="flash error' not in text
    assert _audits(db, "payment.void_approve") == 1
    # The same rendering's token sent with other content is refused, not carried out.
    changed = client.post(url, data={**form, "note": "改了"}, follow_redirects=True)
    assert "内容与第一次不同，未办理" in page_text(changed)
    assert _audits(db, "payment.void_approve") == 1


def _signed_in_client(app, username: str):  # type: ignore[no-untyped-def]
    other = app.test_client()
    r = other.post("/console/login", data={"username": username, "password": PASSWORD})
    assert r.status_code == 302
    return other


def test_two_concurrent_submits_of_one_move_form_move_once(app, client, sign_in, build, db) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    build.user(orgs["c1"], "c1staff", Role.ORG_STAFF)
    people = [build.member(orgs["b1"], name=n) for n in ("张小明", "王大力")]
    ids, b2 = [m.id for m in people], orgs["b2"].id
    db.commit()
    sign_in("c1staff")
    token = TOKEN.findall(page_text(client.get("/console/members")))[0]
    form = {"member_id": [str(i) for i in ids], "to_org_id": str(b2), "once_token": token}
    clients = [client, _signed_in_client(app, "c1staff")]
    barrier = threading.Barrier(2)
    answers: list[Any] = [None, None]

    def submit(n: int) -> None:
        barrier.wait()
        answers[n] = clients[n].post("/console/members/bulk/move", data=form)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert [a.status_code for a in answers] == [302, 302]
    assert answers[0].headers["Location"] == answers[1].headers["Location"]
    for c in clients:  # each window shows the move as done, neither an error
        shown = page_text(c.get("/console/members"))
        assert "已将2名党员转入" in shown and 'class="flash error' not in shown
    db.rollback()
    assert db.scalar(select(func.count()).select_from(Transfer)) == 2
    db.rollback()
    assert _audits(db, "member.transfer") == 2
