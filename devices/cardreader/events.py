"""What a card reader reports: frozen events delivered to a listener callable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class CardInserted:
    """A card was put on the reader (or was already there when the reader started)."""

    uid: bytes
    reader: str

    @property
    def uid_hex(self) -> str:
        return uid_to_hex(self.uid)


@dataclass(frozen=True)
class CardRemoved:
    reader: str


@dataclass(frozen=True)
class ReaderLost:
    """The reader or its service went away; the reader keeps trying to get it back."""

    reader: str
    reason: str


@dataclass(frozen=True)
class ReaderRecovered:
    reader: str


@dataclass(frozen=True)
class UnsupportedCard:
    """A card is present but its UID cannot be read (e.g. GET DATA refused with 6A 81)."""

    reader: str
    atr: bytes | None
    status_word: str


CardEvent = CardInserted | CardRemoved | ReaderLost | ReaderRecovered | UnsupportedCard
Listener = Callable[[CardEvent], None]


def uid_to_hex(uid: bytes) -> str:
    """The canonical form the backend receives: uppercase hex, no separators (``04A2B3C4``)."""
    return uid.hex().upper()
