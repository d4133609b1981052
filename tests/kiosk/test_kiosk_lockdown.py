"""Kiosk lock-down, settings pushed from the console and the screen schedule (docs/kiosk.md).

The scenarios run the real app offscreen against the real backend, each on a kiosk device of
its own; the PIN check and the schedule's clock arithmetic are also tested on their own.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from werkzeug.security import generate_password_hash

from kiosk.pin_check import pin_matches
from kiosk.screen_sleep import in_window
from tests.kiosk import fleet_db
from tests.kiosk.conftest import Runner
from tests.kiosk.server import BackendServer


def _own_kiosk(world: dict[str, Any], name: str, extra: str = "") -> str:
    key = fleet_db.register_kiosk(world["database_url"], name)
    kiosk = f"locked = true\nheartbeat_seconds = 5\n{extra}"
    return f'[backend]\ndevice_key = "{key}"\n[kiosk]\n{kiosk}'


def test_the_kiosk_checks_the_consoles_pin_hash_without_the_web_framework() -> None:
    stored = generate_password_hash("24681357", method="scrypt")
    assert pin_matches(stored, "24681357")
    assert not pin_matches(stored, "24681358")
    assert not pin_matches(None, "24681357")
    assert not pin_matches("pbkdf2:sha256:1$salt$abc", "24681357")
    assert not pin_matches("garbage", "24681357")


@pytest.mark.parametrize(
    ("now", "inside"),
    [
        ("19:59", False),
        ("20:00", True),
        ("23:59", True),
        ("00:00", True),
        ("07:59", True),
        ("08:00", False),
        ("12:00", False),
    ],
)
def test_a_sleep_window_may_run_past_midnight(now: str, inside: bool) -> None:
    assert in_window(time.fromisoformat(now), "20:00", "08:00") is inside
    assert in_window(time.fromisoformat(now), "", "") is False


def test_escape_and_close_requests_do_not_end_the_kiosk_only_the_pin_does(
    run_scenario: Runner, kiosk_world: tuple[Path, dict[str, Any]]
) -> None:
    _path, world = kiosk_world
    result = run_scenario(
        "lockdown",
        config_extra=_own_kiosk(world, "lockdown-kiosk"),
        facts={"kiosk": "lockdown-kiosk"},
    )
    assert result["facts"]["exit_status"] == 10


def test_console_settings_are_applied_live_and_reported_back(
    run_scenario: Runner, kiosk_world: tuple[Path, dict[str, Any]]
) -> None:
    _path, world = kiosk_world
    run_scenario(
        "pushed_settings",
        config_extra=_own_kiosk(world, "pushed-kiosk"),
        facts={"kiosk": "pushed-kiosk"},
    )


def test_the_screen_sleeps_in_its_hours_and_a_touch_or_card_wakes_it(
    run_scenario: Runner, kiosk_world: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    _path, world = kiosk_world
    now = datetime.now().astimezone()
    work = tmp_path / "work"
    schedule = (
        f'sleep_from = "{(now - timedelta(hours=1)):%H:%M}"\n'
        f'sleep_until = "{(now + timedelta(hours=1)):%H:%M}"\n'
        "attract_seconds = 5\n"
        f'screen_off_command = ["touch", "{work / "screen-off"}"]\n'
        f'screen_on_command = ["touch", "{work / "screen-on"}"]\n'
    )
    run_scenario("screen_schedule", config_extra=_own_kiosk(world, "sleepy-kiosk", schedule))


def test_the_board_shows_offline_after_a_restart_from_the_kiosks_disk(
    run_scenario: Runner, kiosk_world: tuple[Path, dict[str, Any]], tmp_path: Path
) -> None:
    _path, world = kiosk_world
    server = BackendServer(world["database_url"], log=tmp_path / "backend.log")
    server.start()
    try:
        filled = run_scenario("board_fill", backend_url=server.url, facts={"phase": "online"})
    finally:
        server.stop()
    assert filled["facts"]["kept"] >= 6  # categories, two list pages, the item, picture, roll…
    run_scenario(
        "board_offline",
        backend_url=server.url,
        config_extra="[kiosk]\nhealth_seconds = 1\n",
        facts={"phase": "offline"},
    )


def test_five_wrong_pins_hold_the_pad_back_for_a_minute() -> None:
    from kiosk.lockdown import NO_PIN, Lockdown

    now = [1000.0]
    left: list[bool] = []
    lock = Lockdown(locked=True, on_unlock=lambda: left.append(True), clock=lambda: now[0])
    assert lock.check("24681357") == NO_PIN and not left
    lock.pin_hash = generate_password_hash("24681357", method="scrypt")
    assert lock.refuse_close() is True and lock.keyboard(None, 27) is True
    messages = [lock.check("11111111") for _ in range(5)]
    assert messages[0] == "维护PIN不正确，还可以再试4次"
    assert messages[-1] == "维护PIN错误次数过多，请60秒后再试"
    now[0] += 30
    assert lock.check("24681357") == "维护PIN错误次数过多，请31秒后再试" and not left
    now[0] += 31
    assert lock.check("24681357") is None and left == [True]
    assert lock.refuse_close() is False  # unlocked: the app may end
