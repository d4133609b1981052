"""PC/SC readers through pyscard: the only module that imports ``smartcard``.

The reader thread blocks in ``SCardGetStatusChange`` until pcscd reports a change, so there is
no busy polling; :meth:`PcscReader.stop` wakes it with ``SCardCancel``. The UID is read with the
PC/SC GET DATA command ``FF CA 00 00 00``. When pcscd stops or the reader is unplugged the card
(if any) is reported removed, then ``ReaderLost``; the thread retries once a second and reports
``ReaderRecovered`` (and a card still on the reader) when it is back.
"""

from __future__ import annotations

import fnmatch
import signal
import sys
import threading
import time
from types import ModuleType
from typing import Any

from devices.cardreader.base import CardReader
from devices.cardreader.events import (
    CardInserted,
    CardRemoved,
    Listener,
    ReaderLost,
    ReaderRecovered,
    UnsupportedCard,
)
from devices.errors import DeviceDependencyError, DeviceError

GET_UID = [0xFF, 0xCA, 0x00, 0x00, 0x00]
WAIT_MS = 10_000  # a bounded wait only as a safety net; changes wake the call at once
GRACE_MS = 1_000  # a card still entering or leaving the field has settled by then
#: Signals the reader thread leaves to the main thread (see :meth:`PcscReader.start`).
MAIN_THREAD_SIGNALS = {signal.SIGINT, signal.SIGTERM}
if sys.platform == "win32":
    #: The PC/SC service as staff know it: Windows' own smart-card service, no pcscd.
    SERVICE = "智能卡服务 SCardSvr"
    INSTALL_HINT = (
        "PC/SC 读卡器需要 pyscard（pip install pyscard）和已启动的 Windows 智能卡服务"
        "（SCardSvr）。 / PC/SC readers need pyscard and the Smart Card service."
    )
else:
    SERVICE = "pcscd"
    INSTALL_HINT = (
        "PC/SC 读卡器需要 pcscd、libpcsclite1 和 pyscard：请安装"
        "（apt-get install pcscd libpcsclite1；pip install pyscard）。"
        " / PC/SC readers need pcscd, libpcsclite1 and pyscard."
    )


def load_scard() -> ModuleType:
    """pyscard's low-level module, or a clear error naming what to install."""
    try:
        from smartcard import scard
    except (ImportError, OSError) as exc:
        raise DeviceDependencyError(INSTALL_HINT) from exc
    return scard


def list_readers() -> list[str]:
    """Names of the PC/SC readers attached now."""
    scard = load_scard()
    hr, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hr != scard.SCARD_S_SUCCESS:
        raise DeviceError(f"无法连接 PC/SC 服务（{SERVICE} 是否在运行？）：{_error(scard, hr)}")
    try:
        hr, readers = scard.SCardListReaders(ctx, [])
        if hr == scard.SCARD_E_NO_READERS_AVAILABLE:
            return []
        if hr != scard.SCARD_S_SUCCESS:
            raise DeviceError(f"无法列出读卡器：{_error(scard, hr)}")
        return sorted(readers)
    finally:
        scard.SCardReleaseContext(ctx)


def matches(name: str, pattern: str | None) -> bool:
    """Reader selection: a glob (``ACS*PICC*``) or, without wildcards, a substring; any case."""
    if not pattern:
        return True
    name, pattern = name.lower(), pattern.lower()
    if any(ch in pattern for ch in "*?["):
        return fnmatch.fnmatchcase(name, pattern)
    return pattern in name


def _error(scard: ModuleType, hr: int) -> str:
    return f"{scard.SCardGetErrorMessage(hr)} (0x{hr & 0xFFFFFFFF:08X})"


