"""The member's self-service at the kiosk (issue 15, item 4): the 办事服务 hub and its screens.
Each test runs one scenario of ``scenarios_services.py`` in its own kiosk process against the
real backend."""

from __future__ import annotations

from tests.kiosk.conftest import Runner


def test_hub_offers_every_service_entry_and_forgets_the_member(run_scenario: Runner) -> None:
    run_scenario("services_hub")


def test_a_member_rates_their_branch_once(run_scenario: Runner) -> None:
    run_scenario("satisfaction_vote")
