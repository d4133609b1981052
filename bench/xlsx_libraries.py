"""The xlsx libraries alone, on the shape of the two big exports: openpyxl's write-only workbook
(through lxml) against XlsxWriter in constant-memory mode, in one run on the same rows.

The rows are made in memory with the district ledger's columns (102,000 rows: 100,000 members
and 2,000 branch lines; 4 text, 5 money and 12 month columns) and the member roll's (100,000
rows, 16 columns): no database, so only the libraries are measured. Each library writes the
rows twice: plain values, and with the exports' styles (a bordered cell format, money with the
¥ number format). It prints the median of wall-clock and of CPU seconds (the process's own,
steadier on a shared machine); it does not pass or fail.

    .venv/bin/python -m bench.xlsx_libraries --runs 3
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import xlsxwriter
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Side

MONEY_FORMAT = '"¥"#,##0.00'
NAMES = "王李张刘陈杨黄赵吴周"
MONTHS = ("20.00", "未交", "免", "—", "", "待定")


def ledger_rows(count: int) -> tuple[list[list[Any]], list[bool]]:
    """Rows like the ledger's, and which columns hold money."""
    pick = random.Random(1).choice
    money = [False] * 4 + [True] * 3 + [False] * 12 + [True] * 2
    rows: list[list[Any]] = []
    for n in range(count):
        if n % 51 == 0:
            rows.append([f"第{n // 51}党支部（{n:08d}）"])
            continue
        fen = pick((2000, 5000, 1500))
        rows.append(
            [
                str(n),
                f"DY{n:012d}",
                pick(NAMES) + pick(NAMES),
                pick("男女"),
                *(Decimal(v) / 100 for v in (fen, fen * 12, fen * 9)),
                *(pick(MONTHS) for _ in range(12)),
                Decimal(fen * 3) / 100,
                Decimal(fen * 5) / 100,
            ]
        )
    return rows, money


def roll_rows(count: int) -> tuple[list[list[Any]], list[bool]]:
    pick = random.Random(2).choice
    money = [False] * 12 + [True] + [False] * 3
    rows = [
        [
            f"DY{n:012d}",
            str(n),
            pick(NAMES) + pick(NAMES),
            pick("男女"),
            f"1101011980010{n % 10}{n:04d}"[:18],
            "1980-01-01",
            "大学本科",
            "2001-07-01",
            "正式党员",
            "第一党委第二总支第三党支部",
            "01020304",
            f"138{n:08d}",
            Decimal(pick((2000, 5000, 1500))) / 100,
            n % 4,
            pick(("是", "")),
            pick(("是", "")),
        ]
        for n in range(count)
    ]
    return rows, money


def openpyxl_plain(rows: list[list[Any]], money: list[bool]) -> bytes:
    book = Workbook(write_only=True)
    ws = book.create_sheet("表")
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def openpyxl_styled(rows: list[list[Any]], money: list[bool]) -> bytes:
    """Styles as the exports set them: each cell copies a prototype cell's style array."""
    book = Workbook(write_only=True)
    ws = book.create_sheet("表")
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    text = WriteOnlyCell(ws)
    text.border = border
    amount = WriteOnlyCell(ws)
    amount.border = border
    amount.number_format = MONEY_FORMAT
    amount.alignment = Alignment(horizontal="right")
    protos = [amount._style if m else text._style for m in money]
    for row in rows:
        cells = []
        for value, proto in zip(row, protos, strict=False):
            cell = WriteOnlyCell(ws, value)
            cell._style = proto.__copy__()
            cells.append(cell)
        ws.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsxwriter_book(out: io.BytesIO) -> Any:
    options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    return xlsxwriter.Workbook(out, options)


def xlsxwriter_plain(rows: list[list[Any]], money: list[bool]) -> bytes:
    out = io.BytesIO()
    book = _xlsxwriter_book(out)
    ws = book.add_worksheet("表")
    for r, row in enumerate(rows):
        ws.write_row(r, 0, row)
    book.close()
    return out.getvalue()


def xlsxwriter_styled(rows: list[list[Any]], money: list[bool]) -> bytes:
    out = io.BytesIO()
    book = _xlsxwriter_book(out)
    ws = book.add_worksheet("表")
    text = book.add_format({"border": 1})
    amount = book.add_format({"border": 1, "num_format": MONEY_FORMAT, "align": "right"})
    formats = [amount if m else text for m in money]
    write_string, write_number = ws.write_string, ws.write_number
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, str):
                write_string(r, c, value, formats[c])
            else:
                write_number(r, c, value, formats[c])
    book.close()
    return out.getvalue()


WRITERS: dict[str, Callable[[list[list[Any]], list[bool]], bytes]] = {
    "openpyxl plain": openpyxl_plain,
    "xlsxwriter plain": xlsxwriter_plain,
    "openpyxl styled": openpyxl_styled,
    "xlsxwriter styled": xlsxwriter_styled,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=("ledger", "roll"), help="one shape alone")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}", flush=True)
    shapes = {}
    if args.only in (None, "ledger"):
        shapes["district ledger"] = ledger_rows(args.members + args.members // 50)
    if args.only in (None, "roll"):
        shapes["member roll"] = roll_rows(args.members)
    for shape, (rows, money) in shapes.items():
        for name, write in WRITERS.items():
            times, cpu = [], []
            for _ in range(args.runs):
                started, started_cpu = time.perf_counter(), time.process_time()
                size = len(write(rows, money))
                times.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            print(
                f"{shape}: {len(rows)} rows, {name}: {statistics.median(times):.1f} s, "
                f"CPU {statistics.median(cpu):.1f} s, {size} bytes, load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
    print(f"load average after: {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
