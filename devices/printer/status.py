"""Printer state as an enum with named sets, decoded from real-time status bytes (DLE EOT n)."""

from __future__ import annotations

import enum
from collections.abc import Callable


class PrinterState(enum.Enum):
    ONLINE = "online"
    OFFLINE = "offline"
    COVER_OPEN = "cover_open"
    PAPER_END = "paper_end"
    PAPER_NEAR_END = "paper_near_end"
    ERROR = "error"

    @property
    def label(self) -> str:
        """What a member or a member of staff reads on the screen."""
        return _LABELS[self]


_LABELS = {
    PrinterState.ONLINE: "打印机就绪",
    PrinterState.OFFLINE: "打印机未连接",
    PrinterState.COVER_OPEN: "打印机纸仓盖未关好",
    PrinterState.PAPER_END: "打印机缺纸",
    PrinterState.PAPER_NEAR_END: "打印纸即将用完",
    PrinterState.ERROR: "打印机故障",
}

#: States in which a job is sent to the printer.
READY_STATES = frozenset({PrinterState.ONLINE, PrinterState.PAPER_NEAR_END})
#: States a member of staff has to fix (paper, cover, cable, jam); jobs wait meanwhile.
ATTENTION_STATES = frozenset(PrinterState) - {PrinterState.ONLINE}
#: States in which jobs wait instead of being sent.
WAITING_STATES = frozenset(PrinterState) - READY_STATES

StateListener = Callable[[PrinterState], None]

# Bits of the one-byte answers; bits 1 and 4 are always 1 and bits 0 and 7 always 0.
_FIXED_MASK, _FIXED_VALUE = 0x93, 0x12
_OFFLINE_BIT = 0x08  # DLE EOT 1
_COVER_OPEN_BIT, _PAPER_STOP_BIT, _ERROR_BIT = 0x04, 0x20, 0x40  # DLE EOT 2
_ERROR_CAUSE_BITS = 0x68  # DLE EOT 3: cutter, unrecoverable, auto-recoverable error
_NEAR_END_BITS, _PAPER_END_BITS = 0x0C, 0x60  # DLE EOT 4


def is_status_byte(value: int) -> bool:
    """Whether ``value`` has the fixed bits every real-time status answer carries."""
    return value & _FIXED_MASK == _FIXED_VALUE


def decode_status(
    printer: int | None,
    offline_cause: int | None,
    error_cause: int | None,
    paper: int | None,
) -> PrinterState:
    """Combine the answers to DLE EOT 1–4 (``None``: no answer) into one state.

    No answer at all means the printer is off or unplugged. The most specific cause wins: an
    open cover or an empty roll also sets the "offline" bit, but staff need to know which.
    """
    answers = (printer, offline_cause, error_cause, paper)
    if all(a is None for a in answers):
        return PrinterState.OFFLINE
    if any(a is not None and not is_status_byte(a) for a in answers):
        return PrinterState.ERROR
    if offline_cause is not None and offline_cause & _COVER_OPEN_BIT:
        return PrinterState.COVER_OPEN
    if paper is not None and paper & _PAPER_END_BITS:
        return PrinterState.PAPER_END
    if offline_cause is not None and offline_cause & _PAPER_STOP_BIT:
        return PrinterState.PAPER_END
    if offline_cause is not None and offline_cause & _ERROR_BIT:
        return PrinterState.ERROR
    if error_cause is not None and error_cause & _ERROR_CAUSE_BITS:
        return PrinterState.ERROR
    if printer is not None and printer & _OFFLINE_BIT:
        return PrinterState.OFFLINE
    if paper is not None and paper & _NEAR_END_BITS:
        return PrinterState.PAPER_NEAR_END
    return PrinterState.ONLINE
