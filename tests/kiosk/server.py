"""The real backend as a subprocess on a free loopback port (``flask --app backend run``)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

from tests.kiosk.world import CARD_UID_KEY, SECRET_KEY

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class BackendServer:
    def __init__(
        self,
        database_url: str,
        port: int | None = None,
        log: Path | None = None,
        extra_env: dict[str, str] | None = None,
        launcher: list[str] | None = None,
    ) -> None:
        """``launcher``: what runs in place of ``python -m flask`` (the simulated year runs
        the backend under a movable clock: ``tests/simyear/clock_backend.py``)."""
        self.database_url = database_url
        self.launcher = launcher or [sys.executable, "-m", "flask"]
        self.extra_env = extra_env or {}
        self.port = port or free_port()
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            DATABASE_URL=self.database_url,
            HALL_SECRET_KEY=SECRET_KEY,
            HALL_CARD_UID_KEY=CARD_UID_KEY,
            HALL_KIOSK_FAILED_LOOKUPS_PER_MINUTE="1000",
            PYTHONPATH=str(REPO),
        )
        env.update(self.extra_env)
        return env

    def command(self) -> list[str]:
        """The server to start (a subclass may start gunicorn instead: tests/serve)."""
        flask = [*self.launcher, "--app", "backend", "run"]
        return [*flask, "--host", "127.0.0.1", "--port", str(self.port), "--no-reload"]

    def start(self, timeout: float = 20.0) -> None:
        log = open(self.log, "ab") if self.log else None  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                self.command(),
                cwd=REPO,
                env=self.env(),
                stdout=log or subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
            )
        finally:
            if log is not None:
                log.close()  # the child has its own copy of the descriptor
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"backend exited with {self.process.returncode}; see {self.log}")
            try:
                if requests.get(f"{self.url}/api/v1/health", timeout=0.5).ok:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"backend did not answer on {self.url} within {timeout}s")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self.process = None
