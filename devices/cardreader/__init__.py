"""IC-card readers: PC/SC (pyscard), keyboard-wedge and simulated, behind one small interface.

Importing this package never needs pcsclite: the PC/SC backend loads pyscard only when a PC/SC
reader is created, and then names what to install if it is missing.
"""

from devices.cardreader.base import CardReader
from devices.cardreader.events import (
    CardEvent,
    CardInserted,
    CardRemoved,
    Listener,
    ReaderLost,
    ReaderRecovered,
    UnsupportedCard,
    uid_to_hex,
)
from devices.cardreader.factory import READER_TYPES, create_reader
from devices.cardreader.simulated import SimulatedReader
from devices.cardreader.wedge import KeyboardWedgeReader

__all__ = [
    "READER_TYPES",
    "CardEvent",
    "CardInserted",
    "CardReader",
    "CardRemoved",
    "KeyboardWedgeReader",
    "Listener",
    "ReaderLost",
    "ReaderRecovered",
    "SimulatedReader",
    "UnsupportedCard",
    "create_reader",
    "uid_to_hex",
]
