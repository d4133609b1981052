"""The card reader as the kiosk sees it: events hop to the UI thread, keys feed a wedge reader.

``devices.cardreader`` calls its listener on the reader's own thread; nothing here touches a
widget there. A keyboard-wedge reader is a keyboard, so the window's key presses are fed to it;
while it is reading a burst, the keys are swallowed so they do not land in a text field.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from devices.cardreader import (
    CardInserted,
    CardRemoved,
    ReaderLost,
    ReaderRecovered,
    UnsupportedCard,
    create_reader,
)

log = logging.getLogger(__name__)

Deliver = Callable[[Callable[[], None]], None]
ENTER_KEYCODES = (13, 271)  # Return, keypad Enter
#: Kivy's keycodes of Num/Caps/Scroll Lock, Shift, Ctrl, Alt, AltGr, Super and Compose (300–313).
#: A wedge reader holds Shift for each upper-case hex letter; Kivy reports that key-down with a
#: codepoint of its own (Shift: "İ", chr(304)), which must neither join nor break the burst.
MODIFIER_KEYCODES = frozenset(range(300, 314))
#: Keypad digits: Kivy gives them keycodes 256–265 and codepoints such as "ā" (chr(257)).
KEYPAD_DIGITS = {256 + n: str(n) for n in range(10)}
SDL_SPECIAL_KEY = 1 << 30  # SDL keycodes of keys without a character that Kivy does not map
#: Names the home screen's own button (``home.kv``), where card number + ID tail are typed.
READER_LOST = "读卡器暂时无法使用，可点“刷卡查询党费”，输入卡号和身份证号后六位查询"


class ReaderBridge:
    """Owns the configured reader and turns its events into UI-thread calls."""

    def __init__(
        self,
        config: dict[str, Any],
        deliver: Deliver,
        *,
        on_card: Callable[[str], None],
        on_removed: Callable[[], None],
        on_status: Callable[[str | None], None],
        on_unsupported: Callable[[], None],
    ) -> None:
        self.config = dict(config)
        self._deliver = deliver
        self.on_card = on_card
        self.on_removed = on_removed
        self.on_status = on_status
        self.on_unsupported = on_unsupported
        self.problem: str | None = None
        self.reader: Any = create_reader(self.config, self._listener)

    @property
    def supports_removal(self) -> bool:
        return bool(getattr(self.reader, "supports_removal", True))

    @property
    def is_wedge(self) -> bool:
        return callable(getattr(self.reader, "feed", None))

    def start(self) -> None:
        self.reader.start()

    def stop(self) -> None:
        self.reader.stop()

    def key_down(
        self, _window: Any, key: int, _scancode: int, codepoint: str | None, *_: Any
    ) -> bool:
        """Bound to ``Window.on_key_down``; returns True for keys that completed a card read."""
        if not self.is_wedge:
            return False
        if key in ENTER_KEYCODES:
            return bool(self.reader.feed("\r"))
        if key in KEYPAD_DIGITS:
            self.reader.feed(KEYPAD_DIGITS[key])
            return False
        if key in MODIFIER_KEYCODES or key >= SDL_SPECIAL_KEY:
            return False
        if codepoint and len(codepoint) == 1:
            self.reader.feed(codepoint)
        return False

    def _listener(self, event: Any) -> None:
        """Called on the reader's thread: only hand the event over."""
        self._deliver(lambda: self._handle(event))

    def _handle(self, event: Any) -> None:
        if isinstance(event, CardInserted):
            self.on_card(event.uid_hex)
        elif isinstance(event, CardRemoved):
            self.on_removed()
        elif isinstance(event, ReaderLost):
            self.problem = READER_LOST
            self.on_status(self.problem)
        elif isinstance(event, ReaderRecovered):
            self.problem = None
            self.on_status(None)
        elif isinstance(event, UnsupportedCard):
            self.on_unsupported()
        else:
            log.debug("ignored card event %r", event)
