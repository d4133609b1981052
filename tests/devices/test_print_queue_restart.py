"""Exactly once across a killed kiosk process (SIGKILL, no clean shutdown)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devices.printer import PrintQueue, create_printer
from devices.printer.queue import JobState
from tests.devices import escpos_decoder as esc
from tests.devices.fake_printer import FakeNetworkPrinter

SCRIPT = Path(__file__).with_name("queue_process.py")


class Kiosk:
    """One kiosk process running the print queue."""

    def __init__(self, queue_file: Path, port: int, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(SCRIPT), str(queue_file), str(port), *args],
            stdout=subprocess.PIPE,
            text=True,
        )
        self.events: list[dict] = []

    def wait_for(self, job_id: str, state: str, timeout: float = 15.0) -> None:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.events.append(json.loads(line))
            if self.events[-1] == {"id": job_id, "state": state}:
                return
        raise AssertionError(f"job {job_id} never reached {state}: {self.events}")

    def wait_exit(self, timeout: float = 15.0) -> int:
        return self.proc.wait(timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        if self.proc.stdout is not None:
            self.proc.stdout.close()


@pytest.fixture
def kiosks() -> Iterator[list[Kiosk]]:
    started: list[Kiosk] = []
    yield started
    for kiosk in started:
        kiosk.kill()


def _job_state(queue_file: Path, job_id: str) -> tuple[JobState, bool]:
    """Read the queue file the way a staff screen would, without printing anything."""
    queue = PrintQueue(queue_file, create_printer({"connection": "dummy"}))
    try:
        job = queue.job(job_id)
        assert job is not None
        return job.state, job.needs_confirmation
    finally:
        queue.close()


def _receipts(fake: FakeNetworkPrinter) -> int:
    return sum(esc.lines(esc.decode(job))[0].strip() == "党费缴费凭条" for job in fake.jobs)


def test_killed_while_paper_is_out_prints_exactly_once_after_restart(
    tmp_path: Path, fake_printer: FakeNetworkPrinter, kiosks: list[Kiosk]
) -> None:
    queue_file = tmp_path / "print-queue.sqlite3"
    fake_printer.set_paper("out")
    first = Kiosk(queue_file, fake_printer.port, "--submit", "pay-7")
    kiosks.append(first)
    first.wait_for("pay-7", "waiting_printer")
    first.kill()
    assert fake_printer.jobs == []

    fake_printer.set_paper("ok")
    second = Kiosk(queue_file, fake_printer.port)
    kiosks.append(second)
    second.wait_for("pay-7", "done")
    second.kill()
    third = Kiosk(queue_file, fake_printer.port)  # and once more: nothing is printed again
    kiosks.append(third)
    assert fake_printer.wait_for_queries(8)
    third.kill()
    assert _receipts(fake_printer) == 1
    assert _job_state(queue_file, "pay-7") == (JobState.DONE, False)


def test_killed_before_sending_prints_once_after_restart(
    tmp_path: Path, fake_printer: FakeNetworkPrinter, kiosks: list[Kiosk]
) -> None:
    queue_file = tmp_path / "print-queue.sqlite3"
    crashing = Kiosk(queue_file, fake_printer.port, "--submit", "pay-8", "--crash", "before")
    kiosks.append(crashing)
    assert crashing.wait_exit() == 3
    assert fake_printer.jobs == []
    assert _job_state(queue_file, "pay-8") == (JobState.PRINTING, False)

    restarted = Kiosk(queue_file, fake_printer.port)
    kiosks.append(restarted)
    restarted.wait_for("pay-8", "done")
    assert _receipts(fake_printer) == 1


def test_killed_after_sending_is_not_printed_twice_but_shown_to_staff(
    tmp_path: Path, fake_printer: FakeNetworkPrinter, kiosks: list[Kiosk]
) -> None:
    queue_file = tmp_path / "print-queue.sqlite3"
    crashing = Kiosk(queue_file, fake_printer.port, "--submit", "pay-9", "--crash", "after")
    kiosks.append(crashing)
    assert crashing.wait_exit() == 3
    assert len(fake_printer.wait_for_jobs(1)) == 1  # the receipt did come out

    restarted = Kiosk(queue_file, fake_printer.port)
    kiosks.append(restarted)
    assert fake_printer.wait_for_queries(8)
    restarted.kill()
    assert _receipts(fake_printer) == 1
    assert _job_state(queue_file, "pay-9") == (JobState.FAILED, True)
