"""Simulated and keyboard-wedge readers, and choosing a reader by configuration."""

from __future__ import annotations

import pytest

from devices.cardreader import (
    CardEvent,
    CardInserted,
    CardRemoved,
    KeyboardWedgeReader,
    ReaderLost,
    ReaderRecovered,
    SimulatedReader,
    UnsupportedCard,
    create_reader,
    uid_to_hex,
)

UID = bytes.fromhex("04A2B3C4")


def test_uid_hex_is_uppercase_without_separators() -> None:
    assert uid_to_hex(bytes.fromhex("04a2b3c4d5e6f7")) == "04A2B3C4D5E6F7"
    assert CardInserted(UID, "r").uid_hex == "04A2B3C4"


# -- simulated ---------------------------------------------------------------------------------


def test_simulated_tap_and_remove() -> None:
    events: list[CardEvent] = []
    reader = SimulatedReader(events.append)
    reader.start()
    reader.tap(UID)
    reader.remove()
    reader.remove()  # no card: nothing to report
    assert events == [CardInserted(UID, "模拟读卡器"), CardRemoved("模拟读卡器")]
    assert reader.supports_removal


def test_simulated_card_left_on_the_reader_is_reported_once_at_start() -> None:
    events: list[CardEvent] = []
    reader = SimulatedReader(events.append, name="柜台读卡器")
    reader.tap(UID)
    assert events == []
    reader.start()
    reader.start()
    assert events == [CardInserted(UID, "柜台读卡器")]


def test_simulated_second_card_replaces_the_first() -> None:
    events: list[CardEvent] = []
    with SimulatedReader(events.append) as reader:
        reader.tap(UID)
        reader.tap(b"\x01\x02\x03\x04")
    assert [type(e) for e in events] == [CardInserted, CardRemoved, CardInserted]


def test_simulated_faults_for_kiosk_tests() -> None:
    events: list[CardEvent] = []
    with SimulatedReader(events.append) as reader:
        reader.tap_unsupported(b"\x3b\x00", "6A81")
        reader.tap(UID)
        reader.unplug()
        reader.replug()
    assert events == [
        UnsupportedCard("模拟读卡器", b"\x3b\x00", "6A81"),
        CardInserted(UID, "模拟读卡器"),
        CardRemoved("模拟读卡器"),
        ReaderLost("模拟读卡器", "读卡器已拔出"),
        ReaderRecovered("模拟读卡器"),
    ]


def test_a_failing_listener_does_not_break_the_reader() -> None:
    seen: list[CardEvent] = []

    def listener(event: CardEvent) -> None:
        seen.append(event)
        raise RuntimeError("screen not ready")

    with SimulatedReader(listener) as reader:
        reader.tap(UID)
        reader.remove()
    assert len(seen) == 2


# -- keyboard wedge ----------------------------------------------------------------------------


def type_keys(reader: KeyboardWedgeReader, keys: str, start: float, gap: float) -> list[bool]:
    return [reader.feed(key, start + i * gap) for i, key in enumerate(keys)]


@pytest.fixture
def wedge_events() -> list[CardEvent]:
    return []


def wedge(events: list[CardEvent], **settings: object) -> KeyboardWedgeReader:
    reader = KeyboardWedgeReader(events.append, **settings)  # type: ignore[arg-type]
    reader.start()
    return reader


def test_wedge_reader_burst_is_a_card(wedge_events: list[CardEvent]) -> None:
    reader = wedge(wedge_events)
    results = type_keys(reader, "0077771716\r", start=100.0, gap=0.008)
    assert results[-1] is True and not any(results[:-1])
    assert wedge_events == [CardInserted(bytes.fromhex("04A2B3C4"), "键盘式读卡器")]
    assert not reader.supports_removal


def test_wedge_person_typing_digits_is_not_a_card(wedge_events: list[CardEvent]) -> None:
    reader = wedge(wedge_events)
    assert type_keys(reader, "0077771716\r", start=100.0, gap=0.18)[-1] is False
    assert wedge_events == []


def test_wedge_slow_start_then_reader_burst(wedge_events: list[CardEvent]) -> None:
    """A person pressed a key, then a card was tapped: the burst alone is the card."""
    reader = wedge(wedge_events)
    reader.feed("5", 10.0)
    type_keys(reader, "0077771716\n", start=11.0, gap=0.01)
    assert [e.uid for e in wedge_events] == [bytes.fromhex("04A2B3C4")]  # type: ignore[union-attr]


def test_wedge_enter_after_a_pause_is_not_a_card(wedge_events: list[CardEvent]) -> None:
    reader = wedge(wedge_events)
    type_keys(reader, "0077771716", start=1.0, gap=0.01)
    assert reader.feed("\r", 3.0) is False
    assert wedge_events == []


def test_wedge_too_short_or_foreign_keys_are_not_a_card(wedge_events: list[CardEvent]) -> None:
    reader = wedge(wedge_events)
    type_keys(reader, "1234\r", start=1.0, gap=0.01)
    type_keys(reader, "00777x71780\r", start=2.0, gap=0.01)
    assert wedge_events == []


def test_wedge_hex_format_and_reversed_byte_order(wedge_events: list[CardEvent]) -> None:
    reader = wedge(wedge_events, uid_format="hex", byte_order="lsb")
    type_keys(reader, "c4b3a204\r", start=1.0, gap=0.01)
    assert wedge_events == [CardInserted(bytes.fromhex("04A2B3C4"), "键盘式读卡器")]


def test_wedge_decimal_keeps_leading_zero_bytes(wedge_events: list[CardEvent]) -> None:
    reader = wedge(wedge_events)
    type_keys(reader, "0000000255\r", start=1.0, gap=0.01)
    assert wedge_events == [CardInserted(b"\x00\x00\x00\xff", "键盘式读卡器")]


def test_wedge_ignores_keys_when_stopped(wedge_events: list[CardEvent]) -> None:
    reader = wedge(wedge_events)
    reader.stop()
    assert type_keys(reader, "0077771716\r", start=1.0, gap=0.01)[-1] is False
    assert wedge_events == []


# -- configuration -----------------------------------------------------------------------------


def test_reader_chosen_by_configuration() -> None:
    events: list[CardEvent] = []
    assert isinstance(create_reader({"type": "simulated"}, events.append), SimulatedReader)
    reader = create_reader(
        {"type": "wedge", "uid_format": "hex", "max_gap_ms": 30, "min_length": 6}, events.append
    )
    assert isinstance(reader, KeyboardWedgeReader)
    assert (reader.uid_format, reader.max_gap, reader.min_length) == ("hex", 0.03, 6)
    with pytest.raises(ValueError, match="读卡器类型“nfc”无效"):
        create_reader({"type": "nfc"}, events.append)
    with pytest.raises(ValueError, match="卡号格式“octal”无效"):
        create_reader({"type": "wedge", "uid_format": "octal"}, events.append)
