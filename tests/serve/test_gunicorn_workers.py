"""One gunicorn with two worker processes, as deploy/gunicorn.conf.py runs it, on PostgreSQL and
with no keys in the environment: the workers start together and take their keys from (the first
one creating) ``data/instance/secrets.json`` (docs/deploy.md).

Which worker answers is made certain by pausing the other one (SIGSTOP): a paused process does
not accept, so the connection goes to the one that runs. A sign-in form from one worker is
posted to the other, and the session it makes is read back by the first; had each worker drawn
keys of its own, the CSRF token or the session cookie would be refused.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.builders import PASSWORD
from tests.pg import PgCluster
from tests.serve.servers import GunicornServer, csrf_token, fresh_client
from tests.serve.world import hall_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


class KeysFromFile(GunicornServer):
    """The keys are not given: each worker reads them from the instance folder."""

    def __init__(self, database_url: str, instance: Path, **kwargs: object) -> None:
        super().__init__(database_url, workers=2, **kwargs)
        self.instance = instance

    def env(self) -> dict[str, str]:
        env = super().env()
        del env["HALL_SECRET_KEY"], env["HALL_CARD_UID_KEY"]
        env["HALL_INSTANCE_DIR"] = str(self.instance)
        return env


@contextmanager
def only(worker: int, workers: list[int]) -> Iterator[None]:
    """While inside, every other worker is paused, so ``worker`` takes every connection."""
    paused = [pid for pid in workers if pid != worker]
    for pid in paused:
        os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        for pid in paused:
            os.kill(pid, signal.SIGCONT)


def test_two_workers_share_keys_sessions_and_csrf(pg_cluster: PgCluster, tmp_path: Path) -> None:
    url, _facts = hall_database(pg_cluster, "two_workers")
    server = KeysFromFile(url, tmp_path / "instance", log=tmp_path / "gunicorn.log")
    server.start(timeout=60)
    try:
        first, second = workers = server.worker_pids()
        client = fresh_client()
        login = f"{server.url}/console/login"
        with only(first, workers):
            token = csrf_token(client.get(login, timeout=30).text)
        with only(second, workers):
            signed = client.post(
                login,
                data={"username": "clerk-a", "password": PASSWORD, "csrf_token": token},
                allow_redirects=False,
                timeout=30,
            )
        assert signed.status_code == 302, signed.text
        with only(first, workers):
            home = client.get(f"{server.url}/console/", allow_redirects=False, timeout=30)
        assert home.status_code == 200
        assert "clerk-a" in home.text
    finally:
        server.stop()
    stored = json.loads((tmp_path / "instance" / "secrets.json").read_text(encoding="utf-8"))
    assert set(stored) == {"secret_key", "card_uid_key"}
