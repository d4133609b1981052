"""Notice by itself when the backend goes away and when it comes back.

A background thread probes ``/health``: every ``interval`` seconds while the backend answers (so
an idle kiosk shows the offline banner before anyone taps), and with doubling back-off from
``first_retry`` up to ``max_backoff`` seconds while it does not. The client tells its
connectivity listeners about every change; this monitor only keeps probing.
"""

from __future__ import annotations

import threading
from typing import Protocol


class Probe(Protocol):
    def probe(self) -> bool: ...


class ReconnectMonitor:
    def __init__(
        self,
        client: Probe,
        *,
        interval: float = 15.0,
        first_retry: float = 1.0,
        max_backoff: float = 30.0,
    ) -> None:
        self.client = client
        self.interval = interval
        self.first_retry = first_retry
        self.max_backoff = max_backoff
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._stop.clear()
            self._thread = threading.Thread(target=self._run, name="kiosk-reconnect", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def wake(self) -> None:
        """Probe now (a call just failed): the back-off restarts from ``first_retry``."""
        self._wake.set()

    def _run(self) -> None:
        backoff = self.first_retry
        while not self._stop.is_set():
            if self.client.probe():
                backoff, delay = self.first_retry, self.interval
            else:
                delay, backoff = backoff, min(backoff * 2, self.max_backoff)
            woken = self._wake.wait(delay)
            self._wake.clear()
            if woken:
                backoff = self.first_retry
