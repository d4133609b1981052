"""Choose a card reader by configuration."""

from __future__ import annotations

from typing import Any

from devices.cardreader.base import CardReader
from devices.cardreader.events import Listener
from devices.cardreader.simulated import SimulatedReader
from devices.cardreader.wedge import KeyboardWedgeReader

READER_TYPES = ("pcsc", "wedge", "simulated")


def create_reader(config: dict[str, Any], listener: Listener) -> CardReader:
    """A reader from configuration (not started yet), for example::

    {"type": "pcsc", "reader": "ACS*PICC*"}
    {"type": "wedge", "uid_format": "hex", "max_gap_ms": 40, "min_length": 8}
    {"type": "simulated"}
    """
    kind = config.get("type", "simulated")
    if kind == "simulated":
        return SimulatedReader(listener, name=config.get("name", "模拟读卡器"))
    if kind == "wedge":
        return KeyboardWedgeReader(
            listener,
            uid_format=config.get("uid_format", "decimal"),
            max_gap=float(config.get("max_gap_ms", 50)) / 1000,
            min_length=int(config.get("min_length", 8)),
            max_length=int(config.get("max_length", 20)),
            byte_order=config.get("byte_order", "msb"),
            uid_bytes=int(config.get("uid_bytes", 4)),
            name=config.get("name", "键盘式读卡器"),
        )
    if kind == "pcsc":
        from devices.cardreader.pcsc import PcscReader

        return PcscReader(
            listener,
            reader=config.get("reader"),
            retry_interval=float(config.get("retry_interval", 1.0)),
        )
    raise ValueError(f"读卡器类型“{kind}”无效，可选：{'、'.join(READER_TYPES)}")
