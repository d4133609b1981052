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


def test_large_text_with_the_warning_keeps_every_text_apart(run_scenario: Runner) -> None:
    run_scenario("large_text_layout")


def test_member_sees_this_month_as_due_figures_that_add_up_and_party_age(
    run_scenario: Runner,
) -> None:
    run_scenario("member_details")


def test_large_text_and_contrast_reset_for_the_next_member_after_idle(
    run_scenario: Runner,
) -> None:
    run_scenario(
        "settings_reset_after_idle",
        config_extra="[kiosk]\nidle_seconds = 6\ncountdown_seconds = 3\nattract_seconds = 5\n",
    )


def test_reader_down_message_names_a_button_that_exists(run_scenario: Runner) -> None:
    run_scenario("reader_down_message")
