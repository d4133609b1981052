"""The backend under gunicorn with the repository's own config (deploy/gunicorn.conf.py), and a
front door: one loopback port whose connections the test hands to one server or another, as a
load balancer in front of several app servers would (docs/deploy.md)."""

from __future__ import annotations

import contextlib
import re
import select
import socket
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import requests

from tests.kiosk.server import REPO, BackendServer, free_port

CONFIG = REPO / "deploy" / "gunicorn.conf.py"


class GunicornServer(BackendServer):
    """``gunicorn -c deploy/gunicorn.conf.py`` on a free loopback port."""

    def __init__(self, database_url: str, *, workers: int = 1, **kwargs: object) -> None:
        super().__init__(database_url, **kwargs)  # type: ignore[arg-type]
        self.workers = workers

    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", "-c", str(CONFIG)]

    def env(self) -> dict[str, str]:
        env = super().env()
        env.update(
            HALL_BIND=f"127.0.0.1:{self.port}",
            HALL_WORKERS=str(self.workers),
            HALL_THREADS="4",
        )
        env.update(self.extra_env)
        return env

    def worker_pids(self) -> list[int]:
        assert self.process is not None
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        return [int(p) for p in children.split()]


def fresh_client() -> requests.Session:
    """A client that opens a new connection for every request, so each is routed anew."""
    client = requests.Session()
    client.headers["Connection"] = "close"
    return client


def csrf_token(page: str) -> str:
    """The CSRF token a console form carries."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]


class FrontDoor:
    """One port; each new connection goes to the server ``to()`` names, byte for byte."""

    def __init__(self, servers: list[BackendServer]) -> None:
        self.servers = servers
        self.target = 0
        self.served: list[int] = []  # which server took each connection, in order
        self.port = free_port()
        self._listener = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @contextlib.contextmanager
    def to(self, index: int) -> Iterator[None]:
        self.target = index
        yield

    def close(self) -> None:
        self._listener.close()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return  # closed
            self.served.append(self.target)
            upstream = socket.create_connection(("127.0.0.1", self.servers[self.target].port))
            threading.Thread(target=_relay, args=(client, upstream), daemon=True).start()


def _relay(client: socket.socket, upstream: socket.socket) -> None:
    """Both directions until both sides have finished sending, then close both."""
    other = {client: upstream, upstream: client}
    open_ends = [client, upstream]
    try:
        while open_ends:
            readable, _, _ = select.select(open_ends, [], [], 30)
            if not readable:
                return  # idle for 30 s: a test that left a connection open
            for end in readable:
                data = end.recv(65536)
                if data:
                    other[end].sendall(data)
                else:
                    open_ends.remove(end)
                    with contextlib.suppress(OSError):
                        other[end].shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        client.close()
        upstream.close()
