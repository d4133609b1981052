"""志愿服务 at the kiosk under a real Kivy window against the real backend
(``scenarios_volunteers.py``; docs/volunteers.md)."""

from __future__ import annotations

from tests.kiosk.conftest import Runner


def test_a_member_sees_their_hours_and_joins_a_team(run_scenario: Runner) -> None:
    run_scenario("volunteer_join")


def test_a_kiosk_set_by_staff_signs_members_in_by_card(run_scenario: Runner) -> None:
    # The staff PIN is checked with scrypt on purpose (docs/security.md); on a loaded test
    # machine that can pass the test kiosk's 2-second timeout, which is not what is tested here.
    run_scenario("volunteer_desk", config_extra="[backend]\ntimeout = 10.0\n")
