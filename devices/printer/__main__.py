"""Technician's tool: print a test page, or show the printer's state.

    python -m devices.printer --test-page                      # the kiosk's printer
    python -m devices.printer --test-page --config /etc/hall/kiosk.toml
    python -m devices.printer --status --connection usb --vendor-id 0x0416 --product-id 0x5011

It reads the printer from the kiosk's own TOML file (the ``[printer]`` section; the same file
and search order as the kiosk: ``--config``, ``HALL_KIOSK_CONFIG``, ``data/kiosk/kiosk.toml``),
so it tests the printer the kiosk will use; options given on the command line override the
file's values. The test page shows the hall's time (``--timezone``, else the backend's
``HALL_DUES_TIMEZONE``, else Asia/Shanghai — never the machine's zone, which is often UTC),
Chinese text, a rare-character name (王𬌗 goes as an image), aligned amounts, a QR code and the
state the printer reported.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from devices.errors import DeviceError
from devices.printer.connection import PrinterUnavailable, PrintInterrupted
from devices.printer.device import PRINTER_CONNECTIONS, create_printer
from devices.printer.document import PrintDocument
from devices.printer.profile import PrinterProfile
from devices.printer.settings_file import read_printer_section, settings_file
from devices.printer.status import PrinterState

TEST_QR = "https://dangyuan.example.cn/test?page=1"
#: The hall's zone when neither ``--timezone`` nor the backend's setting names one.
HALL_ZONE = "Asia/Shanghai"
ZONE_VAR = "HALL_DUES_TIMEZONE"
OVERRIDES = (
    "host",
    "port",
    "path",
    "folder",
    "baudrate",
    "vendor_id",
    "product_id",
    "printer_name",
)


def test_page(profile: PrinterProfile, state: PrinterState, now: datetime) -> PrintDocument:
    """``now``: the hall's local time (aware), printed as is."""
    doc = PrintDocument("打印机测试页")
    doc.text(f"{now:%Y-%m-%d %H:%M:%S}（{now.tzinfo}）", align="center")
    doc.rule("=")
    doc.kv("打印机状态", state.label)
    doc.kv("纸宽", f"{profile.name}（{profile.columns} 列，{profile.dots} 点）")
    doc.kv("中文字库", profile.charset).kv("二维码", profile.qr)
    doc.kv("切刀", "有" if profile.cutter else "无")
    doc.rule()
    doc.text("中文：党员服务中心欢迎您！")
    doc.text("标点：，。、；：？！“”（）《》")
    doc.kv("生僻字姓名", "王𬌗 䶮 𠮷")
    doc.columns(["月份", "金额"], widths=[0.6, 0.4], aligns=["left", "right"])
    doc.columns(["2024年01月", "￥25.50"], widths=[0.6, 0.4], aligns=["left", "right"])
    doc.columns(["2024年02月", "￥1,025.50"], widths=[0.6, 0.4], aligns=["left", "right"])
    doc.kv("合计", "￥1,051.00", bold=True)
    doc.text("倍宽倍高", align="center", size="double")
    doc.qr(TEST_QR)
    doc.text("扫描上方二维码应显示测试网址", align="center")
    return doc


def _config(args: argparse.Namespace) -> dict[str, Any]:
    """The kiosk file's ``[printer]``, with what the command line names on top."""
    config = read_printer_section(settings_file(args.config))
    if args.connection and args.connection != config.get("connection"):
        config = {"connection": args.connection}  # another printer: the file's details differ
    if args.profile:
        config["profile"] = args.profile
    for key in OVERRIDES:
        value = getattr(args, key)
        if value is not None:
            config[key] = value
    return config


def hall_now(zone: str | None) -> datetime:
    name = zone or os.environ.get(ZONE_VAR) or HALL_ZONE
    try:
        return datetime.now(ZoneInfo(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"时区“{name}”无效，例如 Asia/Shanghai") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devices.printer", description="打印机检测工具")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--test-page", action="store_true", help="打印测试页")
    action.add_argument("--status", action="store_true", help="只显示打印机状态")
    parser.add_argument(
        "--config",
        help="信息亭的 TOML 配置文件（读取其中的 [printer]），默认 data/kiosk/kiosk.toml",
    )
    parser.add_argument(
        "--connection", choices=PRINTER_CONNECTIONS, help="覆盖配置文件中的连接方式"
    )
    parser.add_argument("--profile", help="58mm 或 80mm（覆盖配置文件）")
    parser.add_argument("--timezone", help=f"测试页上的时间所用时区，默认 {HALL_ZONE}")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--path", help="设备文件或串口，如 /dev/usb/lp0、/dev/ttyS0")
    parser.add_argument("--folder", help="预览方式的输出目录")
    parser.add_argument("--baudrate", type=int)
    parser.add_argument("--vendor-id")
    parser.add_argument("--product-id")
    parser.add_argument("--printer-name", help="win32raw 方式：Windows 中打印机的名称")
    args = parser.parse_args(argv)
    try:
        now = hall_now(args.timezone)
        printer = create_printer(_config(args))
        state = printer.status()
        print(f"打印机状态：{state.label}", flush=True)
        if args.status:
            return 0 if state is PrinterState.ONLINE else 2
        printer.print_document(test_page(printer.profile, state, now), job_id="test-page")
        printer.close()
    except (PrinterUnavailable, PrintInterrupted, DeviceError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print("测试页已发送。", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
