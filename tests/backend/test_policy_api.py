"""The one authorization policy through the JSON API: every staff endpoint, called by every kind
of staff user, is refused exactly when the policy table says so (docs/roles.md).

The calls are real HTTP requests through the app; a refused call answers 403 with the policy's
code before the endpoint looks at its path or body, an admitted one gets past the policy (a
made-up id then answers 404, an empty body 400 — never the policy's 403). What an admitted call
does with real data is tested beside each feature; ``test_policy_defects`` checks the defects
found when the hall was probed, with real data.
"""

from __future__ import annotations

import re

import pytest

from backend.api.framework import REGISTRY, Auth
from backend.models import Role
from backend.services import policy
from backend.services.actor import Actor
from backend.services.policy import POLICY, Action
from tests.builders import PASSWORD

POLICY_CODES = {"role_forbidden", "level_forbidden"}

# (user name, role, organization key from Builders.district)
STAFF = [
    ("admin", Role.ADMIN, "district"),
    ("dangwei", Role.ORG_STAFF, "c1"),
    ("zongzhi", Role.ORG_STAFF, "g1"),
    ("zhibu", Role.ORG_STAFF, "b1"),
    ("chuangkou", Role.COUNTER, "district"),
    ("shenji", Role.AUDITOR, "district"),
]


def staff_endpoints() -> list:
    return [s for s in REGISTRY if s.auth is Auth.STAFF]


def concrete(rule: str) -> str:
    """A path for the rule with made-up ids (``/members/<int:member_id>`` → ``/members/999999``)."""
    return re.sub(r"<(?:int:)?\w+>", "999999", rule)


def test_every_staff_endpoint_names_an_action_in_the_table() -> None:
    specs = staff_endpoints()
    assert len(specs) > 40
    assert all(s.action in POLICY for s in specs)
    # the found-today cases are where the table says they are
    by_rule = {(s.method, s.rule): s.action for s in specs}
    assert by_rule[("post", "/api/v1/members/<int:member_id>/dues-amount")] is Action.DUES_SET
    assert (
        by_rule[("post", "/api/v1/transfer-notices/<int:notice_id>/assess")]
        is Action.DUES_ASSESS_NEW
    )
    assert (
        by_rule[("post", "/api/v1/remittance/batches/<int:batch_id>/confirm")]
        is Action.REMITTANCE_CONFIRM
    )
    assert by_rule[("post", "/api/v1/transfers/branch")] is Action.ORG_MOVE


def test_the_counter_clerk_and_the_auditor_are_refused_the_desk_actions() -> None:
    """The table itself, pinned: a change to who may do these is a decision, not an accident."""
    counter_denied = {
        Action.DUES_SET,
        Action.DUES_ASSESS_NEW,
        Action.REMITTANCE_CONFIRM,
        Action.FUND_VOID,
        Action.ORG_MOVE,
        Action.MEMBER_EDIT,
        Action.WAIVER_APPROVE,
        Action.DISCLOSURE_PUBLISH,
    }
    assert not any(Role.COUNTER in POLICY[a].roles for a in counter_denied)
    assert {a for a, r in POLICY.items() if Role.AUDITOR in r.roles} == {
        Action.OWN_ACCOUNT,
        Action.READ,
        Action.AUDIT_READ,
    }
    assert POLICY[Action.DUES_ASSESS_NEW].min_level is not None


@pytest.mark.parametrize("username", [s[0] for s in STAFF])
def test_each_role_is_refused_exactly_what_the_policy_denies(client, build, db, username) -> None:  # type: ignore[no-untyped-def]
    orgs = build.district()
    users = {name: build.user(orgs[org], name, role) for name, role, org in STAFF}
    actor = Actor.for_user(users[username])
    db.commit()
    r = client.post("/api/v1/auth/login", json={"username": username, "password": PASSWORD})
    headers = {"Authorization": f"Bearer {r.json['token']}"}
    wrong: list[str] = []
    refused = admitted = 0
    for spec in staff_endpoints():
        if spec.rule.endswith("/auth/logout"):
            continue  # it would end this test's session; every role may sign out
        path = concrete(spec.rule)
        response = client.open(path, method=spec.method.upper(), json={}, headers=headers)
        body = response.get_json(silent=True) or {}
        denied_by_policy = response.status_code == 403 and body.get("code") in POLICY_CODES
        expected_denied = not policy.allows(actor, spec.action)
        if denied_by_policy != expected_denied:
            wrong.append(f"{spec.method.upper()} {path}: {response.status_code} {body}")
        if expected_denied:
            refused += 1
            assert body["message"].startswith(("您的账户没有", "“")), body
        else:
            admitted += 1
    assert wrong == []
    assert admitted > 0
    if users[username].role in (Role.COUNTER, Role.AUDITOR):
        assert refused > 0


def test_docs_roles_names_every_action_and_role() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "roles.md").read_text("utf-8")
    for action, rule in POLICY.items():
        assert f"| `{action.value}` |" in text, rule.label
    for role in Role:
        assert f"`{role.value}`" in text and role.label.split("（")[0] in text
