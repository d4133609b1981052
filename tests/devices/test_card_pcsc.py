"""The PC/SC reader against a real pcscd, the vpcd virtual reader and a virtual card."""

from __future__ import annotations

import gc
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.cardreader import (
    CardEvent,
    CardInserted,
    CardRemoved,
    ReaderLost,
    ReaderRecovered,
    UnsupportedCard,
    create_reader,
)
from devices.cardreader.base import CardReader
from devices.errors import DeviceDependencyError
from tests.devices.pcsc_helpers import (
    CONTACTLESS_ATR,
    READER,
    VPCD_PORT,
    PcscDaemon,
    VirtualCard,
    pcscd_for_tests,
)

pytestmark = pytest.mark.skipif(
    shutil.which("pcscd") is None, reason="pcscd and vsmartcard-vpcd are not installed"
)

UID = bytes.fromhex("04A2B3C4")
REPO = Path(__file__).resolve().parents[2]
OTHER_UID = bytes.fromhex("04112233445566")


class Events:
    """Card events as the kiosk receives them, with waiting."""

    def __init__(self) -> None:
        self.items: list[CardEvent] = []
        self._cond = threading.Condition()

    def __call__(self, event: CardEvent) -> None:
        with self._cond:
            self.items.append(event)
            self._cond.notify_all()

    def wait(self, check: Callable[[list[CardEvent]], bool], timeout: float = 8.0) -> None:
        with self._cond:
            if not self._cond.wait_for(lambda: check(self.items), timeout):
                raise AssertionError(f"expected events did not arrive: {self.items}")

    def wait_count(self, kind: type, count: int, timeout: float = 8.0) -> None:
        self.wait(lambda items: sum(isinstance(e, kind) for e in items) >= count, timeout)


@pytest.fixture(scope="module")
def pcscd() -> Iterator[PcscDaemon]:
    with pcscd_for_tests() as daemon:
        yield daemon


@pytest.fixture
def card() -> Iterator[VirtualCard]:
    virtual = VirtualCard(UID)
    yield virtual
    virtual.remove()


@pytest.fixture
def events() -> Events:
    return Events()


@pytest.fixture
def start_reader(pcscd: PcscDaemon, events: Events) -> Iterator[Callable[..., CardReader]]:
    readers: list[CardReader] = []

    def start(**config: object) -> CardReader:
        reader = create_reader({"type": "pcsc", "reader": "Virtual PCD 00 00", **config}, events)
        reader.start()
        readers.append(reader)
        return reader

    yield start
    for reader in readers:
        reader.stop()
    time.sleep(0.3)  # let vpcd notice a removed card before the next test inserts one


def test_tap_and_remove(start_reader, card: VirtualCard, events: Events) -> None:
    start_reader()
    card.insert()
    events.wait_count(CardInserted, 1)
    card.remove()
    events.wait_count(CardRemoved, 1)
    assert events.items == [CardInserted(UID, READER), CardRemoved(READER)]
    assert events.items[0].uid_hex == "04A2B3C4"  # type: ignore[union-attr]
    assert card.apdus[0] == bytes.fromhex("FFCA000000")


def test_card_already_on_the_reader_is_reported_once(
    start_reader, card: VirtualCard, events: Events
) -> None:
    card.insert()
    time.sleep(0.5)
    start_reader()
    events.wait_count(CardInserted, 1)
    time.sleep(1.5)  # reading the UID must not look like another tap
    assert events.items == [CardInserted(UID, READER)]


def test_one_card_after_another(start_reader, events: Events) -> None:
    start_reader()
    for uid in (UID, OTHER_UID):
        virtual = VirtualCard(uid)
        virtual.insert()
        events.wait(lambda items, uid=uid: CardInserted(uid, READER) in items)
        virtual.remove()
        events.wait(lambda items: isinstance(items[-1], CardRemoved))
    assert events.items == [
        CardInserted(UID, READER),
        CardRemoved(READER),
        CardInserted(OTHER_UID, READER),
        CardRemoved(READER),
    ]


def test_rapid_taps_never_give_two_inserts_in_a_row(
    start_reader, card: VirtualCard, events: Events
) -> None:
    start_reader()
    for _ in range(5):
        card.insert()
        time.sleep(0.15)
        card.remove()
        time.sleep(0.15)
    card.insert()  # and finally a tap held long enough for any reader to see it
    time.sleep(2.0)
    card.remove()
    events.wait(lambda items: bool(items) and isinstance(items[-1], CardRemoved))
    time.sleep(1.5)
    kinds = [type(e) for e in events.items]
    assert kinds[::2] == [CardInserted] * len(kinds[::2]), events.items
    assert kinds[1::2] == [CardRemoved] * len(kinds[1::2])
    assert 1 <= kinds.count(CardInserted) <= 6 and kinds[-1] is CardRemoved
    assert all(e.uid == UID for e in events.items if isinstance(e, CardInserted))


