"""The demo district: plausible, deterministic, consistent, and its demo cards do what they say."""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError

from backend.errors import Conflict
from backend.models import (
    AuditEntry,
    Card,
    CardState,
    DisclosureDocument,
    DisclosureTier,
    DuesMonth,
    Member,
    MemberStatus,
    Organization,
    OrgType,
    Payment,
    PaymentItem,
    User,
)
from backend.services import demo, kiosk, ledger, users
from backend.services.demo_people import org_tree, people
from backend.services.dues_year import hall_today
from backend.services.members import MEMBER_FIELDS, MemberData
from backend.settings import DuesSettings

MEMBERS = 150


@pytest.fixture(autouse=True)
def fast_password_hashes(monkeypatch):  # type: ignore[no-untyped-def]
    """The four demo users' scrypt hashes are most of a small demo's time; tests need not pay."""
    from werkzeug.security import generate_password_hash

    def quick(password: str, method: str = "") -> str:
        return generate_password_hash(password, method="pbkdf2:sha256:1")

    monkeypatch.setattr(users, "generate_password_hash", quick)


@pytest.fixture
def report(db, settings, tmp_path):  # type: ignore[no-untyped-def]
    result = demo.generate(
        db, settings, member_count=MEMBERS, device_key_path=tmp_path / "kiosk-device.key"
    )
    db.commit()
    return result


def test_a_plausible_district_of_3_committees_10_general_branches_40_branches(db, report) -> None:  # type: ignore[no-untyped-def]
    orgs = db.scalars(select(Organization)).all()
    assert Counter(o.type for o in orgs) == {
        OrgType.DISTRICT: 1,
        OrgType.COMMITTEE: 3,
        OrgType.GENERAL_BRANCH: 10,
        OrgType.BRANCH: 40,
    }
    direct = [o for o in orgs if o.type is OrgType.BRANCH and o.parent.type is OrgType.COMMITTEE]
    assert len(direct) == 6 and all(o.code[4:6] == "00" for o in direct)
    assert all(o.secretary and o.phone and o.address for o in orgs)
    assert report.organizations == 54
    # Members: valid records, from students to members who joined before 1949.
    members = db.scalars(select(Member)).all()
    # the demo's one member transferred in from outside the district and the two admitted by
    # member development (docs/demo.md)
    assert len(members) == MEMBERS + 3 == report.members
    for m in members:  # every record passes the same checks as a clerk's entry
        data = MemberData(**{k: getattr(m, k) for k in MEMBER_FIELDS}).normalize()
        assert data.sex == m.sex and data.birth_date == m.birth_date
    names = {m.name for m in members}
    assert {"刘䶮", "吉𠮷", "王𬌗"} <= names
    assert any(m.joined_before_prc for m in members)
    assert any(m.status is MemberStatus.PROBATIONARY for m in members)
    categories = Counter(m.dues_category.value for m in members)
    assert categories["retired"] > 10 and categories["employed"] > 30
    assert min(m.birth_date for m in members) < date(1931, 1, 1)
    assert max(m.birth_date for m in members) > date(2000, 1, 1)
    assert len({m.id_number for m in members}) == MEMBERS + 3


