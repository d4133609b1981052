"""The ``win32raw`` printer: receipts through the Windows spooler and its printer driver.

pywin32 exists on Windows only, so here the real python-escpos ``Win32Raw`` class is driven
through a stand-in for ``win32print`` (a mock, because no real spooler can run on Linux) that
keeps each spooler document it is given; the receipts' bytes are decoded back as in the other
printer tests. Without the stand-in the test machine shows what a kiosk without pywin32 shows.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import time
import tomllib
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from escpos.printer import win32raw

from devices.errors import DeviceDependencyError
from devices.printer import PrinterState, PrintQueue, create_printer
from devices.printer.jobstore import JobState
from kiosk.config import load_config
from tests.devices import escpos_decoder as esc
from tests.devices.samples import dues_receipt

POLL = 0.05
REPO = Path(__file__).resolve().parents[2]


@dataclass
class SpoolerDocument:
    printer: str
    name: str
    datatype: str
    data: bytearray = field(default_factory=bytearray)
    ended: bool = False


class FakeSpooler:
    """The few ``win32print`` calls python-escpos makes, over a list of installed printers."""

    PRINTER_ENUM_NAME = 8

    def __init__(self, printers: list[str]) -> None:
        self.installed = printers
        self.documents: list[SpoolerDocument] = []
        self._handles = itertools.count(1)
        self._open: dict[int, str] = {}
        self._current: dict[int, SpoolerDocument] = {}

    def EnumPrinters(self, flags: int, name: str, level: int) -> list[dict[str, str]]:  # noqa: N802
        return [{"pPrinterName": printer} for printer in self.installed]

    def GetDefaultPrinter(self) -> str:  # noqa: N802
        return self.installed[0]

    def OpenPrinter(self, printer: str) -> int:  # noqa: N802
        handle = next(self._handles)
        self._open[handle] = printer
        return handle

    def StartDocPrinter(self, handle: int, level: int, info: tuple[str, str, str]) -> int:  # noqa: N802
        document = SpoolerDocument(self._open[handle], info[0], info[2])
        self._current[handle] = document
        self.documents.append(document)
        return len(self.documents)

    def StartPagePrinter(self, handle: int) -> None:  # noqa: N802
        pass

    def WritePrinter(self, handle: int, data: bytes) -> int:  # noqa: N802
        self._current[handle].data.extend(data)
        return len(data)

    def EndPagePrinter(self, handle: int) -> None:  # noqa: N802
        pass

    def EndDocPrinter(self, handle: int) -> None:  # noqa: N802
        self._current.pop(handle).ended = True

    def ClosePrinter(self, handle: int) -> None:  # noqa: N802
        del self._open[handle]


@pytest.fixture
def spooler(monkeypatch: pytest.MonkeyPatch) -> FakeSpooler:
    fake = FakeSpooler(["Microsoft Print to PDF", "POS-58"])
    pywintypes = types.SimpleNamespace(error=type("error", (Exception,), {}))
    monkeypatch.setattr(win32raw, "_DEP_WIN32PRINT", True)
    monkeypatch.setattr(win32raw, "win32print", fake, raising=False)
    monkeypatch.setattr(win32raw, "pywintypes", pywintypes, raising=False)
    return fake


@pytest.fixture
def make_queue(tmp_path: Path) -> Iterator[Callable[[str], PrintQueue]]:
    queues: list[PrintQueue] = []

    def make(printer_name: str) -> PrintQueue:
        config = {"connection": "win32raw", "printer_name": printer_name, "profile": "80mm"}
        queue = PrintQueue(tmp_path / "print-queue.db", create_printer(config), poll_interval=POLL)
        queues.append(queue)
        return queue

    yield make
    for queue in queues:
        queue.close()


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.02)


def test_without_pywin32_the_kiosk_is_told_in_chinese() -> None:
    assert not win32raw.is_usable()  # Linux: pywin32 is in the lock file for Windows only
    with pytest.raises(
        DeviceDependencyError, match="需要 pywin32（win32print）：只能在 Windows 上使用"
    ):
        create_printer({"connection": "win32raw", "printer_name": "POS-58"})


def test_the_windows_printer_name_is_required(spooler: FakeSpooler) -> None:
    with pytest.raises(ValueError, match="打印机设置缺少“printer_name”"):
        create_printer({"connection": "win32raw"})


def test_each_receipt_is_one_spooler_document_and_status_polls_print_nothing(
    make_queue: Callable[[str], PrintQueue], spooler: FakeSpooler
) -> None:
    queue = make_queue("POS-58")
    queue.start()
    first = queue.submit(dues_receipt())
    second = queue.submit(dues_receipt("张三"))
    wait_until(lambda: all(queue.job(j).state is JobState.DONE for j in (first, second)))  # type: ignore[union-attr]
    time.sleep(POLL * 10)  # the worker keeps polling the printer's state meanwhile

    assert queue.printer_state is PrinterState.ONLINE
    assert [(d.printer, d.name, d.datatype, d.ended) for d in spooler.documents] == [
        ("POS-58", "党员服务大厅", "RAW", True),
        ("POS-58", "党员服务大厅", "RAW", True),
    ]
    first_items, second_items = (esc.decode(bytes(d.data)) for d in spooler.documents)
    assert esc.lines(first_items)[0].strip() == "党费缴费凭条"
    assert esc.rasters(first_items)  # 王𬌗's row goes as an image, as on any ESC/POS link
    second_lines = esc.lines(second_items)
    assert second_lines[0].strip() == "党费缴费凭条"
    assert second_lines[2].split() == ["姓名", "张三"]
    assert len(esc.cuts(second_items)) == 1  # the 80 mm profile cuts each receipt off


def test_a_printer_windows_does_not_know_holds_the_job_until_it_is_installed(
    make_queue: Callable[[str], PrintQueue], spooler: FakeSpooler
) -> None:
    queue = make_queue("XP-80C")
    queue.start()
    job_id = queue.submit(dues_receipt())
    wait_until(lambda: queue.job(job_id).state is JobState.WAITING_PRINTER)  # type: ignore[union-attr]
    assert queue.printer_state is PrinterState.OFFLINE
    assert spooler.documents == []

    spooler.installed.append("XP-80C")  # the technician installs the printer's driver
    wait_until(lambda: queue.job(job_id).state is JobState.DONE)  # type: ignore[union-attr]
    assert [d.printer for d in spooler.documents] == ["XP-80C"]


def test_a_kiosk_configured_for_win32raw_without_pywin32_stops_with_the_reason(
    tmp_path: Path,
) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f"""
[backend]
url = "http://127.0.0.1:9"
device_key = "demo-key"
[reader]
type = "simulated"
[printer]
connection = "win32raw"
printer_name = "POS-58"
queue = "{tmp_path / "print-queue.db"}"
""",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(KIVY_HOME=str(tmp_path / "kivy"), KIVY_NO_FILELOG="1", PYTHONPATH=str(REPO))
    done = subprocess.run(
        [sys.executable, "-m", "kiosk", "--config", str(config)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert "设备无法使用：“win32raw”方式通过 Windows 打印队列打印，需要 pywin32" in (
        done.stdout + done.stderr
    )


def test_the_printer_tool_names_the_windows_printer_and_says_what_is_missing() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "devices.printer", "--status", "--connection", "win32raw"]
        + ["--printer-name", "POS-58", "--config", str(REPO / "deploy" / "kiosk.toml.example")],
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.startswith("错误：“win32raw”方式通过 Windows 打印队列打印，需要 pywin32")


def test_the_windows_example_configuration_loads() -> None:
    example = REPO / "deploy" / "windows" / "kiosk.toml.example"
    raw = tomllib.loads(example.read_text(encoding="utf-8"))
    assert raw["backend"]["device_key_file"] == r"C:\ProgramData\hall\kiosk-device.key"
    config = load_config(example, env={})
    assert config.reader["type"] == "pcsc"
    assert config.printer == {"connection": "win32raw", "printer_name": "POS-80", "profile": "80mm"}
    assert config.fullscreen and config.locked
