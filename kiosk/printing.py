"""The kiosk's side of printing: submit documents to the durable queue, watch its state.

The queue (``devices.printer.PrintQueue``) prints on its own thread and reports printer states
and job changes there; this wrapper hops them to the UI thread. A job submitted while the
printer is out of paper or offline stays queued and prints when the printer is back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from devices.printer import READY_STATES, PrintDocument, PrinterState

UNAVAILABLE_MESSAGE = "打印机暂时无法使用，请联系工作人员"
PRINTING_MESSAGE = "正在打印缴费明细，请在出纸口取走"
DONE_MESSAGE = "打印完成，请取走缴费明细"

Deliver = Callable[[Callable[[], None]], None]


class PrintService:
    def __init__(self, queue: Any, deliver: Deliver) -> None:
        """``queue`` is a started-or-not :class:`devices.printer.PrintQueue`; its listeners are
        replaced by this service's."""
        self.queue = queue
        self._deliver = deliver
        self.state: PrinterState | None = None
        self._state_listeners: list[Callable[[PrinterState], None]] = []
        self._job_listeners: list[Callable[[Any], None]] = []
        queue.listener = self._state_changed
        queue.job_listener = self._job_changed

    @property
    def ready(self) -> bool:
        """Whether a job sent now would print at once (unknown state counts as ready)."""
        return self.state is None or self.state in READY_STATES

    @property
    def status_label(self) -> str:
        return self.state.label if self.state is not None else "打印机状态未知"

    def start(self) -> None:
        self.queue.start()

    def stop(self) -> None:
        self.queue.close()

    def submit(self, document: dict[str, Any] | PrintDocument, job_id: str | None = None) -> str:
        """Queue a document (a dict as the backend sends it, or a PrintDocument)."""
        doc = document if isinstance(document, PrintDocument) else PrintDocument.from_dict(document)
        return self.queue.submit(doc, job_id=job_id)

    def on_state(self, listener: Callable[[PrinterState], None]) -> None:
        self._state_listeners.append(listener)

    def on_job(self, listener: Callable[[Any], None]) -> None:
        self._job_listeners.append(listener)

    def _state_changed(self, state: PrinterState) -> None:
        def apply() -> None:
            self.state = state
            for listener in list(self._state_listeners):
                listener(state)

        self._deliver(apply)

    def _job_changed(self, job: Any) -> None:
        def apply() -> None:
            for listener in list(self._job_listeners):
                listener(job)

        self._deliver(apply)
