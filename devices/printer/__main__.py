"""Technician's tool: print a test page, or show the printer's state.

    python -m devices.printer --test-page --connection network --host 192.168.1.50 --profile 80mm
    python -m devices.printer --status --connection usb --vendor-id 0x0416 --product-id 0x5011
    python -m devices.printer --test-page --config printer.json

The test page shows Chinese text, a rare-character name (王𬌗 goes as an image), aligned amounts,
a QR code and the state the printer reported.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from devices.errors import DeviceError
from devices.printer.connection import PrinterUnavailable, PrintInterrupted
from devices.printer.device import PRINTER_CONNECTIONS, create_printer
from devices.printer.document import PrintDocument
from devices.printer.profile import PrinterProfile
from devices.printer.status import PrinterState

TEST_QR = "https://dangyuan.example.cn/test?page=1"


def test_page(profile: PrinterProfile, state: PrinterState) -> PrintDocument:
    doc = PrintDocument("打印机测试页")
    doc.text(time.strftime("%Y-%m-%d %H:%M:%S"), align="center")
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
    if args.config:
        return dict(json.loads(Path(args.config).read_text(encoding="utf-8")))
    config: dict[str, Any] = {"connection": args.connection, "profile": args.profile}
    for key in ("host", "port", "path", "folder", "baudrate", "vendor_id", "product_id"):
        value = getattr(args, key)
        if value is not None:
            config[key] = value
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devices.printer", description="打印机检测工具")
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--test-page", action="store_true", help="打印测试页")
    action.add_argument("--status", action="store_true", help="只显示打印机状态")
    parser.add_argument("--config", help="JSON 配置文件（与信息亭的打印机设置相同）")
    parser.add_argument("--connection", choices=PRINTER_CONNECTIONS, default="network")
    parser.add_argument("--profile", default="58mm", help="58mm 或 80mm")
    parser.add_argument("--host")
    parser.add_argument("--port", type=int)
    parser.add_argument("--path", help="设备文件或串口，如 /dev/usb/lp0、/dev/ttyS0")
    parser.add_argument("--folder", help="预览方式的输出目录")
    parser.add_argument("--baudrate", type=int)
    parser.add_argument("--vendor-id")
    parser.add_argument("--product-id")
    args = parser.parse_args(argv)
    try:
        printer = create_printer(_config(args))
        state = printer.status()
        print(f"打印机状态：{state.label}", flush=True)
        if args.status:
            return 0 if state is PrinterState.ONLINE else 2
        printer.print_document(test_page(printer.profile, state), job_id="test-page")
        printer.close()
    except (PrinterUnavailable, PrintInterrupted, DeviceError, ValueError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1
    print("测试页已发送。", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
