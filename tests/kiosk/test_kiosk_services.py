"""The member's self-service at the kiosk (issue 15, item 4): the 办事服务 hub and its screens.
Each test runs one scenario of ``scenarios_services.py`` in its own kiosk process against the
real backend."""

from __future__ import annotations

from tests.kiosk.conftest import Runner


def test_hub_offers_every_service_entry_and_forgets_the_member(run_scenario: Runner) -> None:
    run_scenario("services_hub")


def test_my_record_shows_only_the_tapped_members_masked_record_and_branch(
    run_scenario: Runner,
) -> None:
    run_scenario("my_record")


def test_a_board_item_prints_a_summary_whose_qr_opens_the_full_text(run_scenario: Runner) -> None:
    run_scenario("print_document")


def test_a_member_rates_their_branch_once(run_scenario: Runner) -> None:
    run_scenario("satisfaction_vote")