def test_demo_cards_show_the_months_behind_they_promise(db, report, client) -> None:  # type: ignore[no-untyped-def]
    behind = {c.note: c.months_behind for c in report.demo_cards}
    assert behind == {
        "按时缴纳": 0,
        "欠缴2个月": 2,
        "欠缴5个月（提醒）": 5,
        "欠缴6个月（警示）": 6,
        "欠缴9个月（警示）": 9,
        "预备党员": 0,
        "生僻字姓名": 0,
        "1949年前入党的老党员": 0,
        "有一张已挂失的旧卡": 1,
    }
    headers = {"X-Device-Key": report.device_key}
    by_note = {c.note: c for c in report.demo_cards}
    late = client.post(
        "/api/v1/kiosk/card-session",
        json={"uid": by_note["欠缴9个月（警示）"].uid},
        headers=headers,
    )
    assert late.status_code == 201, late.json
    assert late.json["member"]["warning"]["level"] == "final"
    assert "逾期六个月" in late.json["member"]["warning"]["text"]
    assert late.json["member"]["name_masked"] == by_note["欠缴9个月（警示）"].name_masked
    on_time = client.post(
        "/api/v1/kiosk/card-session", json={"uid": by_note["按时缴纳"].uid}, headers=headers
    )
    assert on_time.json["member"]["arrears"] == "0.00"
    lost = client.post(
        "/api/v1/kiosk/card-session",
        json={"uid": by_note["有一张已挂失的旧卡"].uid},
        headers=headers,
    )
    assert (lost.status_code, lost.json["code"]) == (403, "card_lost")
    rare = by_note["生僻字姓名"]
    assert rare.name_masked == "王*"


def test_payments_match_the_ledger_and_slips_have_no_gaps(db, report) -> None:  # type: ignore[no-untyped-def]
    paid = db.scalar(select(func.sum(DuesMonth.paid_fen)))
    assert paid == db.scalar(select(func.sum(Payment.amount_fen)))
    assert paid == db.scalar(select(func.sum(PaymentItem.amount_fen)))
    assert (
        db.scalar(
            select(func.count()).where(DuesMonth.paid_fen > 0, DuesMonth.payment_id.is_(None))
        )
        == 0
    )
    seq = Payment.slip_seq
    per_year = select(Payment.slip_year, func.count(), func.min(seq), func.max(seq))
    for year, count, low, high in db.execute(per_year.group_by(Payment.slip_year)):
        assert (low, high) == (1, count), year
    audited = db.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "payment.create")
    )
    assert audited == report.payments == db.scalar(select(func.count()).select_from(Payment))
    today = hall_today(DuesSettings())
    years = db.scalars(select(DuesMonth.year).distinct().order_by(DuesMonth.year)).all()
    assert years == [today.year - 1, today.year]
    # Most members are up to date; a few are late; arrears are derived from the same rows.
    late = [m for m in db.scalars(select(Member.id)) if ledger.consecutive_unpaid(db, m, today) > 0]
    assert 0 < len(late) < MEMBERS // 2


def test_staff_users_device_key_and_cards(db, report, tmp_path, client) -> None:  # type: ignore[no-untyped-def]
    r = client.post("/api/v1/auth/login", json={"username": "zhibu01", "password": "Demo2026"})
    assert r.status_code == 200, r.json
    assert db.scalars(select(User.username).order_by(User.id)).all() == [
        "admin",
        "dangwei01",
        "zhibu01",
        "chuangkou01",
    ]
    assert (tmp_path / "kiosk-device.key").read_text().strip() == report.device_key
    states = Counter(db.scalars(select(Card.state)))
    assert states == {CardState.ACTIVE: MEMBERS, CardState.LOST: 1}


def test_refuses_a_database_with_data_and_reset_starts_again(db, settings, report) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict) as exc:
        demo.generate(db, settings, member_count=20, device_key_path=None)
    assert "--reset" in exc.value.message
    db.rollback()
    demo.reset_database(db)
    assert demo.is_empty(db)
    again = demo.generate(db, settings, member_count=20, device_key_path=None)
    db.commit()
    # 20, the one transferred in from outside, the two admitted by member development
    assert again.members == db.scalar(select(func.count()).select_from(Member)) == 23
    # The audit log is still append-only after a reset.
    with pytest.raises(DBAPIError):
        db.execute(text("DELETE FROM audit_log"))
    db.rollback()


def test_the_same_seed_gives_the_same_people() -> None:
    today = date(2026, 3, 1)

    def draw():  # type: ignore[no-untyped-def]
        rng = random.Random(demo.DEMO_SEED)
        branches = [s for s in org_tree(rng) if s.kind]
        return [
            (p.uid, p.values["name"], p.values["id_number"])
            for p in people(rng, 50, branches, today, DuesSettings())
        ]  # noqa: E501

    assert draw() == draw()


