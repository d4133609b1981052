"""The counter app end to end: the real app in counter mode (offscreen), a real backend on
loopback, a simulated card reader and the preview printer, whose ESC/POS bytes are decoded.

Each test plays a scenario of ``scenarios*.py`` in a fresh app process (what the screen showed
is asserted there); here the papers it printed are read back field by field, and the backend
is asked what it now holds. Screenshots: ``test-artifacts/counter/``.
"""

from __future__ import annotations

from typing import Any

import requests

from tests.e2e.checks import Staff
from tests.e2e.conftest import Player


def test_sign_in_lock_and_staff_card(player: Player) -> None:
    player.run("signing_in")


def test_idle_lock_forgets_the_member(player: Player) -> None:
    player.run("idle_lock", kiosk={"lock_seconds": 6})


def test_two_zhang_wei_are_told_apart(player: Player) -> None:
    player.run("two_zhang_wei")


def test_dues_payment_reprint_void_and_assessment(
    player: Player, staff: Staff, world: dict[str, Any]
) -> None:
    result = player.run("dues_desk")
    member = world["members"]["pay"]
    payments = staff.get(f"/members/{member['id']}/payments").json()["items"]
    assert [(p["slip_no"], p["voided"], p["reprints"]) for p in payments] == [
        (result["facts"]["slip_no"], True, 1)
    ], "the retried form charged once; the payment was reprinted once, then voided"
    # the clerk's attempt to set the amount was refused (docs/roles.md): it is unchanged
    assert staff.get(f"/members/{member['id']}").json()["monthly_dues"] == "76.50"


def test_cards_issue_refuse_lost_and_replace(
    player: Player, world: dict[str, Any], staff: Staff
) -> None:
    player.run("cards_at_desk")
    kiosk = requests.post(
        f"{player.backend.url}/api/v1/kiosk/card-session",
        json={"uid": world["blanks"]["card_desk"]},
        headers={"X-Device-Key": world["device_key"]},
        timeout=10,
    )
    assert kiosk.status_code >= 400 and "挂失" in kiosk.json()["message"]
    member = staff.get(f"/members/{world['members']['nocard']['id']}").json()
    assert (member["card_state_label"], member["card_no"]) == (
        "正常",
        world["members"]["nocard"]["card_no"],
    )
