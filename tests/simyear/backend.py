"""The real backend for the simulated year: a subprocess on one SQLite file, under a clock the
simulation moves forward (``clock_backend.py``), which can be stopped, killed and started."""

from __future__ import annotations

import os
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, select

from backend.models import Payment
from tests.kiosk.server import BackendServer
from tests.simyear.clock_backend import ack_path

LAUNCHER = Path(__file__).with_name("clock_backend.py")


class SimBackend(BackendServer):
    def __init__(self, database_url: str, folder: Path, start: datetime) -> None:
        self.clock_file = folder / "clock.txt"
        self._write_clock(start)
        super().__init__(
            database_url,
            log=folder / "backend.log",
            launcher=[sys.executable, str(LAUNCHER), str(self.clock_file)],
        )
        self.restarts = 0
        self.crashes = 0

    def now(self) -> datetime:
        """The backend's clock as it runs on from the last jump (real speed)."""
        return self._moment + timedelta(seconds=time.monotonic() - self._moved_at)

    def _write_clock(self, moment: datetime) -> None:
        self._moment, self._moved_at = moment, time.monotonic()
        scratch = self.clock_file.with_name("clock.tmp")
        scratch.write_text(moment.isoformat())
        os.replace(scratch, self.clock_file)

    def move_clock(self, moment: datetime, timeout: float = 10.0) -> None:
        """Jump the backend's clock forward to ``moment`` and wait until it has."""
        self._write_clock(moment)
        wanted = moment.isoformat()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ack_path(self.clock_file).read_text().strip() == wanted:
                return
            time.sleep(0.02)
        raise RuntimeError(f"后端时钟未在 {timeout} 秒内拨到 {wanted}")

    def start(self, timeout: float = 60.0) -> None:
        # A restarted backend's clock must not go back behind rows it wrote before (the audit
        # chain refuses a row older than its predecessor): it starts a second past where it was.
        if self.process is None and hasattr(self, "_moment"):
            self._write_clock(self.now() + timedelta(seconds=1))
        super().start(timeout)

    def restart(self) -> None:
        """An orderly restart (SIGTERM, start again on the same database)."""
        self.stop()
        self.start(timeout=60)
        self.restarts += 1

    def crash_and_start(self) -> None:
        """A crash (SIGKILL: a transaction in flight is cut off), then start again."""
        self.kill()
        self.start(timeout=60)
        self.crashes += 1

    def crash_soon(self, delay: float) -> None:
        """Kill the backend ``delay`` seconds from now (mostly before the request commits)."""
        time.sleep(delay)
        self.crash_and_start()

    def crash_after_commit(self, key: str, timeout: float = 10.0) -> None:
        """Kill the backend the moment the payment with ``key`` is committed — before its
        answer has left, usually: the case where only the idempotency key saves the payer from
        paying twice."""
        engine = create_engine(self.database_url)
        found = select(Payment.id).where(Payment.idempotency_key == key)
        deadline = time.monotonic() + timeout
        try:
            with engine.connect() as conn:
                while time.monotonic() < deadline and conn.execute(found).first() is None:
                    conn.rollback()  # a fresh snapshot for the next look
                    time.sleep(0.001)
        finally:
            engine.dispose()
        self.crash_and_start()

    def kill(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(10)
            self.process = None