def test_cli_prints_the_demo_cards_users_and_key_file(app, tmp_path) -> None:  # type: ignore[no-untyped-def]
    runner = app.test_cli_runner()
    key_file = tmp_path / "key"
    args = ["demo-data", "--members", "40", "--key-file", str(key_file)]
    result = runner.invoke(args=args)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "演示卡" in out and "欠缴9个月（警示）" in out and "王*" in out
    assert "演示账户（密码均为 Demo2026）" in out and "chuangkou01" in out
    assert f"设备密钥已写入 {key_file}" in out and key_file.exists()
    refused = runner.invoke(args=args)
    assert refused.exit_code == 1 and "数据库中已有数据" in refused.output
    # ./hall run asks with --if-empty: a database with data is left exactly as it is.
    kept = runner.invoke(args=[*args, "--if-empty"])
    assert kept.exit_code == 0 and "不再生成演示数据" in kept.output
    # …and still lists what to try, as it is today, on every run.
    assert "演示卡" in kept.output and "欠缴9个月（警示）" in kept.output
    assert "演示账户（密码均为 Demo2026）" in kept.output and "chuangkou01" in kept.output
    assert runner.invoke(args=[*args, "--reset"]).exit_code == 0


def test_kiosk_summary_agrees_with_the_ledger_service_for_every_demo_member(
    db, report, settings
) -> None:  # type: ignore[no-untyped-def]
    """The card tap reads the ledger in one query (kiosk_summary); it must say exactly what
    the ledger service says, for members behind, ahead, waived-free and joined mid-year."""
    today = hall_today(DuesSettings())
    # Also a waived month and one pending assessment for some members.
    rows = db.scalars(select(DuesMonth).where(DuesMonth.year == today.year - 1).limit(40)).all()
    for row in rows[::7]:
        row.waived = True
    for row in rows[3::7]:
        row.due_fen = None
    db.flush()
    for member in db.scalars(select(Member)):
        summary = kiosk.member_summary(db, settings, member, today)
        due_now = ledger.MonthState.DUE_NOW  # the kiosk's name for this month, still unpaid
        shown = [
            dataclasses.replace(m, state=ledger.MonthState.UNPAID) if m.state is due_now else m
            for m in summary.months
        ]
        assert shown == ledger.year_months(db, member.id, today.year, today)
        assert summary.arrears_fen == ledger.arrears_fen(db, member.id, today)
        assert summary.consecutive_unpaid == ledger.consecutive_unpaid(db, member.id, today)


