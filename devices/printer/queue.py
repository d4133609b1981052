"""A persistent print queue: every job ends printed exactly once or visibly failed.

Jobs live in an SQLite file in the kiosk's data directory (:mod:`devices.printer.jobstore`: a
commit is on disk before the call returns). One worker thread sends them in order, waiting while
the printer is offline, out of paper or open.

The exactly-once argument, step by step:

1. ``submit`` commits the job before it returns, so an accepted job is never lost; a repeated
   ``job_id`` is ignored, so a retried submit cannot print twice.
2. Before the printer is contacted the job is committed as ``printing``. Once the connection is
   open, right before the first byte leaves, a ``sending`` flag is committed.
3. After the bytes were handed over the job is committed as ``done``.

A crash (power cut, killed process) between 2 and 3 leaves a job in ``printing``. On restart:

* without the ``sending`` flag nothing reached the printer: the job is queued again, and prints
  once;
* with the flag, paper may or may not have come out, and a receipt printer cannot be asked
  whether it printed job X. Printing again could hand out a second receipt for one payment, so
  the job is **not** reprinted automatically: it becomes ``failed`` with
  ``needs_confirmation=True`` and a message telling staff to check the printer and choose
  :meth:`PrintQueue.confirm_printed` or :meth:`PrintQueue.reprint`. The window is only the
  transmission itself (milliseconds on a network printer), so this happens rarely, and never
  silently. A link that breaks while sending is handled the same way.
"""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.errors import DeviceError
from devices.printer.connection import PrinterUnavailable, PrintInterrupted
from devices.printer.device import Printer
from devices.printer.document import PrintDocument
from devices.printer.jobstore import UNCERTAIN_MESSAGE, Job, JobState, JobStore
from devices.printer.queue_lock import QueueLock
from devices.printer.status import READY_STATES, PrinterState, StateListener

__all__ = ["UNCERTAIN_MESSAGE", "Job", "JobListener", "JobState", "PrintQueue"]

log = logging.getLogger(__name__)

JobListener = Callable[[Job], None]


class PrintQueue:
    """Jobs in ``path`` (an SQLite file), printed by a worker thread on ``printer``.

    ``listener`` receives every change of the printer's :class:`PrinterState`, ``job_listener``
    every change of a job; both are called on the worker thread.
    """

    def __init__(
        self,
        path: Path | str,
        printer: Printer,
        listener: StateListener | None = None,
        *,
        job_listener: JobListener | None = None,
        poll_interval: float = 2.0,
    ) -> None:
        self.path = Path(path)
        self.printer = printer
        self.listener = listener
        self.job_listener = job_listener
        self.poll_interval = poll_interval
        self.printer_state: PrinterState | None = None
        self._store = JobStore(self.path)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = QueueLock(self.path)

    def submit(self, doc: PrintDocument, *, job_id: str | None = None) -> str:
        """Store a job durably and return its id; a known ``job_id`` is not queued twice."""
        job_id = job_id or uuid.uuid4().hex
        self._store.add(job_id, doc.title or "", json.dumps(doc.to_dict(), ensure_ascii=False))
        self._wake.set()
        return job_id

    def jobs(self) -> list[Job]:
        """All jobs, oldest first."""
        return self._store.jobs()

    def job(self, job_id: str) -> Job | None:
        return self._store.job(job_id)

    def confirm_printed(self, job_id: str) -> None:
        """Staff saw the receipt of an interrupted job on paper: close it as done."""
        if not self._store.resolve_failed(job_id, JobState.DONE, "工作人员确认已打印"):
            raise DeviceError(f"任务 {job_id} 不是打印失败的任务")
        self._notify(job_id)

    def reprint(self, job_id: str) -> None:
        """Staff saw no (or a torn) receipt of a failed job: print it again, once."""
        if not self._store.resolve_failed(job_id, JobState.QUEUED, "工作人员要求重新打印"):
            raise DeviceError(f"任务 {job_id} 不是打印失败的任务")
        self._notify(job_id)
        self._wake.set()

    def cancel(self, job_id: str) -> None:
        """Withdraw a job that has not started printing."""
        if not self._store.cancel(job_id):
            raise DeviceError(f"任务 {job_id} 已开始打印或不存在，无法取消")
        self._notify(job_id)

    def start(self) -> None:
        """Recover jobs cut off by a crash, then start the worker thread."""
        if self._thread is not None:
            return
        self._lock.acquire()  # one worker per queue file: a second would print jobs twice
        self._store.recover()
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self._lock.release()

    def close(self) -> None:
        self.stop()
        self.printer.close()
        self._store.close()

    def __enter__(self) -> PrintQueue:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- worker thread ------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._step()
            except Exception:  # the worker must outlive any single bad job or printer
                log.exception("print queue step failed")
                self._stop.wait(self.poll_interval)

    def _step(self) -> None:
        self._wake.clear()
        state = self.printer.status()
        self._publish_state(state)
        job = self._store.next_pending()
        if job is None:
            self._wake.wait(self.poll_interval)
            return
        job_id, body = job
        if state not in READY_STATES:
            self._set(job_id, JobState.WAITING_PRINTER, message=state.label)
            self._stop.wait(self.poll_interval)
            return
        self._print(job_id, body)

    def _publish_state(self, state: PrinterState) -> None:
        if state is self.printer_state:
            return
        self.printer_state = state
        if self.listener is not None:
            _call(self.listener, state)

    def _print(self, job_id: str, body: str) -> None:
        self._set(job_id, JobState.PRINTING, message="", attempt=True)
        try:
            doc = PrintDocument.from_dict(json.loads(body))
            self.printer.print_document(
                doc, job_id=job_id, before_send=lambda: self._store.mark_sending(job_id)
            )
        except PrinterUnavailable:
            self._set(job_id, JobState.WAITING_PRINTER, message=PrinterState.OFFLINE.label)
            self._publish_state(PrinterState.OFFLINE)
            self._stop.wait(self.poll_interval)
        except PrintInterrupted:
            self._set(job_id, JobState.FAILED, message=UNCERTAIN_MESSAGE, uncertain=True)
        except Exception as exc:
            log.exception("print job %s failed", job_id)
            uncertain = self._store.is_sending(job_id)
            message = UNCERTAIN_MESSAGE if uncertain else f"无法打印：{exc}"
            self._set(job_id, JobState.FAILED, message=message, uncertain=uncertain)
        else:
            self._set(job_id, JobState.DONE, message="", printed=True)

    def _set(self, job_id: str, state: JobState, **changes: Any) -> None:
        if self._store.set_state(job_id, state, **changes):
            self._notify(job_id)

    def _notify(self, job_id: str) -> None:
        if self.job_listener is not None:
            job = self._store.job(job_id)
            if job is not None:
                _call(self.job_listener, job)


def _call(listener: Callable[[Any], None], value: Any) -> None:
    try:
        listener(value)
    except Exception:
        log.exception("print queue listener failed")
