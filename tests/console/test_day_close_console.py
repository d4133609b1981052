"""The console's 窗口日结 page with its Excel export, the 作废审批 page where a 党委 desk user
approves a void of a closed day, and the payments list showing it as 冲正 — both databases."""

from __future__ import annotations

import io
from datetime import timedelta

from openpyxl import load_workbook

from backend.models import Payment, Role
from backend.services import day_close, payments, voids
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from tests.console.conftest import page_text


def test_closes_export_and_a_void_approved_in_the_console(build, db, settings, sign_in) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    clerk = Actor.for_user(build.user(orgs["district"], "chuangkou", Role.COUNTER))
    build.user(orgs["district"], "admin", Role.ADMIN)
    build.user(orgs["c1"], "dangwei")
    today = hall_today(settings.dues)
    zhang = build.member(orgs["b1"], name="张三", monthly_fen=5000)
    build.ledger(zhang, today.year)
    paid = [
        payments.pay(
            db,
            clerk,
            settings.dues,
            zhang,
            idempotency_key=f"console-close-{n}",
            months=[f"{today.year}-{n:02d}"],
            method=method,
            today=today,
        ).payment
        for n, method in ((1, "cash"), (2, "bank"))
    ]
    for p in paid:
        p.created_at -= timedelta(days=1)
    db.flush()
    day_close.close_day(db, clerk, settings.dues, day=today - timedelta(days=1), today=today)
    request = voids.void(db, clerk, settings.dues, paid[0], "收错人", today=today)
    assert request is not None
    slip, request_id, payment_id, c1_id = paid[0].slip_no, request.id, paid[0].id, orgs["c1"].id
    db.commit()

    client = sign_in("dangwei")
    page = page_text(client.get("/console/finance/void-requests"))
    assert slip in page and "已日结" in page and "待审批" in page
    r = client.post(
        f"/console/finance/void-requests/{request_id}/approve",
        data={"note": "属实"},
        follow_redirects=True,
    )
    assert "已批准：凭条" in page_text(r) and "作为冲正列入经办人下一次日结" in page_text(r)
    db.expire_all()
    voided = db.get(Payment, payment_id).voided
    db.rollback()
    assert voided
    since = today - timedelta(days=2)
    listing = page_text(client.get(f"/console/finance/payments?org_id={c1_id}&start={since}"))
    assert "冲正（dangwei批准）" in listing

    client.get("/console/logout")
    client = sign_in("admin")
    start = (today - timedelta(days=1)).isoformat()
    html = page_text(client.get(f"/console/finance/day-closes?start={start}"))
    assert "窗口日结汇总" in html and "chuangkou" in html
    x = client.get(f"/console/finance/day-closes?start={start}&format=xlsx")
    ws = load_workbook(io.BytesIO(x.data)).active
    rows = [row for row in ws.iter_rows(values_only=True) if row and row[1] == "chuangkou"]
    assert len(rows) == 1
    assert rows[0][3:8] == (2, 50, 50, 0, 0)  # count, cash, bank (yuan), voids: none that day