def test_demo_fills_the_board_the_honor_roll_and_the_attract_loop(db, report, client) -> None:  # type: ignore[no-untyped-def]
    """A fresh demo has something on every board screen: published Chinese items in every
    category and every tier a board shows (one addressed to a demo card's member), a
    收缴使用公示, the honor roll and its donors."""
    assert (report.content.documents, report.content.honors, report.content.donations) == (
        18,
        7,
        5,
    )
    headers = {"X-Device-Key": report.device_key}
    categories = client.get("/api/v1/kiosk/disclosure/categories", headers=headers).json
    assert categories["total"] >= 15
    assert [c["name"] for c in categories["categories"] if c["count"] == 0] == []
    dues = next(c for c in categories["categories"] if c["name"] == "党费收缴使用")
    listed = client.get(
        "/api/v1/kiosk/disclosure", query_string={"category": dues["code"]}, headers=headers
    ).json
    assert any("收缴使用情况公示" in i["title"] for i in listed["items"])
    # The attract loop's notices: the newest items, for nobody in particular.
    notices = client.get("/api/v1/kiosk/disclosure", headers=headers).json
    assert notices["total"] >= 15 and all(i["tier"] == "public" for i in notices["items"])
    roll = client.get("/api/v1/kiosk/honors", headers=headers).json
    assert {g["title"] for g in roll["people"]} == {"优秀共产党员", "优秀党务工作者"}
    assert roll["organizations"] and roll["donors"]["total"] == "27100.00"
    tiers = Counter(
        db.scalars(select(DisclosureDocument.tier).where(DisclosureDocument.status == "published"))
    )
    assert set(tiers) == set(DisclosureTier)
    db.rollback()
    # The addressed item shows for its member's card only.
    by_note = {c.note: c for c in report.demo_cards}
    seen = {}
    for note in ("按时缴纳", "欠缴2个月"):  # one card on the reader at a time
        session = client.post(
            "/api/v1/kiosk/card-session", json={"uid": by_note[note].uid}, headers=headers
        )
        page = client.get(
            "/api/v1/kiosk/disclosure",
            query_string={"per_page": 50},
            headers=headers | {"X-Kiosk-Session": session.json["token"]},
        ).json
        seen[note] = {i["title"] for i in page["items"]}
    assert "关于与您进行年度谈心谈话的通知" in seen["按时缴纳"] - seen["欠缴2个月"]


def test_notices_wait_in_the_inboxes_and_floating_members_have_arrived(db, report) -> None:  # type: ignore[no-untyped-def]
    """The receiving side has something to do on a fresh demo (docs/demo.md)."""
    from backend.models import FloatingGuest, NoticeKind, User
    from backend.services import transfer_inbox
    from backend.services.actor import Actor

    def inbox(username: str) -> list[transfer_inbox.InboxItem]:
        user = db.scalar(select(User).where(User.username == username))
        actor = Actor.for_user(user)
        stmt = transfer_inbox.inbox_query(actor, transfer_inbox.InboxState.OPEN)
        return [transfer_inbox.item(db, actor, n) for n in db.scalars(stmt)]

    branch = inbox("zhibu01")
    receive = [i for i in branch if i.notice.kind is NoticeKind.RECEIVE]
    assert len(receive) == 2 and all(i.can_accept for i in receive)
    [waiting] = [i for i in branch if i.notice.kind is NoticeKind.ASSESSMENT]
    assert waiting.state_label.startswith("等待党委核定") and not waiting.can_assess
    [assess] = [i for i in inbox("dangwei01") if i.notice.kind is NoticeKind.ASSESSMENT]
    assert assess.can_assess and assess.notice.payload["members"][0]["name"] == "韩新来"
    assert report.transfers.waiting_notices == 3
    guests = db.scalars(select(FloatingGuest)).all()
    assert len(guests) == 3 and all(g.left_on is None and g.card_number for g in guests)


def test_demo_development_cases_and_terms_raise_their_warnings(db, report, client) -> None:  # type: ignore[no-untyped-def]
    from backend.models import DevelopmentCase, DevStage
    from backend.services import warnings_board
    from backend.services.actor import Actor
    from backend.settings import Settings

    stages = Counter(c.stage for c in db.scalars(select(DevelopmentCase)))
    assert set(stages) == set(DevStage)
    staff = Actor.for_user(db.scalar(select(User).where(User.username == "zhibu01")))
    board = warnings_board.board(db, staff, report.today, DuesSettings(), hall=Settings())
    due = {(r.name, r.due_label) for r in board.development.deadlines.rows}
    assert {("钱思远", "入党谈话到期"), ("孙嘉禾", "转正到期"), ("吴一帆", "思想汇报到期")} <= due
    assert [r.org_name for r in board.development.terms.rows] == ["幸福社区第一党支部"]
    db.rollback()  # the kiosk's request writes (its device's last contact)
    headers = {"X-Device-Key": report.device_key}
    items = client.get("/api/v1/kiosk/disclosure", headers=headers).json["items"]
    assert "发展党员公示：周若溪" in {i["title"] for i in items}