@pytest.mark.parametrize("status_word", ["6A81", "6D00"])
def test_card_refusing_get_data_is_reported_unsupported(
    start_reader, events: Events, status_word: str
) -> None:
    start_reader()
    refusing = VirtualCard(b"", refuse_with=bytes.fromhex(status_word))
    refusing.insert()
    try:
        events.wait_count(UnsupportedCard, 1)
    finally:
        refusing.remove()
    events.wait_count(CardRemoved, 1)
    assert events.items == [
        UnsupportedCard(READER, CONTACTLESS_ATR, status_word),
        CardRemoved(READER),
    ]


def test_reader_chosen_by_name_pattern(start_reader, card: VirtualCard, events: Events) -> None:
    start_reader(reader="*pcd 00 01")
    second_slot = VirtualCard(OTHER_UID, port=VPCD_PORT + 1)
    card.insert()  # on reader 00 00: not ours
    second_slot.insert()
    try:
        events.wait_count(CardInserted, 1)
        time.sleep(0.5)
    finally:
        second_slot.remove()
    assert events.items == [CardInserted(OTHER_UID, "Virtual PCD 00 01")]


def test_no_matching_reader_is_reported_lost_not_a_crash(start_reader, events: Events) -> None:
    reader = start_reader(reader="ACS ACR122*")
    events.wait_count(ReaderLost, 1)
    lost = events.items[0]
    assert isinstance(lost, ReaderLost) and "未找到读卡器" in lost.reason
    started = time.monotonic()
    reader.stop()
    assert time.monotonic() - started < 3


def test_stop_returns_promptly_while_waiting_for_a_card(start_reader, events: Events) -> None:
    reader = start_reader()
    time.sleep(0.5)
    started = time.monotonic()
    reader.stop()
    assert time.monotonic() - started < 2
    assert events.items == []


def test_pcscd_restart_is_survived(
    pcscd: PcscDaemon, start_reader, card: VirtualCard, events: Events
) -> None:
    if pcscd.proc is None:
        pytest.skip("a pcscd these tests did not start is running; it is not theirs to stop")
    start_reader(retry_interval=0.2)
    card.insert()
    events.wait_count(CardInserted, 1)
    gc.collect()
    pcscd.stop()
    events.wait_count(ReaderLost, 1)
    pcscd.start()
    card.remove()  # vpcd restarted with pcscd: the card connects to it afresh
    card.insert()
    events.wait_count(CardInserted, 2, timeout=15)
    kinds = [type(e) for e in events.items]
    assert kinds == [CardInserted, CardRemoved, ReaderLost, ReaderRecovered, CardInserted]
    lost = events.items[2]
    assert isinstance(lost, ReaderLost) and "pcscd" in lost.reason
    assert events.items[-1] == CardInserted(UID, READER)


def test_missing_pyscard_names_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "smartcard", None)
    with pytest.raises(DeviceDependencyError, match="pcscd.*pyscard"):
        create_reader({"type": "pcsc"}, print)


def _tool(*args: str, **kwargs: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "devices.cardreader", *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,  # type: ignore[call-overload]
    )


def test_technician_lists_readers(pcscd: PcscDaemon) -> None:
    out, err = _tool("--list").communicate(timeout=20)
    assert out.splitlines() == ["Virtual PCD 00 00", "Virtual PCD 00 01"], err


def test_technician_watches_taps(pcscd: PcscDaemon, card: VirtualCard) -> None:
    tool = _tool("--watch", "--reader", "Virtual PCD 00 00")
    try:
        assert tool.stdout is not None
        assert "请刷卡" in tool.stdout.readline()
        card.insert()
        assert tool.stdout.readline().strip() == "刷卡：卡号 04A2B3C4（读卡器：Virtual PCD 00 00）"
        card.remove()
        assert tool.stdout.readline().strip() == "卡片已移开（读卡器：Virtual PCD 00 00）"
        tool.send_signal(signal.SIGINT)
        assert tool.wait(10) == 0
    finally:
        if tool.poll() is None:
            tool.kill()
        tool.communicate(timeout=10)


def test_technician_tool_ends_cleanly_when_killed_or_started_in_the_background(
    pcscd: PcscDaemon,
) -> None:
    """A shell starts background jobs with SIGINT ignored; the tool still ends on it, and on
    ``kill`` (SIGTERM), releasing the reader and exiting 0."""
    for stop in (signal.SIGINT, signal.SIGTERM):
        tool = _tool("--watch", preexec_fn=_ignore_sigint)
        try:
            assert tool.stdout is not None
            assert "请刷卡" in tool.stdout.readline()
            tool.send_signal(stop)
            assert tool.wait(10) == 0
        finally:
            if tool.poll() is None:
                tool.kill()
            tool.communicate(timeout=10)


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
