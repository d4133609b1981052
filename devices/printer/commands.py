"""The ESC/POS commands this package emits, as bytes (Epson TM series, Chinese clones)."""

from __future__ import annotations

from PIL import Image, ImageChops

ESC, GS, FS, DLE, EOT, LF = b"\x1b", b"\x1d", b"\x1c", b"\x10", b"\x04", b"\n"

INITIALIZE = ESC + b"@"
CHINESE_ON = FS + b"&"  # FS &: double-byte (GB) characters from here on
CHINESE_OFF = FS + b"."
ALIGN_CODES = {"left": 0, "center": 1, "right": 2}
# GS ( k model-2 QR settings shared by every native code: model 2, error correction M.
QR_MODEL_2 = GS + b"(k\x04\x00\x31\x41\x32\x00"
QR_ECC_M = GS + b"(k\x03\x00\x31\x45\x31"
QR_PRINT = GS + b"(k\x03\x00\x31\x51\x30"
# Real-time status requests (DLE EOT n): printer, offline cause, error cause, paper sensor.
STATUS_PRINTER, STATUS_OFFLINE, STATUS_ERROR, STATUS_PAPER = 1, 2, 3, 4
MAX_RASTER_ROWS = 1200  # split tall images: many printers' buffers stop near 2 000 rows


def line_spacing(dots: int) -> bytes:
    return ESC + b"3" + bytes([dots])


def bold(on: bool) -> bytes:
    return ESC + b"E" + bytes([1 if on else 0])


def char_size(wide: bool, tall: bool) -> bytes:
    """GS ! n: width multiplier in the high nibble, height in the low one."""
    return GS + b"!" + bytes([(0x10 if wide else 0) | (0x01 if tall else 0)])


def chinese_size(wide: bool, tall: bool) -> bytes:
    """FS ! n: the same for double-byte characters (bit 2 double width, bit 3 double height)."""
    return FS + b"!" + bytes([(0x04 if wide else 0) | (0x08 if tall else 0)])


def align(where: str) -> bytes:
    return ESC + b"a" + bytes([ALIGN_CODES[where]])


def feed_lines(n: int) -> bytes:
    return ESC + b"d" + bytes([n])


def feed_dots(n: int) -> bytes:
    return ESC + b"J" + bytes([n])


def cut(partial: bool) -> bytes:
    """GS V 65/66 n: feed to the cutter, then a full (A) or partial (B) cut."""
    return GS + b"V" + (b"B" if partial else b"A") + b"\x00"


def qr_native(data: bytes, module: int) -> bytes:
    """Store ``data`` in the printer's QR buffer and print it (GS ( k, functions 165–181)."""
    size = GS + b"(k\x03\x00\x31\x43" + bytes([module])
    length = len(data) + 3
    store = GS + b"(k" + bytes([length & 0xFF, length >> 8]) + b"\x31\x50\x30" + data
    return QR_MODEL_2 + size + QR_ECC_M + store + QR_PRINT


def raster(image: Image.Image) -> bytes:
    """GS v 0 raster bit images of a 1-bit image (black = ink), split into printable bands."""
    mono = image.convert("1")
    width_bytes = (mono.width + 7) // 8
    padded = Image.new("1", (width_bytes * 8, mono.height), 255)
    padded.paste(mono, (0, 0))
    data = ImageChops.invert(padded).tobytes()  # PIL's 1 is white; the printer's 1 is a dot
    out = bytearray()
    for top in range(0, padded.height, MAX_RASTER_ROWS):
        rows = min(MAX_RASTER_ROWS, padded.height - top)
        header = GS + b"v0\x00" + bytes([width_bytes & 0xFF, width_bytes >> 8])
        out += header + bytes([rows & 0xFF, rows >> 8])
        out += data[top * width_bytes : (top + rows) * width_bytes]
    return bytes(out)


def status_request(n: int) -> bytes:
    return DLE + EOT + bytes([n])
