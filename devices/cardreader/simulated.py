"""A simulated reader for demos and tests: tap and remove cards from code or a demo button."""

from __future__ import annotations

import threading

from devices.cardreader.base import CardReader
from devices.cardreader.events import (
    CardInserted,
    CardRemoved,
    Listener,
    ReaderLost,
    ReaderRecovered,
    UnsupportedCard,
)


class SimulatedReader(CardReader):
    """Behaves like a PC/SC reader: one insert per tap, a removal when the card goes, a card
    left on the reader before :meth:`start` reported once at start. Events are delivered on the
    thread that calls :meth:`tap`/:meth:`remove`."""

    def __init__(self, listener: Listener, name: str = "模拟读卡器") -> None:
        super().__init__(listener, name)
        self._lock = threading.RLock()
        self._running = False
        self._card: bytes | None = None

    @property
    def card(self) -> bytes | None:
        """UID of the card on the reader, if any."""
        return self._card

    def start(self) -> None:
        with self._lock:
            if self._running:
                return
            self._running = True
            if self._card is not None:
                self.emit(CardInserted(self._card, self.name))

    def stop(self) -> None:
        with self._lock:
            self._running = False

    def tap(self, uid: bytes) -> None:
        """Put a card on the reader (a card already there is taken away first)."""
        if not uid:
            raise ValueError("卡号（UID）不能为空")
        with self._lock:
            if self._card is not None:
                self.remove()
            self._card = bytes(uid)
            if self._running:
                self.emit(CardInserted(self._card, self.name))

    def remove(self) -> None:
        """Take the card away; nothing happens when there is none."""
        with self._lock:
            if self._card is None:
                return
            self._card = None
            if self._running:
                self.emit(CardRemoved(self.name))

    def tap_unsupported(self, atr: bytes | None = None, status_word: str = "6A81") -> None:
        """Put a card whose UID cannot be read on the reader (e.g. a bank card)."""
        with self._lock:
            if self._running:
                self.emit(UnsupportedCard(self.name, atr, status_word))

    def unplug(self, reason: str = "读卡器已拔出") -> None:
        """Simulate the reader going away; a card on it is reported removed first."""
        with self._lock:
            if not self._running:
                return
            if self._card is not None:
                self._card = None
                self.emit(CardRemoved(self.name))
            self.emit(ReaderLost(self.name, reason))

    def replug(self) -> None:
        with self._lock:
            if self._running:
                self.emit(ReaderRecovered(self.name))
