"""The kiosk's backend client against the real backend on loopback (no Kivy needed).

Callbacks are delivered straight away on the worker thread here (``deliver=run_now``); in the
app they hop to the UI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from kiosk.client import OFFLINE_MESSAGE, ApiError, BackendClient
from kiosk.content import document_row, honor_rows
from tests.kiosk.server import BackendServer, free_port


def run_now(callback: Callable[[], None]) -> None:
    callback()


class Call:
    """Collects the callback of one client call."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.result: Any = None
        self.error: ApiError | None = None

    def ok(self, result: Any) -> None:
        self.result = result
        self.done.set()

    def fail(self, error: ApiError) -> None:
        self.error = error
        self.done.set()

    def wait(self) -> Call:
        assert self.done.wait(10), "no answer within 10 s"
        return self


@pytest.fixture
def client(kiosk_backend: BackendServer, kiosk_world: tuple[Any, dict]) -> Iterator[BackendClient]:
    _path, world = kiosk_world
    client = BackendClient(kiosk_backend.url, world["device_key"], deliver=run_now)
    yield client
    client.close()


def call(method: Callable[..., Any], *args: Any) -> Call:
    c = Call()
    method(*args, c.ok, c.fail)
    return c.wait()


def test_a_card_session_and_its_end(client: BackendClient, kiosk_world: tuple[Any, dict]) -> None:
    member = kiosk_world[1]["members"]["regular"]
    opened = call(client.open_card_session, member["uid"])
    assert opened.error is None
    summary = opened.result["member"]
    assert (summary["name_masked"], summary["arrears"]) == (
        member["name_masked"],
        member["arrears"],
    )
    again = call(client.member_summary, opened.result["token"])
    assert again.result["org_name"] == member["org_name"]
    client.end_session(opened.result["token"]).result(10)
    ended = call(client.member_summary, opened.result["token"])
    assert ended.error is not None and ended.error.code == "session_expired"
    assert ended.error.message == "查询已结束，请重新刷卡"


def test_backend_errors_keep_their_chinese_message(
    client: BackendClient, kiosk_world: tuple[Any, dict]
) -> None:
    unknown = call(client.open_card_session, kiosk_world[1]["unknown_uid"])
    assert unknown.error is not None
    assert (unknown.error.status, unknown.error.code) == (404, "card_unknown")
    assert unknown.error.message.startswith("未能识别这张卡")
    member = kiosk_world[1]["members"]["reminder"]
    manual = call(client.open_manual_session, member["card_no"], member["id_last6"])
    assert manual.result["member"]["name_masked"] == member["name_masked"]
    client.end_session(manual.result["token"]).result(10)


def test_an_unreachable_backend_is_reported_offline() -> None:
    changes: list[bool] = []
    client = BackendClient(f"http://127.0.0.1:{free_port()}", "key", timeout=1, deliver=run_now)
    client.add_connectivity_listener(changes.append)
    failed = call(client.open_card_session, "04A1B2C3")
    assert failed.error is not None and failed.error.offline
    assert failed.error.message == OFFLINE_MESSAGE
    assert client.probe() is False
    assert changes == [False]
    client.close()


def test_a_call_after_closing_is_dropped_not_raised() -> None:
    """A timer that fires while the app stops (the first heartbeat) must not crash it."""
    answers: list[Any] = []
    client = BackendClient(f"http://127.0.0.1:{free_port()}", "key", timeout=1, deliver=run_now)
    client.close()
    future = client.heartbeat({"printer": "ok"}, answers.append, answers.append)
    assert future.cancelled() and answers == []


def test_board_tiers_and_conditional_requests(
    client: BackendClient, kiosk_world: tuple[Any, dict]
) -> None:
    world = kiosk_world[1]
    statuses: list[int] = []
    client._http.hooks["response"].append(lambda r, *a, **k: statuses.append(r.status_code))
    public = call(client.documents, None, 1, 50, None)
    titles = [document_row(item)["title"] for item in public.result["items"]]
    assert world["content"]["public_title"] in titles
    assert not any(world["content"]["member_title"] in t for t in titles)
    repeat = call(client.documents, None, 1, 50, None)
    assert repeat.result == public.result and statuses[-1] == 304
    member = world["members"]["regular"]
    token = call(client.open_card_session, member["uid"]).result["token"]
    personal = call(client.documents, None, 1, 50, token)
    titles = [document_row(item)["title"] for item in personal.result["items"]]
    assert f"【党内公开】{world['content']['member_title']}" in titles
    assert not any(world["content"]["other_unit_title"] in t for t in titles)
    client.end_session(token).result(10)


def test_media_only_from_the_backend_and_honor_rows(
    client: BackendClient, kiosk_world: tuple[Any, dict]
) -> None:
    foreign = call(client.media, "http://example.com/a.png", None)
    assert foreign.error is not None and foreign.error.code == "foreign_url"
    rows = honor_rows(call(client.honors).result)
    entries = [r for r in rows if r["kind"] == "entry"]
    photo = next(r["photo_url"] for r in entries if r["photo_url"])
    assert call(client.media, photo, None).result.startswith(b"\x89PNG")
    names = " ".join(r["title"] for r in entries)
    assert kiosk_world[1]["honors"]["donor_public"] in names
    assert kiosk_world[1]["honors"]["donor_private"] not in names


def test_the_health_probe_tells_the_card_number_width(client: BackendClient) -> None:
    assert client.card_no_digits is None  # not known before the backend has answered
    assert client.probe()
    assert client.card_no_digits == 5  # the world's hall: the default setting
