"""Printers chosen by configuration, their connections, and the technician's test page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from escpos import printer as escpos_printer

from devices.errors import DeviceDependencyError
from devices.printer import PrintDocument, PrinterState, PrinterUnavailable, create_printer
from tests.devices import escpos_decoder as esc
from tests.devices.fake_printer import FakeNetworkPrinter

REPO = Path(__file__).resolve().parents[2]


def test_file_connection_writes_decodable_bytes(tmp_path: Path) -> None:
    target = tmp_path / "lp0"
    printer = create_printer({"connection": "file", "path": str(target), "profile": "58mm"})
    assert printer.status() is PrinterState.ONLINE  # a device file cannot answer status
    printer.print_document(PrintDocument("凭条").kv("合计", "￥9.90"))
    printer.close()
    lines = esc.lines(esc.decode(target.read_bytes()))
    assert lines[1] == "合计" + " " * 22 + "￥9.90"  # 4 + 22 + 6 = 32 columns


def test_dummy_connection_keeps_the_bytes() -> None:
    printer = create_printer({"connection": "dummy", "profile": {"preset": "80mm"}})
    printer.print_document(PrintDocument().text("你好"))
    assert esc.lines(esc.decode(printer.connection.output)) == ["你好"]


def test_unreachable_network_printer_is_offline_and_sends_nothing(
    fake_printer: FakeNetworkPrinter,
) -> None:
    printer = create_printer(
        {"connection": "network", "host": "127.0.0.1", "port": fake_printer.port}
    )
    fake_printer.go_offline()
    assert printer.status() is PrinterState.OFFLINE
    with pytest.raises(PrinterUnavailable, match="无法连接打印机"):
        printer.print_document(PrintDocument().text("x"))


def test_profile_options_from_configuration() -> None:
    printer = create_printer(
        {"connection": "dummy", "profile": {"preset": "58mm", "charset": "gbk", "cutter": True}}
    )
    assert (printer.profile.columns, printer.profile.charset, printer.profile.cutter) == (
        32,
        "gbk",
        True,
    )


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"connection": "bluetooth"}, "连接方式“bluetooth”无效"),
        ({"connection": "network"}, "缺少“host”"),
        ({"connection": "dummy", "profile": "76mm"}, "纸宽“76mm”无效"),
        ({"connection": "dummy", "profile": {"charset": "big5"}}, "字符集“big5”无效"),
        ({"connection": "dummy", "profile": {"colour": True}}, "未知项"),
    ],
)
def test_bad_configuration_is_refused_in_chinese(config: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        create_printer(config)


def test_serial_without_pyserial_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(escpos_printer.Serial, "is_usable", staticmethod(lambda: False))
    with pytest.raises(DeviceDependencyError, match="pip install pyserial"):
        create_printer({"connection": "serial", "path": "/dev/ttyS0"})


def test_usb_without_pyusb_names_the_packages(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(escpos_printer.Usb, "is_usable", staticmethod(lambda: False))
    with pytest.raises(DeviceDependencyError, match="pyusb.*libusb-1.0-0"):
        create_printer({"connection": "usb", "vendor_id": "0x0416", "product_id": "0x5011"})


def test_technician_test_page_on_a_network_printer(fake_printer: FakeNetworkPrinter) -> None:
    fake_printer.set_paper("near_end")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "devices.printer",
            "--test-page",
            "--connection",
            "network",
            "--host",
            "127.0.0.1",
            "--port",
            str(fake_printer.port),
            "--profile",
            "80mm",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert "打印机状态：打印纸即将用完" in out.stdout
    (job,) = fake_printer.wait_for_jobs(1)
    items = esc.decode(job)
    lines = esc.lines(items)
    assert lines[0].strip() == "打印机测试页"
    assert any(line.startswith("打印机状态") and line.endswith("打印纸即将用完") for line in lines)
    assert "中文：党员服务中心欢迎您！" in lines
    assert len(esc.rasters(items)) == 1  # the rare-character name row
    (qr,) = esc.native_qrs(items)
    assert qr.data.startswith(b"https://")
    assert len(esc.cuts(items)) == 1


def test_technician_tool_reports_an_unreachable_printer(fake_printer: FakeNetworkPrinter) -> None:
    fake_printer.go_offline()
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "devices.printer",
            "--test-page",
            "--connection",
            "network",
            "--host",
            "127.0.0.1",
            "--port",
            str(fake_printer.port),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 1
    assert "打印机状态：打印机未连接" in out.stdout and "无法连接打印机" in out.stderr
