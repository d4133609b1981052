"""Two server processes behind one port on a real PostgreSQL: whatever one process starts, the
other carries on (docs/deploy.md, "what may live where"). Each process is gunicorn with the
repository's config; the front door hands each new connection to the server the test names, so
every step below is known to have crossed from one process to the other.

Were any of this kept in a process's memory — the console session, its CSRF token, an
account's failed sign-ins, a kiosk's card session, a card number's failed look-ups, a background
export's progress and file — the step on the second process would not see what the first one
did.
"""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest
import requests

from backend.settings import Settings
from tests.builders import PASSWORD
from tests.pg import PgCluster
from tests.serve.servers import FrontDoor, GunicornServer, csrf_token, fresh_client
from tests.serve.world import MEMBER_NAME, hall_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

A, B = 0, 1


@dataclass
class Hall:
    front: FrontDoor
    device_key: str
    uid: str
    card_no: str
    id_last6: str


@pytest.fixture(scope="module")
def hall(pg_cluster: PgCluster, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    url, facts = hall_database(pg_cluster, "two_processes")
    logs: Path = tmp_path_factory.mktemp("two-processes")
    servers = [GunicornServer(url, log=logs / f"server-{n}.log") for n in (A, B)]
    front = FrontDoor(servers)  # type: ignore[arg-type]
    try:
        for server in servers:
            server.start(timeout=60)
        yield Hall(front, **facts)
    finally:
        front.close()
        for server in servers:
            server.stop()


def _sign_in(
    hall: Hall,
    client: requests.Session,
    username: str,
    password: str,
    *,
    form_from: int,
    post_to: int,
) -> requests.Response:
    with hall.front.to(form_from):
        token = csrf_token(client.get(f"{hall.front.url}/console/login", timeout=30).text)
    with hall.front.to(post_to):
        return client.post(
            f"{hall.front.url}/console/login",
            data={"username": username, "password": password, "csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )


def test_a_console_session_made_on_one_process_works_on_the_other(hall: Hall) -> None:
    console = fresh_client()
    signed = _sign_in(hall, console, "clerk-a", PASSWORD, form_from=A, post_to=B)
    assert signed.status_code == 302  # B accepted the CSRF token A put in the form
    with hall.front.to(A):
        home = console.get(f"{hall.front.url}/console/", allow_redirects=False, timeout=30)
    assert home.status_code == 200  # A knows the session B signed
    assert "clerk-a" in home.text
    assert hall.front.served[-3:] == [A, B, A]


def test_the_account_lock_out_counts_failures_on_both_processes(hall: Hall) -> None:
    client = fresh_client()
    for attempt in range(Settings().login_max_failures):
        wrong = _sign_in(
            hall, client, "clerk-b", "not-the-password", form_from=A, post_to=attempt % 2
        )
        assert "用户名或密码错误" in wrong.text
    # Each process saw only some of the failures; together they are the limit.
    right = _sign_in(hall, client, "clerk-b", PASSWORD, form_from=A, post_to=A)
    assert right.status_code == 400
    assert "账户已锁定" in right.text
    right = _sign_in(hall, client, "clerk-b", PASSWORD, form_from=B, post_to=B)
    assert "账户已锁定" in right.text


def test_a_kiosk_session_opened_on_one_process_is_ended_on_the_other(hall: Hall) -> None:
    kiosk = fresh_client()
    kiosk.headers["X-Device-Key"] = hall.device_key
    api = f"{hall.front.url}/api/v1/kiosk"
    with hall.front.to(A):
        opened = kiosk.post(f"{api}/card-session", json={"uid": hall.uid}, timeout=30)
    assert opened.status_code == 201
    session = {"X-Kiosk-Session": opened.json()["token"]}
    with hall.front.to(B):
        assert kiosk.get(f"{api}/session", headers=session, timeout=30).status_code == 200
        assert kiosk.delete(f"{api}/session", headers=session, timeout=30).status_code == 204
    with hall.front.to(A):
        after = kiosk.get(f"{api}/session", headers=session, timeout=30)
    assert after.status_code == 401  # the member's data is gone on A too


def test_failed_kiosk_look_ups_are_limited_across_both_processes(hall: Hall) -> None:
    kiosk = fresh_client()
    kiosk.headers["X-Device-Key"] = hall.device_key
    wrong = {"card_no": hall.card_no, "id_last6": "000000"}
    statuses = []
    for attempt in range(Settings().kiosk_lookup_card_failures + 1):
        with hall.front.to(attempt % 2):
            answer = kiosk.post(
                f"{hall.front.url}/api/v1/kiosk/card-session", json=wrong, timeout=30
            )
        statuses.append(answer.status_code)
    assert statuses[:-1] == [404] * Settings().kiosk_lookup_card_failures
    assert statuses[-1] == 429


def test_an_export_started_on_one_process_is_followed_and_fetched_on_the_other(
    hall: Hall,
) -> None:
    """The export runs in a child of the worker that took it; its progress and its file are
    read from the job's folder by whichever process the next request reaches."""
    console = fresh_client()
    signed = _sign_in(hall, console, "clerk-a", PASSWORD, form_from=A, post_to=A)
    assert signed.status_code == 302
    base = hall.front.url
    with hall.front.to(A):
        token = csrf_token(console.get(f"{base}/console/imports", timeout=30).text)
        begun = console.post(
            f"{base}/console/exports/members",
            data={"csrf_token": token},
            allow_redirects=False,
            timeout=30,
        )
    assert begun.status_code == 302, begun.text
    job = begun.headers["Location"].rstrip("/").split("/")[-1]
    deadline = time.monotonic() + 120
    with hall.front.to(B):
        while (state := console.get(f"{base}/console/imports/{job}/status").json())[
            "state"
        ] == "exporting":
            assert time.monotonic() < deadline, state
            time.sleep(0.3)
        assert state["state"] == "done", state
        sheet = console.get(f"{base}/console/exports/{job}/file", timeout=60)
    assert sheet.status_code == 200
    rows = openpyxl.load_workbook(io.BytesIO(sheet.content), read_only=True).active.iter_rows(
        values_only=True
    )
    assert any(MEMBER_NAME in row for row in rows)