class PcscReader(CardReader):
    """A contactless reader attached through pcscd (Linux) or WinSCard (Windows)."""

    def __init__(
        self,
        listener: Listener,
        *,
        reader: str | None = None,
        retry_interval: float = 1.0,
    ) -> None:
        super().__init__(listener, reader or "PC/SC 读卡器")
        self.pattern = reader
        self.retry_interval = retry_interval
        self._scard = load_scard()
        self._stop = threading.Event()
        self._ctx: Any = None
        self._ctx_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._lost = False
        self._present = False

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="pcsc-reader", daemon=True)
        # On Linux the kernel may hand Ctrl+C or a stop request (SIGTERM) to any thread that
        # does not block it. Taken by this one, asleep in pcscd, the signal wakes nobody: a
        # main thread asleep in a wait hears of it only when it next runs Python code, maybe
        # never. So the new thread is started with them blocked (a thread inherits its
        # creator's mask) and they always reach the main thread at once. Windows has no signal
        # masks and needs none: Ctrl+C arrives on a console thread of its own and Python runs
        # the handler in the main thread, so there the thread just starts.
        if not hasattr(signal, "pthread_sigmask"):
            self._thread.start()
            return
        previous = signal.pthread_sigmask(signal.SIG_BLOCK, MAIN_THREAD_SIGNALS)
        try:
            self._thread.start()
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, previous)

    def stop(self) -> None:
        self._stop.set()
        thread, self._thread = self._thread, None
        deadline = time.monotonic() + WAIT_MS / 1000 + 5
        while thread is not None and thread.is_alive() and time.monotonic() < deadline:
            # SCardCancel only interrupts a wait in progress: repeat it until the thread has
            # seen the stop flag, in case it was between two waits the first time.
            with self._ctx_lock:
                if self._ctx is not None:
                    self._scard.SCardCancel(self._ctx)
            thread.join(0.1)

    # -- reader thread ------------------------------------------------------------------------

    def _run(self) -> None:
        scard = self._scard
        while not self._stop.is_set():
            hr, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
            if hr != scard.SCARD_S_SUCCESS:
                self._reader_lost(f"PC/SC 服务（{SERVICE}）未运行：{_error(scard, hr)}")
                self._stop.wait(self.retry_interval)
                continue
            with self._ctx_lock:
                self._ctx = ctx
            try:
                reader = self._select(ctx)
                if reader is None:
                    wanted = f"“{self.pattern}”" if self.pattern else ""
                    self._reader_lost(f"未找到读卡器{wanted}")
                    self._stop.wait(self.retry_interval)
                    continue
                self.name = reader
                if self._lost:
                    self._lost = False
                    self.emit(ReaderRecovered(reader))
                self._watch(ctx, reader)
            finally:
                with self._ctx_lock:
                    self._ctx = None
                scard.SCardReleaseContext(ctx)

    def _select(self, ctx: Any) -> str | None:
        hr, readers = self._scard.SCardListReaders(ctx, [])
        if hr != self._scard.SCARD_S_SUCCESS:
            return None
        return next((r for r in sorted(readers) if matches(r, self.pattern)), None)

    def _watch(self, ctx: Any, reader: str) -> None:
        """Follow one reader until it or pcscd goes away, or the reader is stopped."""
        scard = self._scard
        known = scard.SCARD_STATE_UNAWARE
        counter: int | None = None
        # ATR of a card that is present but not reported yet: it has not answered (MUTE) or
        # its first read failed at the PC/SC level, which is what a card leaving the field in
        # mid-read looks like. It is read again, and only then reported unsupported, if it is
        # still there after a grace time.
        unsettled: bytes | None = None
        while not self._stop.is_set():
            timeout = GRACE_MS if unsettled is not None else WAIT_MS
            hr, states = scard.SCardGetStatusChange(ctx, timeout, [(reader, known)])
            if hr == scard.SCARD_E_TIMEOUT:
                if unsettled is not None:
                    self._card_arrived(ctx, reader, unsettled, final=True)
                    unsettled = None
                continue
            if hr == scard.SCARD_E_CANCELLED and self._stop.is_set():
                return
            if hr != scard.SCARD_S_SUCCESS:
                self._reader_lost(self._lost_reason(hr))
                return
            _, event, atr = states[0]
            if event & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
                self._reader_lost("读卡器已断开")
                return
            known = event & ~scard.SCARD_STATE_CHANGED
            present = bool(event & scard.SCARD_STATE_PRESENT)
            # The high word counts insertions and removals: a change while "present" both
            # times means the card was swapped or tapped again between two notifications.
            retapped = counter is not None and (event >> 16) != counter and self._present
            counter = event >> 16
            if self._present and (not present or retapped):
                self._present = False
                self.emit(CardRemoved(reader))
            unsettled = None
            if present and not self._present:
                mute = bool(event & scard.SCARD_STATE_MUTE)
                if mute or not self._card_arrived(ctx, reader, bytes(atr), final=False):
                    unsettled = bytes(atr)

    def _lost_reason(self, hr: int) -> str:
        scard = self._scard
        service_gone = (
            scard.SCARD_E_NO_SERVICE,
            scard.SCARD_E_SERVICE_STOPPED,
            scard.SCARD_F_COMM_ERROR,
            scard.SCARD_E_INVALID_HANDLE,
        )
        if hr in service_gone:
            return f"PC/SC 服务（{SERVICE}）已停止：{_error(scard, hr)}"
        return f"读卡器通信中断：{_error(scard, hr)}"

    def _card_arrived(self, ctx: Any, reader: str, atr: bytes, *, final: bool) -> bool:
        """Read and report a new card; ``False`` if the read should be tried again later."""
        outcome = self._try_read(ctx, reader)
        if outcome is None:
            return True  # the card left before it could be read: a tap too short to count
        uid, status_word, transient = outcome
        if transient and not final:
            return False
        self._present = True
        if uid:
            self.emit(CardInserted(uid, reader))
        else:
            self.emit(UnsupportedCard(reader, atr or None, status_word))
        return True

    def _try_read(self, ctx: Any, reader: str) -> tuple[bytes, str, bool] | None:
        """One GET DATA: ``(uid, status word or error, transient?)``; ``None`` if the card left.

        PC/SC errors (unresponsive card, failed transaction, another program holding the card)
        are transient; a status word such as ``6A81`` is the card's definite refusal.
        """
        scard = self._scard
        gone = (scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD)
        protocols = scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1
        hr, card, protocol = scard.SCardConnect(ctx, reader, scard.SCARD_SHARE_SHARED, protocols)
        if hr in gone:
            return None
        if hr != scard.SCARD_S_SUCCESS:
            return b"", _error(scard, hr), True
        try:
            hr, response = scard.SCardTransmit(card, protocol, GET_UID)
        finally:
            scard.SCardDisconnect(card, scard.SCARD_LEAVE_CARD)
        if hr in gone:
            return None
        if hr != scard.SCARD_S_SUCCESS:
            return b"", _error(scard, hr), True
        status_word = bytes(response[-2:]).hex().upper()
        if status_word != "9000" or len(response) <= 2:
            return b"", status_word, False
        return bytes(response[:-2]), status_word, False

    def _reader_lost(self, reason: str) -> None:
        """Report once per outage; a card on the reader is reported removed first."""
        if self._present:
            self._present = False
            self.emit(CardRemoved(self.name))
        if not self._lost:
            self._lost = True
            self.emit(ReaderLost(self.name, reason))
