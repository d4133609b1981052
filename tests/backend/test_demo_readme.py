"""README's "Trying it" table, checked against a fresh demo: every UID it lists gives, through
the kiosk API, what the table says, and it lists no UID this test does not check."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from sqlalchemy import select

from backend.models import Card, Member
from backend.services.cards import uid_hash
from tests.backend.test_demo import fast_password_hashes, report  # noqa: F401  (fixtures)

README = Path(__file__).resolve().parents[2] / "README.md"


def _readme_uids() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("### Trying it", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    return [uid for row in rows for uid in re.findall(r"`([0-9A-F]{8})`", row.split("|")[1])]


def test_every_uid_in_the_readme_does_what_the_table_says(db, settings, report, client) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    headers = {"X-Device-Key": report.device_key}

    def tap(uid: str) -> tuple[int, dict]:
        r = client.post("/api/v1/kiosk/card-session", json={"uid": uid}, headers=headers)
        return r.status_code, r.json

    def member(uid: str) -> dict:
        status, answer = tap(uid)
        assert status == 201, (uid, answer)
        return answer["member"]

    expected = {
        "43FB29E9": lambda m: m["consecutive_unpaid"] == 0 and m["arrears"] == "0.00",
        "0317CCD8": lambda m: m["consecutive_unpaid"] == 2 and m["warning"]["level"] == "none",
        "1D40F15B": lambda m: m["consecutive_unpaid"] == 5 and m["warning"]["level"] == "reminder",
        "810819C3": lambda m: (
            m["consecutive_unpaid"] == 6
            and m["warning"]["text"].startswith("有情提醒：党费要按时缴纳")
        ),
        "7CB97777": lambda m: (
            m["consecutive_unpaid"] == 9
            and m["warning"]["text"].startswith("有情提醒：党费要按时缴纳")
        ),
        "2E3A6F21": lambda m: m["status_label"] == "预备",
        "31C5A00B": lambda m: m["name_masked"] == "王*",
        "36856BEA": lambda m: m["warning"]["level"] == "none",
    }
    listed = _readme_uids()
    assert set(listed) == set(expected) | {"990A3DB2", "DEADBEEF"}, listed
    for uid, check in expected.items():
        shown = member(uid)
        assert check(shown), (uid, shown)
    # The rare-character and the veteran rows name real members of the demo.
    by_uid = {c.uid: c for c in report.demo_cards}
    assert by_uid["31C5A00B"].note == "生僻字姓名"
    assert by_uid["36856BEA"].note == "1949年前入党的老党员"
    for uid, check in (
        ("31C5A00B", lambda m: m.name == "王𬌗"),
        ("36856BEA", lambda m: m.joined_date < date(1949, 10, 1)),
    ):
        card = db.scalar(select(Card).where(Card.uid_hash == uid_hash(uid, settings.card_uid_key)))
        assert check(db.get(Member, card.member_id)), uid
    db.rollback()
    assert tap("990A3DB2")[1]["code"] == "card_lost"
    assert tap("DEADBEEF")[1]["code"] == "card_unknown"
