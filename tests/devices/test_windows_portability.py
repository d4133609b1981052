"""The kiosk's devices on Windows, as far as Linux can prove it (docs/kiosk-windows.md).

Windows itself is not available to these tests. What can be proven here is that nothing in
``kiosk/`` and ``devices/`` *needs* a POSIX-only part: each test runs the code in a child process
started with ``tests/devices/no_posix`` first on ``PYTHONPATH``, whose ``sitecustomize`` takes
away what CPython on Windows lacks (``fcntl``, ``termios``, ``tty``, ``pwd``…, and
``signal.pthread_sigmask`` with the other POSIX signal functions). ``sys.platform`` stays
``"linux"``, so the Windows-only branches themselves (``msvcrt`` key reading, pywin32's spooler)
are not run here; the spooler printer is driven through a stand-in for ``win32print`` below.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.devices import escpos_decoder as esc
from tests.devices.fake_printer import FakeNetworkPrinter
from tests.devices.pcsc_helpers import PcscDaemon, VirtualCard, pcscd_for_tests

REPO = Path(__file__).resolve().parents[2]
NO_POSIX = Path(__file__).with_name("no_posix")
PROBE = Path(__file__).with_name("windows_probe.py")
QUEUE_PROCESS = Path(__file__).with_name("queue_process.py")


def no_posix_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env["PYTHONPATH"] = os.pathsep.join((str(NO_POSIX), str(REPO)))
    env.update(
        KIVY_NO_ARGS="1",
        KIVY_NO_CONSOLELOG="1",
        KIVY_NO_FILELOG="1",
        KIVY_USE_DEFAULTCONFIG="1",
        KIVY_HOME=tempfile.mkdtemp(prefix="kivy-home-"),
    )
    return env


def run_without_posix(
    *args: str, stdin: str = "", env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args],
        cwd=REPO,
        env={**no_posix_env(), **(env or {})},
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


class QueueKiosk:
    """A kiosk-like process running the print queue without POSIX-only parts."""

    def __init__(self, queue_file: Path, port: int, *args: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(QUEUE_PROCESS), str(queue_file), str(port), *args],
            cwd=REPO,
            env=no_posix_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.events: list[dict] = []

    def wait_for(self, event: dict, timeout: float = 30.0) -> None:
        assert self.proc.stdout is not None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            self.events.append(json.loads(line))
            if self.events[-1] == event:
                return
        stderr = (
            self.proc.stderr.read() if self.proc.poll() is not None and self.proc.stderr else ""
        )
        raise AssertionError(f"never saw {event}: {self.events}\n{stderr[-3000:]}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


@pytest.fixture
def kiosks() -> Iterator[list[QueueKiosk]]:
    started: list[QueueKiosk] = []
    yield started
    for kiosk in started:
        kiosk.kill()


def test_the_simulation_takes_away_what_windows_lacks() -> None:
    done = run_without_posix(
        "-c",
        "import signal, os\n"
        "try:\n    import fcntl\nexcept ImportError:\n    print('no fcntl')\n"
        "try:\n    import termios\nexcept ImportError:\n    print('no termios')\n"
        "print('sigmask' if hasattr(signal, 'pthread_sigmask') else 'no sigmask')\n",
    )
    assert done.stdout.split("\n")[:3] == ["no fcntl", "no termios", "no sigmask"], done.stderr


def test_every_kiosk_and_device_module_imports_without_posix_only_parts() -> None:
    done = run_without_posix(str(PROBE), timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["simulation"] == {"active": True, "fcntl_gone": True, "sigmask_gone": True}
    modules = set(report["modules"])
    assert {
        "devices.printer.queue",
        "devices.cardreader.pcsc",
        "devices.cardreader.__main__",
        "devices.printer.__main__",
        "kiosk.app",
        "kiosk.printing",
        "kiosk.__main__",
    } <= modules
    assert len(modules) > 80
    assert report["failed"] == {}


def test_print_queue_prints_a_receipt_exactly_once_without_fcntl(
    tmp_path: Path, fake_printer: FakeNetworkPrinter, kiosks: list[QueueKiosk]
) -> None:
    kiosk = QueueKiosk(tmp_path / "print-queue.db", fake_printer.port, "--submit", "pay-w1")
    kiosks.append(kiosk)
    kiosk.wait_for({"started": True})
    kiosk.wait_for({"id": "pay-w1", "state": "done"})
    (receipt,) = fake_printer.wait_for_jobs(1)
    lines = esc.lines(esc.decode(receipt))
    assert lines[0].strip() == "党费缴费凭条"
    assert any("凭条号" in line and "2024-000123" in line for line in lines)


def test_queue_lock_keeps_a_second_process_out_and_is_freed_when_the_first_is_killed(
    tmp_path: Path, fake_printer: FakeNetworkPrinter, kiosks: list[QueueKiosk]
) -> None:
    queue_file = tmp_path / "print-queue.db"
    first = QueueKiosk(queue_file, fake_printer.port)
    kiosks.append(first)
    first.wait_for({"started": True})

    second = QueueKiosk(queue_file, fake_printer.port, "--submit", "pay-w2")
    kiosks.append(second)
    assert second.proc.wait(30) != 0
    assert second.proc.stderr is not None
    assert "已由另一个程序在处理" in second.proc.stderr.read()

    first.kill()  # SIGKILL: no clean shutdown, the operating system drops the lock
    third = QueueKiosk(queue_file, fake_printer.port)
    kiosks.append(third)
    third.wait_for({"started": True})
    # the job the refused process stored before it tried to start prints, once
    third.wait_for({"id": "pay-w2", "state": "done"})
    assert len(fake_printer.wait_for_jobs(1)) == 1


@pytest.fixture
def pcscd() -> Iterator[PcscDaemon]:
    # `./hall test` installs pcscd and vpcd, so in CI this always runs; the guard is for a
    # developer running this file on a machine without them (as tests/devices/test_card_pcsc.py).
    if shutil.which("pcscd") is None:
        pytest.skip("pcscd and vsmartcard-vpcd are not installed")
    with pcscd_for_tests() as daemon:
        yield daemon


def test_reader_tool_reads_a_pcsc_tap_and_stops_on_ctrl_c_without_pthread_sigmask(
    pcscd: PcscDaemon,
) -> None:
    card = VirtualCard(bytes.fromhex("04A2B3C4"))
    tool = subprocess.Popen(
        [sys.executable, "-m", "devices.cardreader", "--watch", "--reader", "Virtual PCD 00 00"],
        cwd=REPO,
        env=no_posix_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert tool.stdout is not None
        assert "请刷卡" in tool.stdout.readline()
        card.insert()
        assert tool.stdout.readline().strip() == "刷卡：卡号 04A2B3C4（读卡器：Virtual PCD 00 00）"
        card.remove()
        assert tool.stdout.readline().strip() == "卡片已移开（读卡器：Virtual PCD 00 00）"
        tool.send_signal(signal.SIGINT)  # whichever thread takes it, the tool ends
        assert tool.wait(10) == 0
    finally:
        card.remove()
        if tool.poll() is None:
            tool.kill()
        tool.communicate(timeout=10)


def test_reader_tool_watches_a_wedge_reader_without_termios() -> None:
    done = run_without_posix(
        "-m",
        "devices.cardreader",
        "--watch",
        "--type",
        "wedge",
        "--uid-format",
        "hex",
        stdin="43FB29E9\n",
    )
    assert done.returncode == 0, done.stderr[-3000:]
    assert "刷卡：卡号 43FB29E9（读卡器：键盘式读卡器）" in done.stdout


KIOSK_LOCK = REPO / "requirements" / "kiosk.txt"
#: What a kiosk PC on Windows needs beyond Linux: Kivy's own SDL2/ANGLE/GLEW builds, pywin32 for
#: the spooler printer, and a time-zone database — Windows has none that ``zoneinfo`` can read,
#: and the counter's clock and the printer tool's test page use ``ZoneInfo("Asia/Shanghai")``.
WINDOWS_ONLY = ("kivy-deps-sdl2", "kivy-deps-angle", "kivy-deps-glew", "pywin32", "tzdata")


def test_the_kiosk_lock_file_brings_what_windows_needs() -> None:
    pins = {}
    for block in KIOSK_LOCK.read_text(encoding="utf-8").split("\n" + "    # via")[:-1]:
        head = block.strip().splitlines()
        pin = next(line for line in reversed(head) if not line.startswith(("    ", "#")))
        pins[pin.split("==")[0]] = (pin, sum(line.strip().startswith("--hash") for line in head))
    for name in WINDOWS_ONLY:
        assert name in pins, f"{name} missing from requirements/kiosk.txt"
        pin, hashes = pins[name]
        assert "sys_platform == 'win32'" in pin and hashes >= 1, pin
    uses_zoneinfo = [
        path.relative_to(REPO)
        for folder in ("kiosk", "devices")
        for path in (REPO / folder).rglob("*.py")
        if "zoneinfo" in path.read_text(encoding="utf-8")
    ]
    assert uses_zoneinfo  # why tzdata is there


def test_the_font_search_looks_in_the_windows_font_folders(tmp_path: Path) -> None:
    done = run_without_posix(
        "-c",
        "from devices.fonts import SYSTEM_FONT_DIRS\nfor d in SYSTEM_FONT_DIRS: print(d)",
        env={"WINDIR": str(tmp_path / "Windows"), "LOCALAPPDATA": str(tmp_path / "AppData")},
    )
    folders = done.stdout.splitlines()
    assert str(tmp_path / "Windows" / "Fonts") in folders
    assert str(tmp_path / "AppData" / "Microsoft" / "Windows" / "Fonts") in folders


def test_the_windows_start_script_stops_after_the_maintenance_exit_only() -> None:
    script = (REPO / "deploy" / "windows" / "hall-kiosk.cmd").read_bytes()
    lockdown = (REPO / "kiosk" / "lockdown.py").read_text(encoding="utf-8")
    assert "\nMAINTENANCE_EXIT_STATUS = 10\n" in lockdown
    lines = script.split(b"\r\n")
    assert b"\n" not in b"".join(lines)  # CRLF throughout, as cmd.exe needs
    assert b"if %ERRORLEVEL% EQU 10 exit /b 10" in lines
    assert lines.index(b":start") < lines.index(b'".venv\\Scripts\\python.exe" -m kiosk')
    assert lines[-2:] == [b"goto start", b""]
