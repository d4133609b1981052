"""The kiosk's look-up limits hold when the attempts arrive in parallel, on SQLite and on the
real PostgreSQL: a card number is looked up no more often than its limit, however many wrong
manual entries (or unknown cards) are sent at once (docs/kiosk.md)."""

from __future__ import annotations

import threading
from collections import Counter

from sqlalchemy import func, select

from backend.models import LookupFailure

URL = "/api/v1/kiosk/card-session"
PARALLEL = 32


def _post_in_parallel(app, bodies: list[dict[str, str]], headers: dict[str, str]) -> Counter[str]:  # type: ignore[no-untyped-def]
    """POST every body from its own thread, all released at once; the answers' codes."""
    barrier = threading.Barrier(len(bodies))
    codes: list[str] = []
    lock = threading.Lock()

    def attempt(body: dict[str, str]) -> None:
        client = app.test_client()
        barrier.wait()
        r = client.post(URL, json=body, headers=headers)
        with lock:
            codes.append(r.json.get("code", "ok") if r.status_code != 201 else "ok")

    threads = [threading.Thread(target=attempt, args=(body,)) for body in bodies]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return Counter(codes)


def _failures(db) -> int:  # type: ignore[no-untyped-def]
    db.rollback()
    count = db.scalar(select(func.count()).select_from(LookupFailure))
    db.rollback()  # end the read: on SQLite an open transaction would block the app's writes
    return int(count or 0)


def test_parallel_wrong_id_tails_get_no_more_tries_than_the_limit(app, build, db, settings) -> None:  # type: ignore[no-untyped-def]
    """Today's defect: 32 parallel wrong ID tails for one card number were all checked against
    the member's ID, under a limit of 3 — every one of them counted after the check."""
    member = build.member(build.district()["b1"], name="王小红")
    headers = {"X-Device-Key": build.device()}
    db.commit()
    wrong = [{"card_no": member.card_no, "id_last6": f"{i:06d}"} for i in range(PARALLEL)]
    codes = _post_in_parallel(app, wrong, headers)
    limit = settings.kiosk_lookup_card_failures
    assert codes == Counter({"manual_mismatch": limit, "card_backoff": PARALLEL - limit}), codes
    assert _failures(db) == limit


def test_parallel_unknown_cards_hold_the_device_back_at_its_limit(app, build, db, settings) -> None:  # type: ignore[no-untyped-def]
    build.district()
    headers = {"X-Device-Key": build.device()}
    db.commit()
    unknown = [{"uid": f"0BAD{i:04X}"} for i in range(PARALLEL)]
    codes = _post_in_parallel(app, unknown, headers)
    limit = settings.kiosk_lookup_device_failures
    assert codes == Counter({"card_unknown": limit, "rate_limited": PARALLEL - limit}), codes
    assert _failures(db) == limit
