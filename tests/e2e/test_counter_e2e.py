"""The counter app end to end: the real app in counter mode (offscreen), a real backend on
loopback, a simulated card reader and the preview printer, whose ESC/POS bytes are decoded."""

from __future__ import annotations

from tests.e2e.conftest import Player


def test_sign_in_lock_and_staff_card(player: Player) -> None:
    player.run("signing_in")


def test_two_zhang_wei_are_told_apart(player: Player) -> None:
    player.run("two_zhang_wei")


def test_dues_payment_reprint_void_and_assessment(player: Player) -> None:
    result = player.run("dues_desk")
    assert result["facts"]["slip_no"]


def test_cards_issue_refuse_lost_and_replace(player: Player) -> None:
    player.run("cards_at_desk")
