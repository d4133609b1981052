"""The 有情提醒 warning follows the months owed, not only a run ending last month (docs/dues.md).

A member who still owes eight older months but paid last month is warned on the kiosk screen,
on the printed statement, on the payment slip and on the console's warnings page alike.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from backend.models import DuesMonth, Member, Role
from backend.services import ledger, payments, slips, warnings_board
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from tests.builders import PASSWORD, Builders

WARNING = "有情提醒：党费要按时缴纳，按党章规定逾期六个月，可作自行退党处理！"
CLERK = Actor.system("窗口小王")


def owe_older_months(build: Builders, member: Member, today: date, back: set[int]) -> None:
    """Two years of ledger, every past month paid but those ``back`` months before last month
    (1 = the month before last month); last month itself is paid."""
    last = today.year * 12 + today.month - 2  # index of last month
    unpaid = {last - n for n in back}
    for year in (today.year - 1, today.year):
        for month in range(1, 13):
            index = year * 12 + month - 1
            settled = index < today.year * 12 + today.month - 1 and index not in unpaid
            build.session.add(
                DuesMonth(
                    member_id=member.id,
                    org_id=member.org_id,
                    year=year,
                    month=month,
                    due_fen=5000,
                    paid_fen=5000 if settled else 0,
                )
            )
    build.session.flush()


def texts(doc: dict[str, Any]) -> list[str]:
    return [b["text"] for b in doc["blocks"] if b["type"] == "text"]


def test_eight_older_months_owed_warn_although_last_month_was_paid(
    client, build, db, settings
) -> None:  # type: ignore[no-untyped-def]
    today = hall_today(settings.dues)
    member = build.member(build.district()["b1"], name="张小明", monthly_fen=5000)
    owe_older_months(build, member, today, set(range(1, 9)))
    uid, key = build.card(member), build.device()
    db.commit()
    assert ledger.consecutive_unpaid(db, member.id, today) == 0  # last month was paid
    assert ledger.months_owed(db, member.id, today) == 8
    db.rollback()  # SQLite: the read took the write lock the API needs

    r = client.post("/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key})
    assert r.status_code == 201, r.json
    summary = r.json["member"]
    assert (summary["months_owed"], summary["warning"]["level"]) == (8, "final")
    assert summary["warning"]["text"] == WARNING
    headers = {"X-Device-Key": key, "X-Kiosk-Session": r.json["token"]}
    statement = client.post("/api/v1/kiosk/session/statement", headers=headers).json["document"]
    assert WARNING in texts(statement)
    fields = {b["key"]: b["value"] for b in statement["blocks"] if b["type"] == "kv"}
    assert fields["欠交月数"] == "8个月"

    board = warnings_board.board(db, Actor.system("test"), today, settings.dues)
    assert [(row.name, row.months) for row in board.final.rows] == [("张小明", 8)]
    assert board.reminder.total == 0

    paid = payments.pay(
        db, CLERK, settings.dues, member, idempotency_key="owed-key-0001", count=1, today=today
    ).payment
    assert WARNING in texts(slips.payment_slip(db, settings, paid).to_dict())


def test_five_scattered_months_owed_are_a_reminder_everywhere(client, build, db, settings) -> None:  # type: ignore[no-untyped-def]
    today = hall_today(settings.dues)
    member = build.member(build.district()["b1"], name="李芳", sex="F", monthly_fen=5000)
    owe_older_months(build, member, today, {1, 2, 4, 6, 7})  # five months owed, no run
    uid, key = build.card(member), build.device()
    db.commit()
    assert ledger.months_owed(db, member.id, today) == 5
    db.rollback()
    summary = client.post(
        "/api/v1/kiosk/card-session", json={"uid": uid}, headers={"X-Device-Key": key}
    ).json["member"]
    assert summary["warning"]["level"] == "reminder"
    assert (
        summary["warning"]["text"]
        == "温馨提示：您已有5个月党费未交，请尽快到所在支部或服务窗口缴纳。"
    )
    board = warnings_board.board(db, Actor.system("test"), today, settings.dues)
    assert [(row.name, row.months) for row in board.reminder.rows] == [("李芳", 5)]
    assert board.final.total == 0


def test_the_console_warnings_page_and_reminders_list_the_member(
    app, client, build, db, settings
) -> None:  # type: ignore[no-untyped-def]
    today = hall_today(settings.dues)
    orgs = build.district()
    member = build.member(orgs["b1"], name="张小明", monthly_fen=5000)
    owe_older_months(build, member, today, set(range(1, 9)))
    build.user(orgs["c1"], "c1staff", Role.ORG_STAFF)
    db.commit()
    app.config["WTF_CSRF_ENABLED"] = False
    login = client.post("/console/login", data={"username": "c1staff", "password": PASSWORD})
    assert login.status_code == 302
    page = client.get("/console/warnings").get_data(as_text=True)
    final = page.split('id="final"')[1].split('id="reminder"')[0]
    assert "张小明" in final and "欠交党费6个月及以上" in final
    reminders = client.get(f"/console/finance/reminders?org_id={orgs['c1'].id}")
    text = reminders.get_data(as_text=True)
    assert "张小明" in text and WARNING in text
    roll = client.get("/console/members?behind=ge6").get_data(as_text=True)
    assert "张小明" in roll
