"""PNG preview and plain text: the same layout as the printer, readable without one."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from pyzbar import pyzbar

from devices.printer import (
    PRESETS,
    PrintDocument,
    create_printer,
    render_escpos,
    render_png,
    render_text,
)
from devices.printer.layout import display_width
from devices.printer.profile import PrinterProfile
from devices.printer.raster import LINE_PITCH
from tests.devices import escpos_decoder as esc
from tests.devices.samples import RECEIPT_URL, dues_receipt

WQY = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # common Chinese only, no 𬌗


def _scan(image: Image.Image) -> list[bytes]:
    return [s.data for s in pyzbar.decode(ImageOps.expand(image.convert("L"), 40, fill=255))]


@pytest.mark.parametrize("profile", [PRESETS["58mm"], PRESETS["80mm"]], ids=lambda p: p.name)
def test_preview_is_paper_wide_and_its_qr_scans(profile: PrinterProfile) -> None:
    image = render_png(dues_receipt(), profile)
    assert image.width == profile.dots
    assert _scan(image) == [RECEIPT_URL.encode()]


def test_preview_rows_sit_on_the_printer_line_pitch() -> None:
    doc = PrintDocument().text("第一行").text("第二行")
    image = render_png(doc, PRESETS["58mm"])
    ink_rows = [
        y for y in range(image.height) if image.crop((0, y, 384, y + 1)).getextrema()[0] < 128
    ]
    first_row = [y for y in ink_rows if y < LINE_PITCH]
    second_row = [y for y in ink_rows if LINE_PITCH <= y < 2 * LINE_PITCH]
    assert first_row and second_row
    assert second_row[0] - first_row[0] == LINE_PITCH


def test_plain_text_matches_the_printed_lines() -> None:
    profile = PRESETS["80mm"]
    text = render_text(dues_receipt(), profile)
    lines = text.splitlines()
    assert lines[0].strip() == "党费缴费凭条"
    total = next(line for line in lines if line.startswith("合计"))
    assert display_width(total) == 48 and total.endswith("￥76.50")
    assert f"[二维码] {RECEIPT_URL}" in text
    assert lines[-1] == "✂" + "-" * 47
    printed = esc.lines(esc.decode(render_escpos(dues_receipt(), profile)))
    assert [line for line in lines if line.startswith("2024年")] == [
        line for line in printed if line.startswith("2024年")
    ]


def test_preview_printer_writes_png_and_bytes_per_job(tmp_path: Path) -> None:
    printer = create_printer({"connection": "preview", "folder": str(tmp_path), "profile": "80mm"})
    printer.print_document(dues_receipt(), job_id="pay/2024-000123")
    png, binary = printer.job_files("pay/2024-000123")  # type: ignore[attr-defined]
    assert png.name == "pay_2024-000123.png"
    image = Image.open(io.BytesIO(png.read_bytes()))
    assert image.width == 576 and _scan(image) == [RECEIPT_URL.encode()]
    items = esc.decode(binary.read_bytes())
    assert esc.lines(items)[0].strip() == "党费缴费凭条"
    assert len(esc.cuts(items)) == 1


@pytest.mark.skipif(not WQY.exists(), reason="fonts-wqy-microhei is not installed")
def test_printer_draws_rows_with_the_configured_font(tmp_path: Path) -> None:
    """The kiosk hands its own font to the printer instead of letting it search again."""
    doc = PrintDocument().text("王𬌗")
    pictures = []
    for name, font in (("found", ""), ("configured", str(WQY))):
        folder = tmp_path / name
        printer = create_printer({"connection": "preview", "folder": str(folder), "font": font})
        printer.print_document(doc, job_id="rare-name")
        png, _binary = printer.job_files("rare-name")  # type: ignore[attr-defined]
        pictures.append(Image.open(png).tobytes())
    assert pictures[0] != pictures[1]


def test_preview_without_cutter_shows_tear_off_space() -> None:
    with_cut = render_png(PrintDocument().text("x"), PRESETS["80mm"])
    without = render_png(PrintDocument().text("x"), replace(PRESETS["80mm"], cutter=False))
    assert without.height > with_cut.height
