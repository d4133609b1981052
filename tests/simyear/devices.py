"""The simulated year's devices: a print station per kiosk and counter, and one real card
reader on a real pcscd.

Printing: the real ``PrintQueue`` with its job store (an SQLite file per station) and the real
network printer driver, sending ESC/POS over TCP to ``FakeNetworkPrinter`` on loopback. The
printer is the simulated part — no receipt printer is attached to a test machine; the fake
answers the driver's status queries, so paper-out is the printer *saying* it is out of paper,
and a power cycle is its port going away and coming back, as a real network printer's does.

Card reading: the first kiosk reads its cards through pcscd with the vpcd virtual reader and a
virtual card (``tests/devices/pcsc_helpers.py``); restarting pcscd is a real restart of the
daemon. The other kiosks get the UID as a keyboard-wedge reader would type it.
"""

from __future__ import annotations

import gc
import queue
import signal
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

from devices.cardreader import CardInserted, CardRemoved, create_reader
from devices.printer import PrintDocument, PrintQueue, create_printer
from tests.devices.fake_printer import FakeNetworkPrinter
from tests.devices.pcsc_helpers import (
    PCSCD,
    READER,
    VPCD_PORT,
    PcscDaemon,
    VirtualCard,
    wait_for_port,
)


class PrintStation:
    """One kiosk's (or counter's) printer and its durable queue."""

    def __init__(self, folder: Path, name: str) -> None:
        self.name = name
        self.printer = FakeNetworkPrinter()
        self.queue_file = folder / f"{name}-print-queue.sqlite3"
        self.submitted: list[str] = []
        self.powered = True
        self._lock = threading.Lock()  # the program is down while it restarts: no submits
        self.queue = self._open()

    def _open(self) -> PrintQueue:
        printer = create_printer(
            {
                "connection": "network",
                "host": "127.0.0.1",
                "port": self.printer.port,
                "profile": "80mm",
            }
        )
        job_queue = PrintQueue(self.queue_file, printer, poll_interval=0.3)
        job_queue.start()
        return job_queue

    def submit(self, document: dict[str, Any], job_id: str | None = None) -> str:
        with self._lock:
            job = self.queue.submit(PrintDocument.from_dict(document), job_id=job_id)
            if job not in self.submitted:
                self.submitted.append(job)
            return job

    def paper_out(self) -> None:
        self.printer.set_paper("out")

    def paper_refilled(self) -> None:
        self.printer.set_paper("ok")

    def power_off(self) -> None:
        if self.powered:
            self.printer.go_offline()
            self.powered = False

    def power_on(self) -> None:
        if not self.powered:
            self.printer.go_online()
            self.powered = True

    def restart_app(self) -> None:
        """The kiosk program restarts: the queue closes and opens its job file afresh."""
        with self._lock:
            self.queue.close()
            self.queue = self._open()

    def pending(self) -> int:
        return sum(1 for j in self.queue.jobs() if j.state.value in ("queued", "waiting_printer"))

    def close(self) -> None:
        self.queue.close()
        self.printer.close()


class CardDesk:
    """The first kiosk's real PC/SC reader, on a pcscd this run starts (and restarts).

    ``available`` is False where pcscd or vpcd is not installed, or when a pcscd this run did
    not start is running: that one belongs to another test run, whose virtual cards would land
    on the same virtual reader (and ours on theirs), and it is not ours to restart."""

    def __init__(self) -> None:
        self.events: queue.Queue[Any] = queue.Queue()
        self._lock = threading.Lock()  # a restart waits for the tap on the reader
        self.proc: subprocess.Popen[bytes] | None = None
        self.reader: Any = None
        self.available = Path(PCSCD).exists() and not PcscDaemon.foreign_running()
        if not self.available:
            return
        self._start_daemon()
        try:
            wait_for_port(VPCD_PORT)
        except TimeoutError:
            pass
        if self.proc is None or self.proc.poll() is not None:  # another pcscd won the race
            self.close()
            self.available = False
            return
        self.reader = create_reader(
            {"type": "pcsc", "reader": READER, "retry_interval": 0.2}, self.events.put
        )
        self.reader.start()

    def _start_daemon(self) -> None:
        self.proc = subprocess.Popen(
            [PCSCD, "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def _stop_daemon(self) -> None:
        if self.proc is None:
            return
        gc.collect()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None

    def restart_pcscd(self) -> bool:
        if not self.available:
            return False
        with self._lock:
            self._stop_daemon()
            self._start_daemon()
            wait_for_port(VPCD_PORT)
        return True

    def tap(self, uid: str, timeout: float = 20.0) -> str:
        """Put a virtual card with ``uid`` on the reader; return the UID the reader read (a
        different one would be a fault this run reports, not hides: the kiosk uses it)."""
        with self._lock:
            return self._tap(uid, timeout)

    def _tap(self, uid: str, timeout: float) -> str:
        while not self.events.empty():
            self.events.get_nowait()
        card = VirtualCard(bytes.fromhex(uid))
        card.insert(timeout=timeout)
        try:
            read = self._wait(CardInserted, timeout)
        finally:
            card.remove()
        self._wait(CardRemoved, timeout)
        return str(read.uid_hex)

    def _wait(self, kind: type, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"读卡器在 {timeout} 秒内没有报告 {kind.__name__}")
            event = self.events.get(timeout=left)
            if isinstance(event, kind):
                return event

    def close(self) -> None:
        if self.reader is not None:
            self.reader.stop()
            self.reader = None
        self._stop_daemon()
