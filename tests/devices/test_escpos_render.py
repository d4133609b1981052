"""ESC/POS bytes decoded back: Chinese text, aligned amounts, QR payloads, rare names, cuts."""

from __future__ import annotations

from dataclasses import replace

import pytest
from PIL import Image, ImageChops, ImageOps
from pyzbar import pyzbar

from devices.printer import PRESETS, PrintDocument, display_width, render_escpos
from devices.printer.layout import TextRow
from devices.printer.profile import PrinterProfile, profile_from_config
from devices.printer.raster import text_row_image
from tests.devices import escpos_decoder as esc
from tests.devices.samples import RECEIPT_URL, WARNING, dues_receipt, referral_letter

P58, P80 = PRESETS["58mm"], PRESETS["80mm"]


def _decode(doc: PrintDocument, profile: PrinterProfile) -> list[esc.Item]:
    return esc.decode(render_escpos(doc, profile), profile.encoding or "ascii")


def _scan(image: Image.Image) -> list[bytes]:
    framed = ImageOps.expand(image.convert("L"), border=40, fill=255)
    return [symbol.data for symbol in pyzbar.decode(framed)]


@pytest.mark.parametrize("profile", [P58, P80], ids=lambda p: p.name)
def test_receipt_prints_chinese_in_text_mode_with_aligned_amounts(profile: PrinterProfile) -> None:
    data = render_escpos(dues_receipt(name="张伟"), profile)
    assert data.startswith(b"\x1b@")
    assert b"\x1c&" in data  # FS &: Chinese mode on
    assert "￥".encode("gb18030") in data and "¥".encode("gb18030") not in data
    items = esc.decode(data)
    lines = esc.lines(items)
    assert lines[0].strip() == "党费缴费凭条"
    assert "张伟" in lines[2]
    total = next(line for line in lines if line.startswith("合计"))
    assert total.endswith("￥76.50") and display_width(total) == profile.columns
    months = [line for line in lines if line.startswith("2024年")]
    assert [display_width(m) for m in months] == [profile.columns] * 3
    warning = "".join(line for line in lines if line and line[0] in WARNING)
    assert WARNING in warning
    assert esc.rasters(items) == []  # nothing needed an image


def test_title_is_double_size_and_bold_and_totals_are_bold() -> None:
    items = _decode(dues_receipt(), P80)
    text = [item for item in items if isinstance(item, esc.Line)]
    assert text[0].wide and text[0].tall and text[0].bold
    total = next(line for line in text if line.text.startswith("合计"))
    assert total.bold and not total.wide
    assert not next(line for line in text if line.text.startswith("大写")).bold


def test_a_rare_name_is_printed_as_an_image_of_the_same_row() -> None:
    """王𬌗: 𬌗 (U+2C317) is in no printer font, so that row goes as a raster image."""
    items = _decode(dues_receipt(name="王𬌗"), P58)
    lines = esc.lines(items)
    assert not any("王" in line or "?" in line for line in lines)
    (image,) = esc.rasters(items)
    expected = text_row_image(TextRow("姓名" + " " * 24 + "王𬌗"), P58)
    assert ImageChops.difference(image, expected).getbbox() is None
    # The glyph is drawn, not a missing-glyph box: compare with a character no font has.
    cell = (28 * 12, 0, 32 * 12, 24)  # the last two Chinese cells: 王 and 𬌗
    name_cells = image.crop(cell)
    tofu = text_row_image(TextRow(" " * 28 + "王\U000e0123"), P58).crop(cell)
    assert name_cells.getbbox() is not None
    assert ImageChops.difference(name_cells, tofu).getbbox() is not None


@pytest.mark.parametrize(
    ("charset", "as_text"), [("gb18030", True), ("gbk", False)], ids=["gb18030", "gbk"]
)
def test_extension_a_characters_follow_the_printer_charset(charset: str, as_text: bool) -> None:
    profile = replace(P58, charset=charset)
    items = _decode(PrintDocument().kv("姓名", "王䶮"), profile)
    assert ("王䶮" in "".join(esc.lines(items))) is as_text
    assert len(esc.rasters(items)) == (0 if as_text else 1)


def test_gbk_printer_gets_two_byte_characters() -> None:
    data = render_escpos(PrintDocument().text("党员"), replace(P58, charset="gbk"))
    assert "党员".encode("gbk") + b"\n" in data


def test_printer_without_chinese_font_gets_chinese_as_images() -> None:
    profile = replace(P58, charset="none")
    doc = PrintDocument().text("Receipt 2024-000123").text("党员服务中心").rule()
    data = render_escpos(doc, profile)
    assert b"\x1c&" not in data
    items = esc.decode(data, "ascii")
    assert esc.lines(items)[:1] == ["Receipt 2024-000123"]
    assert "-" * 32 in esc.lines(items)
    assert len(esc.rasters(items)) == 1


def test_native_qr_carries_the_url() -> None:
    (qr,) = esc.native_qrs(_decode(dues_receipt(), P80))
    assert qr.data == RECEIPT_URL.encode()
    assert qr.module == 6 and qr.align == 1


def test_raster_qr_scans_back_to_the_url() -> None:
    profile = profile_from_config({"preset": "58mm", "qr": "raster"})
    items = _decode(dues_receipt(name="张伟"), profile)
    assert esc.native_qrs(items) == []
    (image,) = esc.rasters(items)
    assert image.width == 384
    assert _scan(image) == [RECEIPT_URL.encode()]


def test_oversized_qr_module_is_shrunk_to_fit_the_paper() -> None:
    url = RECEIPT_URL + "&" + "x" * 200
    doc = PrintDocument().qr(url, size=16)
    (qr,) = esc.native_qrs(_decode(doc, P58))
    assert qr.module * 57 <= 384  # a 200-byte URL needs version 10 or more (57+ modules)
    (image,) = esc.rasters(_decode(doc, replace(P58, qr="raster")))
    assert _scan(image) == [url.encode()]


def test_cuts_follow_the_profile() -> None:
    letter = referral_letter(name="张伟")
    with_cutter = _decode(letter, P80)
    assert [c.partial for c in esc.cuts(with_cutter)] == [False, False, False]
    lines = esc.lines(with_cutter)
    assert "-------------------- 第二联 --------------------" in lines
    assert "-------------------- 第三联 --------------------" in lines
    without = _decode(letter, P58)
    assert esc.cuts(without) == []
    assert esc.Feed(lines=4) in without


def test_copies_print_the_whole_receipt_again() -> None:
    doc = PrintDocument("收据", copies=2).kv("合计", "￥1.00").cut(partial=True)
    items = _decode(doc, P80)
    assert [line.strip() for line in esc.lines(items)].count("收据") == 2
    assert [c.partial for c in esc.cuts(items)] == [True, True]


def test_text_mode_is_at_least_twenty_times_smaller_than_raster() -> None:
    doc = dues_receipt(name="张伟")
    text = render_escpos(doc, P58)
    raster = render_escpos(doc, replace(P58, mode="raster", qr="raster"))
    assert not any(esc.lines(esc.decode(raster)))  # every character went as an image
    assert len(text) * 20 <= len(raster)
