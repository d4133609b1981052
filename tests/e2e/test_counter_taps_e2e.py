"""Card taps at the counter while a question is open or a payment is on its way (issue 12,
item 2): refused with a message; the member confirmed is the member shown and charged."""

from __future__ import annotations

from typing import Any

from tests.e2e.checks import Staff
from tests.e2e.conftest import Player


def test_tap_during_confirmation_charges_the_member_shown(
    player: Player, staff: Staff, world: dict[str, Any]
) -> None:
    player.run("tap_during_confirmation")
    first, second = world["members"]["tap_first"], world["members"]["tap_second"]
    paid = staff.get(f"/members/{first['id']}/payments").json()["items"]
    assert len(paid) == 2 and not any(p["voided"] for p in paid)
    assert staff.get(f"/members/{second['id']}/payments").json()["items"] == []
