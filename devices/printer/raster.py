"""Bitmaps of laid-out rows, drawn the way a receipt printer draws them.

Used by the PNG preview and by the ESC/POS raster fallback, so both show the same pixels. Each
character is drawn centred in its own cell (12 dots per half-width column, 24 per Chinese
character), like the printer's monospaced font; wide and tall sizes double the pixels, as the
printer's ``GS !`` does.
"""

from __future__ import annotations

import functools
from pathlib import Path

import qrcode
from PIL import Image, ImageDraw, ImageFont

from devices.printer.layout import TALL_SIZES, WIDE_SIZES, QRRow, TextRow, char_width
from devices.printer.profile import PrinterProfile

GLYPH_HEIGHT = 24  # dots, the printer's standard 12×24 / 24×24 font
LINE_GAP = 6  # dots between lines; ESC/POS text mode is set to the same 30-dot pitch
LINE_PITCH = GLYPH_HEIGHT + LINE_GAP
CUT_MARK_HEIGHT = 24
_BASELINE = 21  # baseline inside the 24-dot glyph cell for Noto/WenQuanYi metrics
_INK_THRESHOLD = 128


@functools.cache
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def default_font() -> Path:
    """The CJK font found on this machine, for callers that configured none.

    The search parses font files with fontTools and leaves its objects behind, so a long-running
    program (the kiosk) finds the font once and passes ``font_path`` instead.
    """
    from devices.fonts import find_cjk_font

    return find_cjk_font()


def text_row_image(
    row: TextRow, profile: PrinterProfile, font_path: Path | None = None
) -> Image.Image:
    """A 1-bit image (black = ink) of one text row, ``profile.dots`` wide."""
    font = _font(font_path or default_font(), GLYPH_HEIGHT)
    cell = profile.cell_width
    columns = sum(char_width(ch) for ch in row.text)
    base = Image.new("L", (max(1, columns * cell), GLYPH_HEIGHT), 255)
    draw = ImageDraw.Draw(base)
    x = 0
    for ch in row.text:
        width = char_width(ch) * cell
        if not ch.isspace() and width:
            centre = x + width / 2
            draw.text((centre, _BASELINE), ch, font=font, fill=0, anchor="ms")
            if row.bold:
                draw.text((centre + 1, _BASELINE), ch, font=font, fill=0, anchor="ms")
        x += width
    xscale = 2 if row.size in WIDE_SIZES else 1
    yscale = 2 if row.size in TALL_SIZES else 1
    if xscale > 1 or yscale > 1:
        base = base.resize((base.width * xscale, base.height * yscale), Image.Resampling.NEAREST)
    out = Image.new("1", (profile.dots, base.height + LINE_GAP), 255)
    out.paste(_threshold(base).crop((0, 0, min(base.width, profile.dots), base.height)), (0, 0))
    return out


def _threshold(image: Image.Image) -> Image.Image:
    return image.point(lambda v: 255 if v >= _INK_THRESHOLD else 0).convert("1")


def qr_matrix(data: str) -> list[list[bool]]:
    """QR modules (True = dark), error correction M, no quiet zone; same settings as native."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data.encode("utf-8"))
    code.make(fit=True)
    return code.get_matrix()


def qr_modules(data: str) -> int:
    """Modules per side of the QR code for ``data``, without drawing it (fast)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(data.encode("utf-8"))
    return code.best_fit() * 4 + 17


def qr_module_size(row: QRRow, profile: PrinterProfile) -> int:
    """The requested module size, shrunk so the code fits the paper."""
    return max(1, min(row.module, profile.dots // qr_modules(row.data)))


def qr_image(row: QRRow, profile: PrinterProfile) -> Image.Image:
    """A 1-bit image of the QR code placed on a full-width strip, followed by a line gap."""
    matrix = qr_matrix(row.data)
    n = len(matrix)
    small = Image.new("1", (n, n), 255)
    small.putdata([0 if dark else 255 for line in matrix for dark in line])
    module = qr_module_size(row, profile)
    code = small.resize((n * module, n * module), Image.Resampling.NEAREST)
    out = Image.new("1", (profile.dots, code.height + LINE_GAP), 255)
    room = profile.dots - code.width
    x = {"left": 0, "center": room // 2, "right": room}[row.align]
    out.paste(code, (x, 0))
    return out


def cut_mark_image(profile: PrinterProfile) -> Image.Image:
    """A dashed line showing where the paper is cut (preview only)."""
    out = Image.new("1", (profile.dots, CUT_MARK_HEIGHT), 255)
    draw = ImageDraw.Draw(out)
    y = CUT_MARK_HEIGHT // 2
    for x in range(0, profile.dots, 12):
        draw.line((x, y, x + 5, y), fill=0)
    return out


def stack(images: list[Image.Image], width: int) -> Image.Image:
    """Images one under the other on a white 1-bit canvas."""
    height = sum(im.height for im in images)
    out = Image.new("1", (width, max(1, height)), 255)
    y = 0
    for im in images:
        out.paste(im, (0, y))
        y += im.height
    return out
