"""The counter's register (issue 12, item 8): 回执登记 and the 逾期未回执 list at the window,
and the void dialog laid out inside its panel."""

from __future__ import annotations

from typing import Any

from tests.e2e.checks import Staff
from tests.e2e.conftest import Player


def test_letter_return_recorded_at_the_counter(
    player: Player, staff: Staff, world: dict[str, Any]
) -> None:
    player.run("letter_returns")
    letters = {x["name"]: x for x in staff.get("/letters").json()["items"]}
    overdue = letters[world["members"]["letter_overdue"]["name"]]
    assert (overdue["status"], overdue["returned_on"], overdue["return_handler"]) == (
        "received",
        world["today"],
        "王接收",
    )
    assert letters[world["members"]["letter_valid"]["name"]]["status"] == "valid"


def test_void_dialog_fits_its_panel(player: Player) -> None:
    player.run("void_dialog_fits")


def test_the_counter_by_keyboard(player: Player) -> None:
    player.run("by_keyboard")
