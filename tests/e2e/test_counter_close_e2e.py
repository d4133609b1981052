"""The counter's 日结 end to end (the real app in counter mode, a real backend, the preview
printer's ESC/POS bytes decoded); then the backend is asked what the close holds."""

from __future__ import annotations

from typing import Any

from tests.e2e.checks import Staff
from tests.e2e.conftest import Player


def test_day_close_at_the_counter(player: Player, world: dict[str, Any]) -> None:
    player.run("day_close")
    clerk = Staff(player.backend.url, "counter2", world["password"])
    close = clerk.get("/counter/day-close").json()
    assert close["closed"] is True and close["prints"] == 2
    assert (close["payment_count"], close["cash"], close["tendered"], close["change"]) == (
        1,
        "153.00",
        "200.00",
        "47.00",
    )
    member = world["members"]["close"]
    payments = clerk.get(f"/members/{member['id']}/payments").json()["items"]
    assert [(p["amount"], p["tendered"], p["change"]) for p in payments] == [
        ("153.00", "200.00", "47.00")
    ], "the payment refused after the close left nothing behind"
