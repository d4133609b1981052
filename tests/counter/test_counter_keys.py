"""The counter sends an idempotency key with every void, transfer and letter, and the same key
when the clerk sends the same request again after an error or a lost answer — so the backend
answers the retry with the first answer instead of voiding or transferring twice.

The network is replaced by a recording client here: an answer lost after the backend committed
cannot be produced on demand with the real server. That the backend replays the first answer
for a repeated key is proven against it in tests/backend/test_idempotent_requests.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kiosk.client import ApiError
from kiosk.counter.api import CounterApi
from kiosk.counter.staff import StaffSession

LOST = ApiError(0, "offline", "网络连接中断，请稍后重试")


class RecordingClient:
    """Keeps each staff call's path, body and callbacks; the test answers them."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any, Callable[..., None], Callable[..., None]]] = []

    def staff(self, bearer, method, path, on_ok, on_error, *, json=None, params=None):  # type: ignore[no-untyped-def]
        self.calls.append((path, json, on_ok, on_error))

    def key(self, n: int) -> str:
        return str(self.calls[n][1]["idempotency_key"])


def _signed_in() -> tuple[CounterApi, StaffSession, RecordingClient]:
    client = RecordingClient()
    staff = StaffSession()
    api = CounterApi(client, staff, on_error=lambda _e: None, on_expired=lambda _e: None)  # type: ignore[arg-type]
    staff.begin("token-1", {"username": "chuangkou"})
    return api, staff, client


def test_a_void_sent_again_after_a_lost_answer_reuses_its_key() -> None:
    api, _staff, client = _signed_in()
    api.void(9, "收错月份", lambda _a: None)
    client.calls[0][3](LOST)  # the backend voided, but the answer never came
    api.void(9, "收错月份", lambda _a: None)
    assert client.calls[1][1]["reason"] == "收错月份"
    assert len(client.key(0)) >= 8 and client.key(1) == client.key(0)
    client.calls[1][2]({"id": 9, "voided": True})
    api.void(9, "收错月份", lambda _a: None)  # answered: a new request gets a new key
    assert client.key(2) != client.key(0)


def test_each_transfer_and_letter_call_carries_a_key_of_its_own() -> None:
    api, staff, client = _signed_in()
    api.transfer("in", {"org_id": 3}, lambda _a: None)
    api.transfer("out", {"member_id": 5, "to_name": "外地党委"}, lambda _a: None)
    api.issue_certificate(5, {"host_name": "某党委"}, lambda _a: None)
    api.issue_floating_card(5, {"host_name": "某党委"}, lambda _a: None)
    api.record_return(7, {"returned_on": "2026-03-02"}, lambda _a: None)
    api.revoke_letter(7, "遗失", lambda _a: None)
    keys = [client.key(n) for n in range(6)]
    assert len(set(keys)) == 6
    assert client.calls[1][1] == {
        "member_id": 5,
        "to_name": "外地党委",
        "idempotency_key": keys[1],
    }
    staff.wipe()
    staff.begin("token-2", {"username": "chuangkou"})
    api.transfer("in", {"org_id": 3}, lambda _a: None)
    assert client.key(6) != keys[0], "a new sign-in starts with new keys"
