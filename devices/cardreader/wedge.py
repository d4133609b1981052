"""Keyboard-wedge readers: cheap USB readers that type the card number followed by Enter.

Such a reader is a keyboard to the computer, so the host window feeds every keystroke to
:meth:`KeyboardWedgeReader.feed`. A reader types a whole number in a few milliseconds per key; a
person needs a hundred or more. Keys closer together than ``max_gap`` form a burst, and a burst
of at least ``min_length`` digits ended by Enter is a card. Hex letters come in either case
(a reader holds Shift for upper case, or Caps Lock is on). The host feeds characters only: a key
without one (Shift, Caps Lock, Ctrl) is not fed, or fed as ``""``, and neither joins nor breaks
a burst.
"""

from __future__ import annotations

import string
import time
from collections.abc import Callable
from typing import Literal

from devices.cardreader.base import CardReader
from devices.cardreader.events import CardInserted, Listener

UidFormat = Literal["decimal", "hex"]
ENTER_KEYS = ("\r", "\n")
_DIGITS = {"decimal": set(string.digits), "hex": set(string.hexdigits)}


class KeyboardWedgeReader(CardReader):
    """A reader that types UIDs. It cannot see a card leave, so it reports no removal.

    ``uid_format`` is how the reader writes the UID: ``decimal`` (e.g. ``0012345678``, the
    UID as one number) or ``hex`` (``04A2B3C4``). ``byte_order="lsb"`` is for readers that
    write the UID bytes reversed; set it so the UID matches what a PC/SC reader gives for the
    same card. Decimal numbers become at least ``uid_bytes`` bytes.
    """

    supports_removal = False

    def __init__(
        self,
        listener: Listener,
        *,
        uid_format: UidFormat = "decimal",
        max_gap: float = 0.05,
        min_length: int = 8,
        max_length: int = 20,
        byte_order: Literal["msb", "lsb"] = "msb",
        uid_bytes: int = 4,
        name: str = "键盘式读卡器",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(listener, name)
        if uid_format not in _DIGITS:
            raise ValueError(f"卡号格式“{uid_format}”无效，可选：decimal、hex")
        if byte_order not in ("msb", "lsb"):
            raise ValueError(f"字节顺序“{byte_order}”无效，可选：msb、lsb")
        self.uid_format = uid_format
        self.max_gap = max_gap
        self.min_length = min_length
        self.max_length = max_length
        self.byte_order = byte_order
        self.uid_bytes = uid_bytes
        self._clock = clock
        self._running = False
        self._buffer: list[str] = []
        self._last_key: float | None = None

    def start(self) -> None:
        self._running = True
        self._reset()

    def stop(self) -> None:
        self._running = False
        self._reset()

    def feed(self, char: str, timestamp: float | None = None) -> bool:
        """Take one keystroke (``"\\r"``/``"\\n"`` for Enter) typed at ``timestamp`` seconds
        (monotonic clock; now by default). Returns ``True`` when it completed a card read, so
        the host can drop the digits it may have put into a text field."""
        if not self._running or char == "":
            return False
        now = self._clock() if timestamp is None else timestamp
        in_burst = self._last_key is not None and now - self._last_key <= self.max_gap
        self._last_key = now
        if char in ENTER_KEYS:
            complete = in_burst and self.min_length <= len(self._buffer) <= self.max_length
            digits = "".join(self._buffer)
            self._reset()
            if complete:
                self.emit(CardInserted(self.parse(digits), self.name))
            return complete
        if len(char) != 1 or char not in _DIGITS[self.uid_format]:
            self._reset()
            return False
        if not in_burst:
            self._buffer = []
        self._buffer.append(char)
        return False

    def parse(self, digits: str) -> bytes:
        """UID bytes from the typed number, in PC/SC order."""
        if self.uid_format == "hex":
            uid = bytes.fromhex(digits if len(digits) % 2 == 0 else "0" + digits)
        else:
            number = int(digits)
            uid = number.to_bytes(max(self.uid_bytes, (number.bit_length() + 7) // 8), "big")
        return uid[::-1] if self.byte_order == "lsb" else uid

    def _reset(self) -> None:
        self._buffer = []
        self._last_key = None
