"""A network receipt printer on loopback: records jobs, answers DLE EOT status queries.

Like a raw port-9100 printer it takes one TCP connection at a time. A connection that starts
with status queries is answered query by query; anything else is a print job, recorded whole
when the sender closes. ``set_paper``/``set_cover`` change the answers; ``go_offline`` stops
listening (connections are refused) until ``go_online``.
"""

from __future__ import annotations

import socket
import threading
import time

ONLINE_BYTE = 0x12


class FakeNetworkPrinter:
    def __init__(self, port: int = 0) -> None:
        self.jobs: list[bytes] = []
        self.status_queries = 0
        self.paper = "ok"  # ok | near_end | out
        self.cover_open = False
        self._lock = threading.Lock()
        self._listener: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.port = port
        self.go_online()

    # -- control ------------------------------------------------------------------------------

    def go_online(self) -> None:
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(4)
        listener.settimeout(0.1)
        self.port = listener.getsockname()[1]
        self._listener = listener
        self._thread = threading.Thread(target=self._serve, args=(listener,), daemon=True)
        self._thread.start()

    def go_offline(self) -> None:
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        if self._thread is not None:
            self._thread.join(5)

    def close(self) -> None:
        self.go_offline()

    def set_paper(self, paper: str) -> None:
        self.paper = paper

    def set_cover(self, is_open: bool) -> None:
        self.cover_open = is_open

    def wait_for_jobs(self, count: int, timeout: float = 10.0) -> list[bytes]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.jobs) >= count:
                    return list(self.jobs)
            time.sleep(0.02)
        with self._lock:
            return list(self.jobs)

    def wait_for_queries(self, count: int, timeout: float = 10.0) -> bool:
        deadline = time.monotonic() + timeout
        start = self.status_queries
        while time.monotonic() < deadline:
            if self.status_queries - start >= count:
                return True
            time.sleep(0.02)
        return False

    # -- printer side -------------------------------------------------------------------------

    def answer(self, n: int) -> int:
        offline = self.cover_open or self.paper == "out"
        if n == 1:
            return ONLINE_BYTE | (0x08 if offline else 0)
        if n == 2:
            return (
                ONLINE_BYTE
                | (0x04 if self.cover_open else 0)
                | (0x20 if self.paper == "out" else 0)
            )
        if n == 4:
            return ONLINE_BYTE | {"ok": 0, "near_end": 0x0C, "out": 0x6C}[self.paper]
        return ONLINE_BYTE

    def _serve(self, listener: socket.socket) -> None:
        while self._listener is listener:
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                self._handle(conn)

    def _handle(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        received = bytearray()
        job = False
        while True:
            try:
                chunk = conn.recv(65536)
            except (TimeoutError, OSError):
                break
            if not chunk:
                break
            received += chunk
            while not job and len(received) >= 3 and received[:2] == b"\x10\x04":
                self.status_queries += 1
                conn.sendall(bytes([self.answer(received[2])]))
                del received[:3]
            if received and not job and received[:1] != b"\x10":
                job = True
        if job:
            with self._lock:
                self.jobs.append(bytes(received))
