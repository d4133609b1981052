"""The counter app end to end: the real app in counter mode (offscreen), a real backend on
loopback, a simulated card reader and the preview printer, whose ESC/POS bytes are decoded."""

from __future__ import annotations

from tests.e2e.conftest import Player


def test_sign_in_lock_and_staff_card(player: Player) -> None:
    player.run("signing_in")
