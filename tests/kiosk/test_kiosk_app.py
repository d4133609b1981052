"""The real kiosk app against the real backend on loopback (simulated reader, preview printer).

Each test runs one scenario of ``scenarios.py`` / ``scenarios_content.py`` in its own process;
the assertions on what the screen shows live there. Screenshots: ``test-artifacts/kiosk/``.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.kiosk.conftest import ARTIFACTS, Runner
from tests.kiosk.server import BackendServer


def test_tap_shows_the_members_year_and_removal_forgets_them(run_scenario: Runner) -> None:
    result = run_scenario("tap_member")
    assert (ARTIFACTS / "member-regular.png").stat().st_size > 10_000
    assert "𠮷*明" in result["texts"]


def test_six_months_unpaid_shows_the_warning_five_the_reminder(run_scenario: Runner) -> None:
    run_scenario("warnings")


def test_idle_counts_down_closes_dialogs_and_goes_home(run_scenario: Runner) -> None:
    run_scenario("idle_leave", config_extra="[kiosk]\nidle_seconds = 6\ncountdown_seconds = 3\n")


def test_unknown_lost_and_unreadable_cards_get_a_clear_message(run_scenario: Runner) -> None:
    run_scenario("bad_cards")


def test_manual_entry_with_card_number_and_id_tail(run_scenario: Runner) -> None:
    run_scenario("manual_entry")


def test_manual_entry_takes_the_card_number_width_from_the_backend(
    run_scenario: Runner, kiosk_world: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    _path, world = kiosk_world
    six = BackendServer(
        world["database_url"], log=tmp_path / "backend6.log", extra_env={"HALL_CARD_NO_DIGITS": "6"}
    )
    six.start()
    try:
        run_scenario("manual_entry_width", backend_url=six.url, facts={"card_no_digits": 6})
    finally:
        six.stop()


def test_keyboard_wedge_reader_typing_uid_and_enter(run_scenario: Runner) -> None:
    run_scenario(
        "wedge_typing",
        config_extra='[reader]\ntype = "wedge"\nuid_format = "hex"\nmax_gap_ms = 50\n',
    )


def test_offline_banner_message_and_recovery(run_scenario: Runner, spare_port: int) -> None:
    run_scenario(
        "offline",
        backend_url=f"http://127.0.0.1:{spare_port}",
        config_extra="[kiosk]\nhealth_seconds = 1\n",
    )


def test_print_statement_holds_the_right_amounts(run_scenario: Runner) -> None:
    result = run_scenario("printing")
    assert result["facts"]["statement"].endswith(".bin")


def test_printer_out_of_paper_keeps_the_job_queued(run_scenario: Runner, spare_port: int) -> None:
    printer = (
        f'[printer]\nconnection = "network"\nhost = "127.0.0.1"\nport = {spare_port}\n'
        'profile = "58mm"\nstatus_timeout = 0.5\nconnect_timeout = 1\n'
    )
    run_scenario("printer_unavailable", config_extra=printer, facts={"printer_port": spare_port})


def test_disclosure_browsing_and_tiers(run_scenario: Runner) -> None:
    run_scenario("disclosure")


def test_honor_roll_with_consent_rules(run_scenario: Runner) -> None:
    run_scenario("honors")


def test_attract_loop_after_a_quiet_spell(run_scenario: Runner) -> None:
    run_scenario("attract", config_extra="[kiosk]\nattract_seconds = 5\n")


def test_large_text_high_contrast_and_touch_targets(run_scenario: Runner) -> None:
    run_scenario("accessibility")


@pytest.mark.skipif(shutil.which("xvfb-run") is None, reason="xvfb-run is not installed")
def test_under_a_real_x_server(run_scenario: Runner, tmp_path) -> None:  # type: ignore[no-untyped-def]
    run_scenario(
        "tap_member",
        wrapper=("xvfb-run", "-a", "-s", "-screen 0 1280x800x24"),
        artifacts=ARTIFACTS / "xvfb",
    )
