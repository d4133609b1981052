"""The one authorization policy in the web console (docs/roles.md): every page, for every kind
of staff user, is refused exactly when the policy table says so; the counter clerk's found-today
powers are gone; and the 新转入 dues amount typed into the member form belongs to the 党委."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from backend.models import (
    Donation,
    DuesMonth,
    Member,
    Role,
    TransferNotice,
)
from backend.services import fund, payments, policy, transfer_in
from backend.services.actor import Actor
from backend.services.dues_year import hall_today
from backend.services.idnumber import compose_id_number
from backend.services.members import MemberData
from tests.builders import SYSTEM, Builders
from tests.console.conftest import page_text

STAFF = [
    ("admin", Role.ADMIN, "district"),
    ("dangwei", Role.ORG_STAFF, "c1"),
    ("zhibu", Role.ORG_STAFF, "b1"),
    ("chuangkou", Role.COUNTER, "district"),
    ("shenji", Role.AUDITOR, "district"),
]
REFUSALS = ("您的账户没有使用此功能的权限", "工作人员办理")


def concrete(rule: str, choice: str | None) -> str:
    """A URL for the rule with made-up values: ids 999999, ``choice`` (or the first) for the
    ``any`` part."""
    any_part = re.search(r"<any\(([^)]*)\):\w+>", rule)
    if any_part:
        pick = choice or any_part.group(1).split(",")[0]
        rule = rule.replace(any_part.group(0), pick)
    rule = re.sub(r"<int:\w+>", "999999", rule)
    return re.sub(r"<\w+>", "x", rule)


def policy_pages(app) -> list[tuple[str, str, policy.Action]]:  # type: ignore[no-untyped-def]
    """(method, URL, action) for every console page that names an action, and once more for
    each verb of a page with ``variants``."""
    pages = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        action = getattr(view, "policy_action", None)
        if not rule.endpoint.startswith("console.") or action is None:
            continue
        variants = getattr(view, "policy_variants", {})
        verbs = re.search(r"<any\(([^)]*)\)", rule.rule)
        plain = [v for v in (verbs.group(1).split(",") if verbs else [None]) if v not in variants]
        choices = [(plain[0], action)] if plain else []
        choices += list(variants.items())
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            for choice, needed in choices:
                pages.append((method, concrete(rule.rule, choice), needed))
    return pages


def test_every_console_page_but_the_own_account_ones_names_an_action(app) -> None:  # type: ignore[no-untyped-def]
    named = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("console.")}
    with_action = {
        r.endpoint
        for r in app.url_map.iter_rules()
        if getattr(app.view_functions[r.endpoint], "policy_action", None) is not None
    }
    # sign-in, sign-out, the home page, warnings, own password, the import progress poll
    # and static files are for every signed-in user (or before signing in)
    assert named - with_action <= {
        "console.login",
        "console.logout",
        "console.home",
        "console.warnings",
        "console.own_password",
        "console.import_status",
        "console.static",
    }
    assert len(with_action) > 50


@pytest.mark.parametrize("username", [s[0] for s in STAFF])
def test_each_role_is_refused_exactly_the_pages_the_policy_denies(  # type: ignore[no-untyped-def]
    app, client, sign_in, build, db, username
) -> None:
    orgs = build.district()
    users = {name: build.user(orgs[org], name, role) for name, role, org in STAFF}
    actor = Actor.for_user(users[username])
    db.commit()
    sign_in(username)
    wrong = []
    for method, url, action in policy_pages(app):
        response = client.open(url, method=method, data={})
        refused = response.status_code == 403 and any(r in page_text(response) for r in REFUSALS)
        if refused == policy.allows(actor, action):
            wrong.append(f"{method} {url} ({action}): {response.status_code}")
    assert wrong == []


def _member_form(member: Member, **changes: str) -> dict[str, str]:
    fields = {
        "name": member.name,
        "id_number": member.id_number,
        "joined_date": member.joined_date.isoformat(),
        "status": member.status.value,
        "dues_category": member.dues_category.value,
        "monthly_dues": ""
        if member.monthly_dues_fen is None
        else f"{member.monthly_dues_fen / 100}",
        "phone": member.phone or "",
        "education": member.education or "",
    }
    if member.full_member_date:
        fields["full_member_date"] = member.full_member_date.isoformat()
    return {**fields, **changes}


@pytest.fixture
def hall(build: Builders, db, settings):  # type: ignore[no-untyped-def]
    orgs = build.district()
    for name, role, org in STAFF:
        build.user(orgs[org], name, role)
    member = build.member(orgs["b1"], name="张小明", monthly_fen=5000)
    db.commit()
    return orgs, member


def test_the_counter_clerk_cannot_edit_a_members_phone(client, sign_in, db, hall) -> None:  # type: ignore[no-untyped-def]
    _orgs, member = hall
    form = _member_form(member, phone="13000000000")
    member_id = member.id
    db.rollback()
    sign_in("chuangkou")
    url = f"/console/members/{member_id}/edit"
    response = client.post(url, data=form)
    assert response.status_code == 403 and REFUSALS[0] in page_text(response)
    assert client.get(url).status_code == 403
    db.expire_all()
    assert db.get(Member, member_id).phone == "13912345678"
    db.rollback()
    client.post("/console/logout")
    sign_in("zhibu")
    saved = client.post(url, data=form)
    assert saved.status_code == 302, page_text(saved)
    db.expire_all()
    assert db.get(Member, member_id).phone == "13000000000"


def test_the_counter_clerk_cannot_void_a_donation(client, sign_in, db, hall) -> None:  # type: ignore[no-untyped-def]
    orgs, _member = hall
    donation, _receipt = fund.record_donation(
        db,
        SYSTEM,
        fund.DonationData(
            donor_name="陈捐赠",
            amount_fen=50_000,
            donated_on=date(2025, 5, 20),
            receiving_org_id=orgs["b1"].id,
        ),
        today=date(2025, 6, 1),
    )
    db.commit()
    donation_id = donation.id
    db.rollback()
    sign_in("chuangkou")
    url = f"/console/finance/fund/{donation_id}/void"
    response = client.post(url, data={"reason": "录错"})
    assert response.status_code == 403 and "作废党建基金捐款收据" in page_text(response)
    assert "作废这张收据" not in page_text(client.get(f"/console/finance/fund/{donation_id}"))
    db.expire_all()
    assert not db.get(Donation, donation_id).voided
    db.rollback()
    client.post("/console/logout")
    sign_in("dangwei")
    assert "作废这张收据" in page_text(client.get(f"/console/finance/fund/{donation_id}"))
    client.post(url, data={"reason": "录错"})
    db.expire_all()
    assert db.get(Donation, donation_id).voided


def _newcomer(db, settings, orgs) -> tuple[int, int, date]:  # type: ignore[no-untyped-def]
    today = hall_today(settings.dues)
    data = MemberData(
        name="赵六",
        id_number=compose_id_number("110105", date(1990, 3, 8), 124),
        joined_date=date(2010, 7, 1),
        full_member_date=date(2011, 7, 1),
        education="大学本科",
        phone="13700000000",
    )
    t = transfer_in.transfer_in(
        db,
        SYSTEM,
        settings,
        transfer_in.InRequest(
            data=data,
            org_id=orgs["b1"].id,
            from_name="外省某党委",
            on=date(today.year, 1, 15),
        ),
        today=today,
    )
    db.commit()
    notice = next(
        n
        for n in db.scalars(select(TransferNotice))
        if n.kind.value == "assessment" and n.payload["members"][0]["member_id"] == t.member_id
    )
    return t.member_id, notice.id, today


def test_the_new_members_amount_typed_in_the_member_form_belongs_to_the_committee(  # type: ignore[no-untyped-def]
    client, sign_in, db, settings, hall
) -> None:
    orgs, _member = hall
    member_id, notice_id, today = _newcomer(db, settings, orgs)
    form = _member_form(db.get(Member, member_id), monthly_dues="30")
    db.rollback()  # end the read: a SQLite transaction here would block the app's writes
    url = f"/console/members/{member_id}/edit"

    # the branch clerk types 月交党费: refused, and the member stays pending everywhere
    sign_in("zhibu")
    refused = client.post(url, data=form)
    assert refused.status_code == 400
    assert "核定新转入党员党费”须由党委或上级党组织的工作人员办理" in page_text(refused)
    warnings = page_text(client.get("/console/warnings"))
    assert "赵六" in warnings[warnings.index('id="pending"') :]
    db.expire_all()
    assert db.get(Member, member_id).monthly_dues_fen is None
    months = db.scalars(select(DuesMonth).where(DuesMonth.member_id == member_id)).all()
    assert months and all(m.due_fen is None for m in months)
    db.rollback()
    client.post("/console/logout")

    # the 党委 does it through the same form: every pending month is priced and payable
    sign_in("dangwei")
    saved = client.post(url, data=form)
    assert saved.status_code == 302, page_text(saved)
    warnings = page_text(client.get("/console/warnings"))
    assert "赵六" not in warnings[warnings.index('id="pending"') :]
    db.expire_all()
    member = db.get(Member, member_id)
    assert member.monthly_dues_fen == 3000
    months = db.scalars(select(DuesMonth).where(DuesMonth.member_id == member_id)).all()
    assert len(months) == 12 and {m.due_fen for m in months} == {3000}
    assert db.get(TransferNotice, notice_id).handled_at is not None
    outcome = payments.pay(
        db,
        SYSTEM,
        settings.dues,
        member,
        idempotency_key="policy-console-newcomer-1",
        months=[f"{today.year}-01"],
        today=today,
    )
    assert outcome.payment.amount_fen == 3000
