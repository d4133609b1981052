"""Receipt printer benchmark: bytes and render time, text mode against raster mode.

    .venv/bin/python bench/printer_bench.py [--runs 50]

For a dues receipt and a three-part referral letter, at 58 mm and 80 mm, it renders ESC/POS in
text mode (the printer's Chinese font, native QR) and in raster mode (every line and the QR as
images), and prints a Markdown table with the bytes, the median render time and the transfer
time those bytes take on a 9600 and a 115200 baud serial link (8N1: 10 bits a byte). Target: a
text-mode receipt is at most 1/20 of the raster bytes and renders in at most 20 ms.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.printer import PRESETS, PrintDocument, PrinterProfile, render_escpos  # noqa: E402

BAUD_RATES = (9600, 115200)
MONTHS = [f"2024年{m:02d}月" for m in range(1, 7)]


def receipt(name: str) -> PrintDocument:
    widths, aligns = [0.5, 0.25, 0.25], ["left", "right", "right"]
    doc = PrintDocument("党费缴费凭条")
    doc.kv("凭条号", "2024-000123").kv("姓名", name).kv("所在支部", "第一社区党支部")
    doc.kv("收款单位", "中共某某街道工作委员会").rule()
    doc.columns(["月份", "应缴", "实缴"], widths=widths, aligns=aligns)  # type: ignore[arg-type]
    for month in MONTHS:
        doc.columns([month, "25.50", "25.50"], widths=widths, aligns=aligns)  # type: ignore[arg-type]
    doc.rule().kv("合计", "￥153.00", bold=True).kv("大写", "壹佰伍拾叁元整")
    doc.kv("经办人", "李明").kv("日期", "2024-06-30 10:21")
    doc.text("有情提醒：党费要按时缴纳，按党章规定逾期六个月，可作自行退党处理！")
    doc.qr("https://hall.example.cn/r/2024-000123?k=9f3a")
    return doc.text("党员服务中心", align="right")


def letter(name: str) -> PrintDocument:
    doc = PrintDocument("中国共产党党员组织关系介绍信")
    for label, part in (("第一联", "存根"), ("第二联", "介绍信"), ("第三联", "回执")):
        if label != "第一联":
            doc.part_break(label)
        doc.text(f"（{part}）", align="center", bold=True).kv("编号", "第 2024-0456 号")
        doc.text(
            f"{name}同志系中共正式党员，身份证号码 110***********1234，由第一社区党支部"
            "转往海淀区中关村街道第三党支部，请接转组织关系。党员组织关系已转达我处。"
        )
        doc.kv("党费已交到", "二〇二四年三月").kv("有效期", "叁拾天")
        doc.kv("联系电话", "010-6255****").text("中共某某街道工作委员会（盖章）", align="right")
        doc.text("二〇二四年四月一日", align="right").blank()
    return doc


def measure(doc: PrintDocument, profile: PrinterProfile, runs: int) -> tuple[int, float]:
    """Bytes and median render time in milliseconds (after one warm-up render)."""
    data = render_escpos(doc, profile)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        render_escpos(doc, profile)
        times.append((time.perf_counter() - start) * 1000)
    return len(data), statistics.median(times)


def transfer_seconds(size: int, baud: int) -> float:
    return size * 10 / baud


def machine() -> str:
    model = platform.processor() or "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{os.cpu_count()} cores, {model}, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    cases = [
        ("receipt", receipt("张伟")),
        ("receipt, rare name 王𬌗", receipt("王𬌗")),
        ("letter (3 parts)", letter("张伟")),
    ]
    print(f"Machine: {machine()}; median of {args.runs} renders after a warm-up.\n")
    header = "| document | paper | mode | bytes | render ms | 9600 baud s | 115200 baud s |"
    print(header)
    print("|" + "---|" * 7)
    ratios = []
    for title, doc in cases:
        for paper in ("58mm", "80mm"):
            text_profile = PRESETS[paper]
            raster_profile = replace(text_profile, mode="raster", qr="raster")
            sizes = {}
            for mode, profile in (("text", text_profile), ("raster", raster_profile)):
                size, ms = measure(doc, profile, args.runs)
                sizes[mode] = size
                slow, fast = (transfer_seconds(size, baud) for baud in BAUD_RATES)
                print(
                    f"| {title} | {paper} | {mode} | {size} | {ms:.1f} | {slow:.2f} | {fast:.3f} |"
                )
            ratios.append((title, paper, sizes["raster"] / sizes["text"]))
    print()
    for title, paper, ratio in ratios:
        print(f"- {title}, {paper}: raster is {ratio:.0f}× the text-mode bytes")


if __name__ == "__main__":
    main()
