"""Printer profiles: what a given receipt printer can do, chosen by configuration."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from typing import Any, Literal

Charset = Literal["gb18030", "gbk", "none"]
CHARSETS: tuple[str, ...] = ("gb18030", "gbk", "none")
QR_MODES: tuple[str, ...] = ("native", "raster")
TEXT_MODES: tuple[str, ...] = ("text", "raster")

# CJK Unified Ideographs Extension A: part of GB18030-2000's mandatory repertoire, so printers
# sold with a "GB18030" font carry it, while GBK printers do not.
_EXT_A = range(0x3400, 0x4DC0)


@dataclass(frozen=True)
class PrinterProfile:
    """Paper geometry and abilities of one printer model.

    ``columns`` counts half-width characters of the printer's standard 12×24 font, so ``dots /
    columns`` is the width of one column; a Chinese character takes two. ``charset`` is the
    printer's built-in Chinese font (``none``: no Chinese font, Chinese goes as raster images).
    ``mode="raster"`` prints every text line as an image, for printers whose font is unusable.
    """

    name: str = "58mm"
    columns: int = 32
    dots: int = 384
    charset: Charset = "gb18030"
    qr: Literal["native", "raster"] = "native"
    cutter: bool = False
    status: bool = True
    mode: Literal["text", "raster"] = "text"

    def __post_init__(self) -> None:
        if self.charset not in CHARSETS:
            raise ValueError(f"打印机字符集“{self.charset}”无效，可选：{'、'.join(CHARSETS)}")
        if self.qr not in QR_MODES:
            raise ValueError(f"二维码方式“{self.qr}”无效，可选：native、raster")
        if self.mode not in TEXT_MODES:
            raise ValueError(f"文字方式“{self.mode}”无效，可选：text、raster")
        if self.columns < 16 or self.dots < self.columns * 8 or self.dots % 8:
            raise ValueError("纸宽设置无效：列数至少 16，点数须为 8 的倍数且每列至少 8 点")

    @property
    def cell_width(self) -> int:
        """Width in dots of one half-width column."""
        return self.dots // self.columns

    @property
    def encoding(self) -> str | None:
        """Python codec for text mode, or ``None`` when the printer has no Chinese font."""
        return None if self.charset == "none" else self.charset

    def prints_as_text(self, ch: str) -> bool:
        """Whether the printer's own font can print ``ch`` (otherwise it goes as raster)."""
        if self.mode == "raster":
            return False
        if " " <= ch <= "~":
            return True
        if self.charset == "none":
            return False
        try:
            ch.encode("gbk")
        except UnicodeEncodeError:
            return self.charset == "gb18030" and ord(ch) in _EXT_A
        return True


PRESETS: dict[str, PrinterProfile] = {
    "58mm": PrinterProfile(name="58mm", columns=32, dots=384, cutter=False),
    "80mm": PrinterProfile(name="80mm", columns=48, dots=576, cutter=True),
}


def profile_from_config(config: str | dict[str, Any] | PrinterProfile | None) -> PrinterProfile:
    """A profile from a preset name (``"58mm"``) or a dict ``{"preset": "80mm", "charset": …}``."""
    if isinstance(config, PrinterProfile):
        return config
    if config is None:
        return PRESETS["58mm"]
    if isinstance(config, str):
        config = {"preset": config}
    options = dict(config)
    preset_name = options.pop("preset", options.pop("paper", "58mm"))
    if preset_name not in PRESETS:
        raise ValueError(f"纸宽“{preset_name}”无效，可选：{'、'.join(PRESETS)}")
    allowed = {f.name for f in fields(PrinterProfile)}
    unknown = set(options) - allowed
    if unknown:
        raise ValueError(f"打印机型号设置含未知项：{'、'.join(sorted(unknown))}")
    return replace(PRESETS[preset_name], **options)
