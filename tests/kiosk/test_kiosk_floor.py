"""The hall floor as a member meets it (issue 12): card input, the board, look-up limits, and
the member screen's layout and wording. Each test runs one scenario in its own kiosk process."""

from __future__ import annotations

from tests.kiosk.conftest import Runner

WEDGE = '[reader]\ntype = "wedge"\nuid_format = "hex"\nmax_gap_ms = 50\n'


def test_wedge_reader_reads_upper_and_lower_case_with_shift_and_caps_lock(
    run_scenario: Runner,
) -> None:
    run_scenario("wedge_shift_and_caps", config_extra=WEDGE)


def test_board_only_kiosk_shows_new_items_newest_first_without_restart(
    run_scenario: Runner,
) -> None:
    run_scenario("board_refresh", config_extra='[kiosk]\nmode = "board"\n')
