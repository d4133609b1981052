"""A decoder of the ESC/POS commands devices.printer emits, written independently of it.

It turns bytes back into what a member would see on paper: text lines (decoded from GB18030/GBK
in Chinese mode) with their style, raster images, QR payloads, feeds and cuts. Any byte it does
not understand is an error, so a stray command in a receipt fails the test.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image


@dataclass(frozen=True)
class Line:
    text: str
    bold: bool
    wide: bool
    tall: bool


@dataclass(frozen=True)
class Raster:
    image: Image.Image  # 1-bit, black = ink


@dataclass(frozen=True)
class NativeQR:
    data: bytes
    module: int
    align: int


@dataclass(frozen=True)
class Cut:
    partial: bool


@dataclass(frozen=True)
class Feed:
    lines: int = 0
    dots: int = 0


@dataclass(frozen=True)
class StatusRequest:
    n: int


Item = Line | Raster | NativeQR | Cut | Feed | StatusRequest


class DecodeError(ValueError):
    pass


def decode(data: bytes, encoding: str = "gb18030") -> list[Item]:
    return _Decoder(data, encoding).run()


class _Decoder:
    def __init__(self, data: bytes, encoding: str) -> None:
        self.data = data
        self.encoding = encoding
        self.pos = 0
        self.items: list[Item] = []
        self.text = bytearray()
        self.chinese = False
        self.bold = False
        self.wide = False
        self.tall = False
        self.align = 0
        self.qr_module = 3
        self.qr_data = b""

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise DecodeError(f"truncated command at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def run(self) -> list[Item]:
        while self.pos < len(self.data):
            byte = self.data[self.pos]
            if byte >= 0x20 or (self.chinese and byte >= 0x80):
                self.text.append(byte)
                self.pos += 1
            elif byte == 0x0A:
                self.pos += 1
                self.flush(force=True)
            elif byte == 0x1B:
                self.pos += 1
                self.esc()
            elif byte == 0x1D:
                self.pos += 1
                self.gs()
            elif byte == 0x1C:
                self.pos += 1
                self.fs()
            elif byte == 0x10 and self.data[self.pos + 1 : self.pos + 2] == b"\x04":
                self.pos += 2
                self.items.append(StatusRequest(self.take(1)[0]))
            else:
                raise DecodeError(f"unknown byte 0x{byte:02X} at {self.pos}")
        if self.text:
            raise DecodeError("text without a final line feed is never printed")
        return self.items

    def flush(self, force: bool = False) -> None:
        if self.text or force:
            codec = self.encoding if self.chinese else "ascii"
            text = bytes(self.text).decode(codec)
            self.items.append(Line(text, self.bold, self.wide, self.tall))
            self.text.clear()

    def esc(self) -> None:
        cmd = self.take(1)
        if cmd == b"@":
            self.bold = self.wide = self.tall = False
            self.align = 0
        elif cmd == b"3":
            self.take(1)
        elif cmd == b"E":
            self.bold = bool(self.take(1)[0] & 1)
        elif cmd == b"a":
            self.align = self.take(1)[0] % 48
        elif cmd == b"d":
            self.items.append(Feed(lines=self.take(1)[0]))
        elif cmd == b"J":
            self.items.append(Feed(dots=self.take(1)[0]))
        else:
            raise DecodeError(f"unknown ESC {cmd!r}")

    def fs(self) -> None:
        cmd = self.take(1)
        if cmd == b"&":
            self.chinese = True
        elif cmd == b".":
            self.chinese = False
        elif cmd == b"!":
            n = self.take(1)[0]
            if bool(n & 0x04) != self.wide or bool(n & 0x08) != self.tall:
                raise DecodeError("FS ! and GS ! disagree about the character size")
        else:
            raise DecodeError(f"unknown FS {cmd!r}")

    def gs(self) -> None:
        cmd = self.take(1)
        if cmd == b"!":
            n = self.take(1)[0]
            self.wide, self.tall = bool(n & 0xF0), bool(n & 0x0F)
        elif cmd == b"V":
            m = self.take(1)[0]
            if m in (65, 66):
                self.take(1)
            elif m not in (0, 1, 48, 49):
                raise DecodeError(f"unknown cut mode {m}")
            self.items.append(Cut(partial=m in (1, 49, 66)))
        elif cmd == b"v":
            self.raster()
        elif cmd == b"(":
            self.function()
        else:
            raise DecodeError(f"unknown GS {cmd!r}")

    def raster(self) -> None:
        if self.take(2) != b"0\x00":
            raise DecodeError("only GS v 0 normal mode is expected")
        xl, xh, yl, yh = self.take(4)
        width, height = xl + 256 * xh, yl + 256 * yh
        bits = self.take(width * height)
        inverted = bytes(b ^ 0xFF for b in bits)  # the printer's 1 is a dot, PIL's 1 is white
        image = Image.frombytes("1", (width * 8, height), inverted)
        self.items.append(Raster(image))

    def function(self) -> None:
        if self.take(1) != b"k":
            raise DecodeError("only GS ( k is expected")
        pl, ph = self.take(2)
        body = self.take(pl + 256 * ph)
        cn, fn, params = body[0], body[1], body[2:]
        if cn != 0x31:
            raise DecodeError("only QR code functions are expected")
        if fn == 0x43:
            self.qr_module = params[0]
        elif fn == 0x50:
            self.qr_data = params[1:]
        elif fn == 0x51:
            self.items.append(NativeQR(self.qr_data, self.qr_module, self.align))
        elif fn not in (0x41, 0x45):
            raise DecodeError(f"unknown QR function {fn:#x}")


def lines(items: list[Item]) -> list[str]:
    return [item.text for item in items if isinstance(item, Line)]


def rasters(items: list[Item]) -> list[Image.Image]:
    return [item.image for item in items if isinstance(item, Raster)]


def cuts(items: list[Item]) -> list[Cut]:
    return [item for item in items if isinstance(item, Cut)]


def native_qrs(items: list[Item]) -> list[NativeQR]:
    return [item for item in items if isinstance(item, NativeQR)]
