"""A real pcscd with the vpcd virtual reader, and a virtual contactless card to put on it.

vpcd (``vsmartcard-vpcd``) makes pcscd expose ``Virtual PCD 00 00`` and wait for a card on
TCP 35963: connecting is putting a card on the reader, closing is taking it away. Both ways,
messages are a 2-byte big-endian length and a payload; a 1-byte payload from vpcd is a control
code (0 power off, 1 power on, 2 reset, 4 "send your ATR"), anything else a command APDU.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import socket
import struct
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

PCSCD = "/usr/sbin/pcscd"
VPCD_PORT = 35963
READER = "Virtual PCD 00 00"
PIDFILE = Path("/tmp/devices-tests-pcscd.pid")
# ATR of a contactless storage card as PC/SC part 3 readers report it (MIFARE Classic 1K).
CONTACTLESS_ATR = bytes.fromhex("3B8F8001804F0CA000000306030001000000006A")
GET_UID = bytes.fromhex("FFCA000000")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _pcscd_pids() -> list[int]:
    out = subprocess.run(["pgrep", "-x", "pcscd"], capture_output=True, text=True)
    return [int(p) for p in out.stdout.split()]


class PcscDaemon:
    """pcscd in the foreground, started and stopped by the tests."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None

    @staticmethod
    def foreign_running() -> bool:
        """A pcscd the tests did not start (they reuse it but must not stop it)."""
        return bool(_pcscd_pids())

    @staticmethod
    def kill_stale() -> None:
        """Stop a pcscd left behind by an earlier, interrupted test run."""
        if not PIDFILE.exists():
            return
        with contextlib.suppress(ValueError):
            pid = int(PIDFILE.read_text())
            if pid in _pcscd_pids():
                os.kill(pid, signal.SIGTERM)
                deadline = time.monotonic() + 5
                while _alive(pid) and time.monotonic() < deadline:
                    time.sleep(0.05)
        PIDFILE.unlink(missing_ok=True)

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [PCSCD, "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        PIDFILE.write_text(str(self.proc.pid))
        wait_for_port(VPCD_PORT)

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
        self.proc = None
        PIDFILE.unlink(missing_ok=True)


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    """Wait until vpcd listens (pcscd has loaded the driver) without inserting a card."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True)
        if out.stdout.strip():
            return
        time.sleep(0.05)
    raise TimeoutError(f"vpcd is not listening on port {port}")


class VirtualCard:
    """A contactless card answering GET DATA (FF CA 00 00 00) with its UID, or refusing it."""

    def __init__(self, uid: bytes, *, refuse_with: bytes | None = None, port: int = VPCD_PORT):
        self.uid = uid
        self.refuse_with = refuse_with
        self.port = port
        self.apdus: list[bytes] = []
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    def insert(self, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                sock = socket.create_connection(("127.0.0.1", self.port), timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        sock.settimeout(None)
        self._sock = sock
        self._thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
        self._thread.start()

    def remove(self) -> None:
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def _answer(self, apdu: bytes) -> bytes:
        self.apdus.append(apdu)
        if apdu == GET_UID:
            return self.refuse_with if self.refuse_with is not None else self.uid + b"\x90\x00"
        return b"\x6d\x00"

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                header = _recv_exact(sock, 2)
                (length,) = struct.unpack(">H", header)
                payload = _recv_exact(sock, length)
                if length == 1:
                    if payload[0] == 4:
                        _send(sock, CONTACTLESS_ATR)
                    continue  # power on/off and reset need no answer
                _send(sock, self._answer(payload))
        except (OSError, EOFError):
            return


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)


@contextlib.contextmanager
def pcscd_for_tests() -> Iterator[PcscDaemon]:
    """pcscd with the virtual readers for a test's span: stale test daemons killed first, and
    one that is already running (not ours) used as it is, never stopped."""
    PcscDaemon.kill_stale()
    daemon = PcscDaemon()
    if not PcscDaemon.foreign_running():
        daemon.start()
    try:
        yield daemon
    finally:
        gc.collect()  # pyscard contexts still held by dead readers go before the daemon does
        daemon.stop()
