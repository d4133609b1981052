"""The counter's client side without a screen: the staff token only in memory, answers that
arrive after a lock dropped, an expired token treated as a lock, print job names, and the
counter mode in the kiosk configuration. (The calls against the real backend are in e2e.)"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kiosk.client import ApiError
from kiosk.config import ConfigError, load_config
from kiosk.counter.api import CounterApi
from kiosk.counter.printouts import labels, transfer_jobs
from kiosk.counter.staff import StaffSession


class FakeClient:
    """Records staff calls; the test answers them later, as a slow network would."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, str, Callable[..., None], Callable[..., None]]] = []

    def staff(self, bearer, method, path, on_ok, on_error, **_options):  # type: ignore[no-untyped-def]
        self.calls.append((bearer, method, path, on_ok, on_error))


def counter_api(client: Any) -> tuple[CounterApi, StaffSession, list[Any], list[Any]]:
    staff = StaffSession()
    errors: list[ApiError] = []
    expired: list[ApiError] = []
    api = CounterApi(client, staff, on_error=errors.append, on_expired=expired.append)
    return api, staff, errors, expired


def test_staff_calls_carry_the_token_and_stop_after_a_lock() -> None:
    fake = FakeClient()
    api, staff, _errors, _expired = counter_api(fake)
    assert api.search("张伟", lambda _a: None) is None, "signed out: nothing is sent"
    assert fake.calls == []
    staff.begin("token-1", {"username": "counter", "full_name": "李明", "org_name": "示范区委"})
    assert staff.label == "李明（示范区委）"
    shown: list[Any] = []
    api.member(7, shown.append)
    bearer, method, path, on_ok, _on_error = fake.calls[0]
    assert (bearer, method, path) == ("token-1", "GET", "/members/7")
    assert staff.wipe() == "token-1"
    on_ok({"name": "张伟"})
    assert shown == [], "an answer after the lock never reaches the screen"
    assert staff.token is None and staff.last_username == "counter"


def test_an_expired_token_locks_and_other_errors_are_shown_as_sent() -> None:
    fake = FakeClient()
    api, staff, errors, expired = counter_api(fake)
    staff.begin("token-2", {"username": "branch1"})
    api.pay(3, {"months": ["2026-01"]}, lambda _a: None)
    api.void(9, "金额录错", lambda _a: None)
    _b, method, path, _ok, pay_failed = fake.calls[0]
    assert (method, path) == ("POST", "/members/3/payments")
    pay_failed(ApiError(409, "month_already_paid", "2026年1月的党费已经缴纳，请勿重复缴费"))
    assert [e.message for e in errors] == ["2026年1月的党费已经缴纳，请勿重复缴费"]
    fake.calls[1][4](ApiError(401, "token_invalid", "登录已失效，请重新登录"))
    assert [e.code for e in expired] == ["token_invalid"]


def test_transfer_papers_become_print_jobs_named_by_what_they_are() -> None:
    answer = {
        "transfer": {"id": 12},
        "documents": [
            {"kind": "slip", "label": "组织关系接转证明单", "source_id": 12, "document": {}},
            {"kind": "notice", "label": "党员转入通知", "source_id": 4, "document": {}},
        ],
    }
    assert [job for job, _doc in transfer_jobs(answer)] == [
        "transfer-12-slip-12",
        "transfer-12-notice-4",
    ]
    assert transfer_jobs(answer, "-reprint-1")[0][0] == "transfer-12-slip-12-reprint-1"
    assert labels(answer) == "组织关系接转证明单、党员转入通知"


def test_counter_mode_and_its_lock_time_in_the_configuration(tmp_path: Path) -> None:
    path = tmp_path / "kiosk.toml"
    path.write_text('[kiosk]\nmode = "counter"\nlock_seconds = 120\n', encoding="utf-8")
    config = load_config(path)
    assert (config.mode, config.lock_seconds) == ("counter", 120.0)
    assert not config.shows_member and not config.shows_board
    path.write_text('[kiosk]\nmode = "counter"\nlock_seconds = 2\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="lock_seconds"):
        load_config(path)
