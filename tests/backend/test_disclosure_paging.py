"""A board with 3,000 items: every page is one query and answers quickly."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import event, insert

from backend.models import DisclosureDocument, DisclosureStatus, DisclosureTier
from backend.services import disclosure_board as board
from backend.services import hall_clock
from backend.services.disclosure_categories import find_category
from tests.backend.test_disclosure_helpers import categories

ITEMS = 3000


def _fill(db, build):  # type: ignore[no-untyped-def]
    orgs = build.district()
    categories(db)
    category = find_category(db, "政策文件")
    start = hall_clock.today() - timedelta(days=ITEMS)
    tiers = [DisclosureTier.PUBLIC, DisclosureTier.PUBLIC, DisclosureTier.PARTY]
    db.execute(
        insert(DisclosureDocument),
        [
            {
                "category_id": category.id,
                "org_id": orgs["c1"].id,
                "title": f"第{n}号公开事项",
                "summary": f"摘要{n}",
                "body_md": f"正文{n}",
                "tier": tiers[n % 3],
                "status": DisclosureStatus.PUBLISHED,
                "publish_on": start + timedelta(days=n),
                "created_by": "bench",
                "reviewed_by": "bench",
            }
            for n in range(ITEMS)
        ],
    )
    db.commit()
    return category


def test_each_page_is_one_query(db, build) -> None:
    category = _fill(db, build)
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    engine = db.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = board.list_visible(
            db,
            board.Viewer.public(),
            today=hall_clock.today(),
            category=category,
            page=50,
            per_page=20,
        )
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(statements) == 1
    assert page.total == 2000  # two of every three items are public
    assert page.pages == 100
    assert len(page.items) == 20
    # Newest first: page 50 of 20 starts with the 981st newest public item.
    assert page.items[0].publish_on > page.items[-1].publish_on


def test_pages_stay_fast_over_http(client, db, build) -> None:
    _fill(db, build)
    key = build.device()
    db.commit()
    timings = []
    for page in (1, 50, 100):
        started = time.perf_counter()
        r = client.get(
            "/api/v1/kiosk/disclosure",
            headers={"X-Device-Key": key},
            query_string={"page": page, "per_page": 20},
        )
        timings.append(time.perf_counter() - started)
        assert r.status_code == 200
        assert r.json["total"] == 2000 and len(r.json["items"]) == 20
    # Generous bound for a slow CI machine; typical figures are a few milliseconds.
    assert max(timings) < 1.0, timings
