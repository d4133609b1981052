"""Renderers of a print document: ESC/POS bytes, a PNG preview and plain text.

All three draw the rows of :func:`devices.printer.layout.layout`, so line breaks and alignment
agree. ESC/POS prints text with the printer's own Chinese font (``FS &`` + GB18030/GBK bytes),
which is about fifty times smaller than an image; a row with a character the printer's font
lacks (王𬌗) is sent as a raster image of that row instead, drawn on the same column grid.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

from devices.printer import commands as cmd
from devices.printer.document import PrintDocument
from devices.printer.layout import (
    TALL_SIZES,
    WIDE_SIZES,
    CutRow,
    QRRow,
    Row,
    TextRow,
    layout,
    pad,
)
from devices.printer.profile import PrinterProfile
from devices.printer.raster import (
    LINE_GAP,
    LINE_PITCH,
    cut_mark_image,
    qr_image,
    qr_module_size,
    stack,
    text_row_image,
)

FEED_WITHOUT_CUTTER = 4  # lines fed at the end when the user tears the paper off by hand


def render_escpos(
    doc: PrintDocument, profile: PrinterProfile, *, font_path: Path | None = None
) -> bytes:
    """ESC/POS bytes for ``doc`` on a printer described by ``profile``."""
    return _EscposWriter(profile, font_path).render(layout(doc, profile))


class _EscposWriter:
    """Emits rows, sending style changes only when they change and merging raster rows."""

    def __init__(self, profile: PrinterProfile, font_path: Path | None) -> None:
        self.profile = profile
        self.font_path = font_path
        self.out = bytearray()
        self.style: tuple[bool, str] = (False, "normal")
        self.pending: list[Image.Image] = []

    def render(self, rows: list[Row]) -> bytes:
        chinese = self.profile.encoding is not None and self.profile.mode == "text"
        self.out += cmd.INITIALIZE + cmd.line_spacing(LINE_PITCH)
        if chinese:
            self.out += cmd.CHINESE_ON
        for row in rows:
            if isinstance(row, TextRow):
                self._text(row)
            elif isinstance(row, QRRow):
                self._qr(row)
            else:
                self._cut(row)
        self._flush_raster()
        self._set_style(False, "normal")
        if chinese:
            self.out += cmd.CHINESE_OFF
        return bytes(self.out)

    def _text(self, row: TextRow) -> None:
        if all(self.profile.prints_as_text(ch) for ch in row.text):
            self._flush_raster()
            if row.text:
                self._set_style(row.bold, row.size)
                self.out += row.text.encode(self.profile.encoding or "ascii")
            self.out += cmd.LF
        else:
            self.pending.append(text_row_image(row, self.profile, self.font_path))

    def _qr(self, row: QRRow) -> None:
        if self.profile.qr == "raster":
            self.pending.append(qr_image(row, self.profile))
            return
        self._flush_raster()
        module = qr_module_size(row, self.profile)
        self.out += cmd.align(row.align)
        self.out += cmd.qr_native(row.data.encode("utf-8"), module)
        self.out += cmd.align("left") + cmd.feed_dots(LINE_GAP)

    def _cut(self, row: CutRow) -> None:
        self._flush_raster()
        if self.profile.cutter:
            self.out += cmd.cut(row.partial)
        else:
            self.out += cmd.feed_lines(FEED_WITHOUT_CUTTER)

    def _set_style(self, bold: bool, size: str) -> None:
        if (bold, size) == self.style:
            return
        if bold != self.style[0]:
            self.out += cmd.bold(bold)
        if size != self.style[1]:
            wide, tall = size in WIDE_SIZES, size in TALL_SIZES
            self.out += cmd.char_size(wide, tall)
            if self.profile.encoding is not None:
                self.out += cmd.chinese_size(wide, tall)
        self.style = (bold, size)

    def _flush_raster(self) -> None:
        if self.pending:
            self.out += cmd.raster(stack(self.pending, self.profile.dots))
            self.pending = []


def render_png(
    doc: PrintDocument, profile: PrinterProfile, *, font_path: Path | None = None
) -> Image.Image:
    """A grey-scale preview, one pixel per printer dot, laid out exactly as printed."""
    images: list[Image.Image] = []
    for row in layout(doc, profile):
        if isinstance(row, TextRow):
            images.append(text_row_image(row, profile, font_path))
        elif isinstance(row, QRRow):
            images.append(qr_image(row, profile))
        elif profile.cutter:
            images.append(cut_mark_image(profile))
        else:
            images.append(Image.new("1", (profile.dots, LINE_PITCH * FEED_WITHOUT_CUTTER), 255))
    return stack(images, profile.dots).convert("L")


def png_bytes(
    doc: PrintDocument, profile: PrinterProfile, *, font_path: Path | None = None
) -> bytes:
    """:func:`render_png` encoded as a PNG file."""
    buffer = io.BytesIO()
    render_png(doc, profile, font_path=font_path).save(buffer, format="PNG")
    return buffer.getvalue()


def render_text(doc: PrintDocument, profile: PrinterProfile) -> str:
    """Plain text, for logs, e-mail and screens without graphics."""
    lines: list[str] = []
    for row in layout(doc, profile):
        if isinstance(row, TextRow):
            if row.size in WIDE_SIZES:
                lines.append(pad(row.content, profile.columns, row.align).rstrip(" "))
            else:
                lines.append(row.text)
        elif isinstance(row, QRRow):
            lines.append(pad(f"[二维码] {row.data}", profile.columns, row.align).rstrip(" "))
        elif profile.cutter:
            lines.append("✂" + "-" * (profile.columns - 1))
        else:
            lines.append("")
    return "\n".join(lines) + "\n"
