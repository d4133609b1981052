"""The blocks a print document is made of; each validates itself when it is built.

Standard library only, like :mod:`devices.printer.document`. Messages are Chinese because they
reach staff through the backend's error answers.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, NoReturn

Align = Literal["left", "center", "right"]
Size = Literal["normal", "double", "wide", "tall"]

ALIGNS: tuple[str, ...] = ("left", "center", "right")
SIZES: tuple[str, ...] = ("normal", "double", "wide", "tall")
MAX_BLANK_LINES = 20


def fail(message: str) -> NoReturn:
    raise ValueError(f"打印文档格式错误：{message}")


def check_text(value: str, what: str, *, allow_newline: bool = True) -> None:
    """Reject control characters: text must never smuggle printer commands (ESC, GS …)."""
    for ch in value:
        if unicodedata.category(ch) == "Cc" and not (allow_newline and ch == "\n"):
            fail(f"{what}含有控制字符 U+{ord(ch):04X}")


def _check_choice(value: str, choices: tuple[str, ...], what: str) -> None:
    if value not in choices:
        fail(f"{what}“{value}”无效，可选：{'、'.join(choices)}")


@dataclass(frozen=True)
class TextBlock:
    """A paragraph; wraps to the paper width, ``\\n`` starts a new line."""

    TYPE: ClassVar[str] = "text"
    text: str
    align: Align = "left"
    bold: bool = False
    size: Size = "normal"

    def __post_init__(self) -> None:
        check_text(self.text, "文字")
        _check_choice(self.align, ALIGNS, "对齐方式")
        _check_choice(self.size, SIZES, "字号")


@dataclass(frozen=True)
class KVBlock:
    """A key on the left and its value right-aligned on the same line (amounts line up)."""

    TYPE: ClassVar[str] = "kv"
    key: str
    value: str
    bold: bool = False

    def __post_init__(self) -> None:
        check_text(self.key, "项目名", allow_newline=False)
        check_text(self.value, "项目值", allow_newline=False)


@dataclass(frozen=True)
class ColumnsBlock:
    """One table row. ``widths`` are all fractions of the line (floats) or all column counts
    (ints); ``None`` shares the line equally. ``aligns`` defaults to left."""

    TYPE: ClassVar[str] = "columns"
    cells: list[str]
    widths: list[float] | list[int] | None = None
    aligns: list[Align] | None = None
    bold: bool = False

    def __post_init__(self) -> None:
        if not self.cells:
            fail("表格行至少要有一列")
        for cell in self.cells:
            if not isinstance(cell, str):
                fail("表格单元格必须是文字")
            check_text(cell, "表格单元格", allow_newline=False)
        if self.widths is not None:
            if len(self.widths) != len(self.cells):
                fail("列宽个数与列数不一致")
            if any(isinstance(w, bool) or not isinstance(w, int | float) for w in self.widths):
                fail("列宽必须是数字")
            if any(w <= 0 for w in self.widths):
                fail("列宽必须大于 0")
            kinds = {isinstance(w, float) for w in self.widths}
            if len(kinds) > 1:
                fail("列宽要么全是比例（小数），要么全是列数（整数）")
            if kinds == {True} and sum(self.widths) > 1.0001:
                fail("按比例给出的列宽之和不能超过 1")
        if self.aligns is not None:
            if len(self.aligns) != len(self.cells):
                fail("对齐方式个数与列数不一致")
            for align in self.aligns:
                _check_choice(align, ALIGNS, "对齐方式")


@dataclass(frozen=True)
class RuleBlock:
    """A horizontal line drawn with ``char`` across the paper."""

    TYPE: ClassVar[str] = "rule"
    char: str = "-"

    def __post_init__(self) -> None:
        if len(self.char) != 1:
            fail("分隔线字符必须是单个字符")
        check_text(self.char, "分隔线字符", allow_newline=False)
        if self.char.isspace():
            fail("分隔线字符不能是空白")


@dataclass(frozen=True)
class BlankBlock:
    """Empty lines."""

    TYPE: ClassVar[str] = "blank"
    lines: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.lines <= MAX_BLANK_LINES:
            fail(f"空行数必须在 1 到 {MAX_BLANK_LINES} 之间")


@dataclass(frozen=True)
class QRBlock:
    """A QR code; ``size`` is the module size in printer dots (shrunk if it would not fit)."""

    TYPE: ClassVar[str] = "qr"
    data: str
    size: int = 6
    align: Align = "center"

    def __post_init__(self) -> None:
        if not self.data:
            fail("二维码内容不能为空")
        if len(self.data.encode("utf-8")) > 1000:
            fail("二维码内容过长（最多 1000 字节）")
        if not 1 <= self.size <= 16:
            fail("二维码模块大小必须在 1 到 16 之间")
        _check_choice(self.align, ALIGNS, "对齐方式")


@dataclass(frozen=True)
class CutBlock:
    """Feed the paper past the cutter and cut (a printer without a cutter only feeds)."""

    TYPE: ClassVar[str] = "cut"
    partial: bool = False


@dataclass(frozen=True)
class PartBreakBlock:
    """A labelled separator between the parts of a multi-part letter (存根/介绍信/回执)."""

    TYPE: ClassVar[str] = "part_break"
    label: str

    def __post_init__(self) -> None:
        check_text(self.label, "分联标签", allow_newline=False)


Block = (
    TextBlock
    | KVBlock
    | ColumnsBlock
    | RuleBlock
    | BlankBlock
    | QRBlock
    | CutBlock
    | PartBreakBlock
)
BLOCK_TYPES: dict[str, type[Any]] = {
    cls.TYPE: cls
    for cls in (
        TextBlock,
        KVBlock,
        ColumnsBlock,
        RuleBlock,
        BlankBlock,
        QRBlock,
        CutBlock,
        PartBreakBlock,
    )
}
