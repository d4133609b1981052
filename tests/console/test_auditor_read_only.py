"""The read-only auditor (审计监督人员, docs/roles.md) end to end, on both databases: over the
console they sign in, read the member roll, the ledger and the audit log and export a list; no
page they can reach offers a form that changes something, and posting such a form anyway is
refused with 403 and changes nothing. Over the API a payment and a dues-amount change are
refused the same way.

The district is the demo district (a few dozen members with cards, payments, transfers,
honours and donations), so the pages show the rows that carry buttons.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select

from backend.models import (
    AuditEntry,
    Card,
    CardState,
    Donation,
    HonorEntry,
    Member,
    Organization,
    Payment,
    Role,
    Transfer,
    TransferKind,
)
from backend.services import demo, policy
from backend.services.actor import Actor
from tests.builders import PASSWORD, Builders
from tests.console.conftest import page_text

REFUSED = "您的账户没有使用此功能的权限"
VISITS_PER_PAGE = 2  # pages of one kind (e.g. member details) looked at, to keep the walk short


class _Page(HTMLParser):
    """The links and the targets of POST forms (and of ``formaction`` buttons) of one page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.posts: list[str] = []
        self._form_posts = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        elif tag == "form":
            self._form_posts = (a.get("method") or "get").lower() == "post"
            if self._form_posts and a.get("action"):
                self.posts.append(a["action"] or "")
        elif tag == "button" and a.get("formaction") and self._form_posts:
            self.posts.append(a["formaction"] or "")


@pytest.fixture
def auditor(app, db, settings, build: Builders, sign_in) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    demo.generate(db, settings, member_count=30, device_key_path=None)
    district = db.scalar(select(Organization).where(Organization.code == "01000000"))
    user = build.user(district, "shenji", Role.AUDITOR)
    db.commit()
    return {"client": sign_in("shenji"), "actor": Actor.for_user(user), "user": user}


def _needed_action(app, path: str) -> policy.Action | None:  # type: ignore[no-untyped-def]
    endpoint, args = app.url_map.bind("localhost").match(path, method="POST")
    view = app.view_functions[endpoint]
    variants = getattr(view, "policy_variants", {})
    picked = [variants[v] for v in args.values() if isinstance(v, str) and v in variants]
    return picked[0] if picked else getattr(view, "policy_action", None)


def test_the_auditor_reads_the_roll_the_ledger_and_the_audit_log_and_exports(
    auditor: dict[str, Any], db
) -> None:  # type: ignore[no-untyped-def]
    client = auditor["client"]
    member_id, name = db.execute(select(Member.id, Member.name).order_by(Member.id)).first()
    db.rollback()  # the test's write session must not hold SQLite's lock during the requests
    roll = client.get("/console/members")
    assert roll.status_code == 200 and name in page_text(roll)
    detail = client.get(f"/console/members/{member_id}")
    assert detail.status_code == 200 and name in page_text(detail)
    ledger = client.get("/console/finance/ledger")
    assert ledger.status_code == 200 and "党费" in page_text(ledger)
    log = client.get("/console/audit")
    assert log.status_code == 200 and "shenji" in page_text(log)  # their own sign-in
    export = client.get("/console/members.xlsx")
    assert export.status_code == 200
    assert export.data[:2] == b"PK"  # an xlsx file (a zip), not an error page
    assert db.scalar(
        select(func.count())
        .select_from(AuditEntry)
        .where(AuditEntry.action.like("%export%"), AuditEntry.actor_name.contains("shenji"))
    )


