"""荣誉服务 at the real kiosk against the real backend (``scenarios_honor.py``)."""

from __future__ import annotations

from tests.kiosk.conftest import Runner


def test_an_eligible_member_prints_and_reprints_their_notice(run_scenario: Runner) -> None:
    run_scenario("honor_notice")
