"""The card reader interface every backend implements."""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod

from devices.cardreader.events import CardEvent, Listener

log = logging.getLogger(__name__)


class CardReader(ABC):
    """A source of card events, delivered to ``listener`` on the reader's own thread.

    The listener must not block for long; a UI hops to its own thread (Kivy: ``Clock``). An
    exception raised by the listener is logged and does not stop the reader.
    """

    #: Whether the reader reports a card being taken away (keyboard-wedge readers cannot).
    supports_removal: bool = True

    def __init__(self, listener: Listener, name: str) -> None:
        self.listener = listener
        self.name = name

    @abstractmethod
    def start(self) -> None:
        """Begin reporting events; a card already on the reader is reported once."""

    @abstractmethod
    def stop(self) -> None:
        """Stop reporting events and release the reader."""

    def emit(self, event: CardEvent) -> None:
        try:
            self.listener(event)
        except Exception:
            log.exception("card event listener failed on %r", event)

    def __enter__(self) -> CardReader:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
