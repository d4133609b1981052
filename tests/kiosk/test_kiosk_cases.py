"""The member's cases at the Kivy kiosk (docs/cases.md), run as a scenario of
``scenarios_cases.py`` in its own kiosk process against the real backend."""

from __future__ import annotations

from tests.kiosk.conftest import Runner


def test_hardship_by_choices_and_the_reply_on_the_next_tap(run_scenario: Runner) -> None:
    run_scenario("cases_hardship")
