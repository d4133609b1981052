"""Thermal receipt printers: print documents, renderers, printer profiles, status and a queue.

The document model, layout helpers, profiles and states import nothing outside the standard
library; the renderers (Pillow, qrcode), printers (python-escpos) and the queue are imported on
first use, so ``import devices.printer.document`` stays cheap for the backend.
"""

from __future__ import annotations

import importlib
from typing import Any

from devices.printer.document import (
    BlankBlock,
    Block,
    ColumnsBlock,
    CutBlock,
    KVBlock,
    PartBreakBlock,
    PrintDocument,
    QRBlock,
    RuleBlock,
    TextBlock,
)
from devices.printer.layout import display_width
from devices.printer.profile import PRESETS, PrinterProfile, profile_from_config
from devices.printer.status import ATTENTION_STATES, READY_STATES, WAITING_STATES, PrinterState

_LAZY = {
    "render_escpos": "devices.printer.render",
    "render_png": "devices.printer.render",
    "render_text": "devices.printer.render",
    "png_bytes": "devices.printer.render",
    "Printer": "devices.printer.device",
    "PreviewPrinter": "devices.printer.device",
    "create_printer": "devices.printer.device",
    "PrinterUnavailable": "devices.printer.connection",
    "PrintInterrupted": "devices.printer.connection",
    "PrintQueue": "devices.printer.queue",
    "Job": "devices.printer.jobstore",
    "JobState": "devices.printer.jobstore",
}

__all__ = [
    "ATTENTION_STATES",
    "PRESETS",
    "READY_STATES",
    "WAITING_STATES",
    "BlankBlock",
    "Block",
    "ColumnsBlock",
    "CutBlock",
    "KVBlock",
    "PartBreakBlock",
    "PrintDocument",
    "PrinterProfile",
    "PrinterState",
    "QRBlock",
    "RuleBlock",
    "TextBlock",
    "display_width",
    "profile_from_config",
    *_LAZY,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