def test_no_page_the_auditor_reaches_offers_a_form_that_changes_something(
    app, auditor: dict[str, Any]
) -> None:  # type: ignore[no-untyped-def]
    client, actor = auditor["client"], auditor["actor"]
    queue, seen, kinds = ["/console/"], set(), Counter()
    adapter = app.url_map.bind("localhost")
    offered: dict[str, set[str]] = {}
    while queue:
        url = queue.pop(0)
        path = urlsplit(url).path
        if url in seen:
            continue
        seen.add(url)
        endpoint = adapter.match(path, method="GET")[0]
        kinds[endpoint] += 1
        if kinds[endpoint] > VISITS_PER_PAGE:
            continue
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.content_type:
            continue
        page = _Page()
        page.feed(page_text(response))
        for link in page.links:
            parts = urlsplit(link)
            if (
                not parts.netloc
                and parts.path.startswith("/console/")
                and not (
                    parts.path.startswith("/console/static/") or "." in parts.path.rsplit("/", 1)[1]
                )
            ):
                queue.append(link)
        for target in page.posts:
            needed = _needed_action(app, urlsplit(target).path)
            if needed is not None and not policy.allows(actor, needed):
                offered.setdefault(f"{needed.value} → {target}", set()).add(path)
    assert len(kinds) > 25  # the walk reached the console's pages, not just the home page
    assert offered == {}


def test_changing_forms_posted_anyway_are_refused_and_change_nothing(
    auditor: dict[str, Any], db
) -> None:  # type: ignore[no-untyped-def]
    client = auditor["client"]
    card = db.scalars(select(Card).where(Card.state == CardState.ACTIVE).order_by(Card.id)).first()
    member = db.get(Member, card.member_id)
    honor = db.scalars(select(HonorEntry).order_by(HonorEntry.id)).first()
    donation = db.scalars(select(Donation).order_by(Donation.id)).first()
    within = db.scalars(select(Transfer).where(Transfer.kind == TransferKind.WITHIN)).first()
    posts = [
        (f"/console/members/{member.id}/cards/{card.id}/lost", {}),
        (f"/console/members/{member.id}/cards/issue", {"uid": "04A1B2C3", "replace": "lost"}),
        (f"/console/members/{member.id}/edit", {"name": "改名"}),
        (f"/console/honors/{honor.id}/visible", {"on": "0"}),
        (f"/console/honors/donations/{donation.id}/consent", {"on": "1"}),
        (f"/console/transfers/{within.id}/archive-letter", {}),
    ]
    name, visible = member.name, honor.visible
    db.rollback()  # the test's write session must not hold SQLite's lock during the requests
    for url, form in posts:
        response = client.post(url, data=form)
        assert response.status_code == 403, url
        assert REFUSED in page_text(response), url
    assert db.get(Card, card.id).state is CardState.ACTIVE
    assert db.get(Member, member.id).name == name
    assert db.get(HonorEntry, honor.id).visible == visible


def test_over_the_api_a_payment_and_a_dues_change_are_refused(
    client, auditor: dict[str, Any], db
) -> None:  # type: ignore[no-untyped-def]
    login = client.post("/api/v1/auth/login", json={"username": "shenji", "password": PASSWORD})
    assert login.status_code == 200, login.json
    headers = {"Authorization": f"Bearer {login.json['token']}"}
    member_id, monthly = db.execute(
        select(Member.id, Member.monthly_dues_fen).order_by(Member.id)
    ).first()
    payments_before = db.scalar(select(func.count()).select_from(Payment))
    db.rollback()  # the test's write session must not hold SQLite's lock during the requests
    read = client.get(f"/api/v1/members/{member_id}/ledger", headers=headers)
    assert read.status_code == 200
    pay = client.post(
        f"/api/v1/members/{member_id}/payments",
        json={"count": 1},
        headers={**headers, "Idempotency-Key": "auditor-pay-0001"},
    )
    assert pay.status_code == 403 and pay.json["code"] == "role_forbidden", pay.json
    dues = client.post(
        f"/api/v1/members/{member_id}/dues-amount",
        json={"monthly": "1.00", "from": "2026-01", "reason": "审计员不应能改"},
        headers=headers,
    )
    assert dues.status_code == 403 and dues.json["code"] == "role_forbidden", dues.json
    assert db.scalar(select(func.count()).select_from(Payment)) == payments_before
    assert db.get(Member, member_id).monthly_dues_fen == monthly
