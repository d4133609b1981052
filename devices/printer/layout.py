"""Lay a print document out in printer columns, once, for every renderer.

The ESC/POS, PNG and plain-text renderers all draw the rows computed here, so a preview shows
exactly the line breaks and alignment the printer will print. Widths are counted in display
columns: a Chinese character takes two, which is also what a Chinese receipt printer does (every
double-byte GBK character is printed 24 dots wide, so East Asian *ambiguous* characters such as
``·`` or ``—`` count as two as well).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from devices.printer.document import (
    Align,
    BlankBlock,
    Block,
    ColumnsBlock,
    CutBlock,
    KVBlock,
    PartBreakBlock,
    PrintDocument,
    QRBlock,
    RuleBlock,
    Size,
    TextBlock,
)
from devices.printer.profile import PrinterProfile

# Printers cannot print U+00A5 from a GBK font and GB18030 needs 4 bytes for it: use U+FFE5.
_REPLACEMENTS = str.maketrans({"\u00a5": "\uffe5"})
# Characters that must not start a line (避头点): closing punctuation stays with its text.
_NO_LINE_START = set("，。、；：？！）》」』】〕〉”’…,.;:?!)]}%")
# Where a heading may break: before an opening bracket, after a closing one.
_OPENING = set("（《「『【〔〈(")
_CLOSING = set("）》」』】〕〉)")
WIDE_SIZES = ("double", "wide")
TALL_SIZES = ("double", "tall")


def display_width(text: str) -> int:
    """Printer/terminal columns ``text`` takes: wide, fullwidth and ambiguous characters 2."""
    width = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 1
    return width


def char_width(ch: str) -> int:
    return display_width(ch)


def normalize(text: str) -> str:
    """Replace characters that print badly with their printable equivalents (¥ → ￥)."""
    return text.translate(_REPLACEMENTS)


def wrap(text: str, width: int) -> list[str]:
    """Break ``text`` into lines of at most ``width`` columns.

    Chinese breaks between any two characters; a Latin word or a number is kept whole when it
    fits on a line; closing punctuation never starts a line. Empty text gives one empty line.
    """
    lines: list[str] = []
    current = ""
    used = 0
    for ch in text:
        w = char_width(ch)
        if used + w > width and current:
            keep, carry = _break_point(current, ch)
            lines.append(keep.rstrip(" "))
            current = carry.lstrip(" ")
            used = display_width(current)
        current += ch
        used += w
    lines.append(current.rstrip(" "))
    return lines


def _break_point(line: str, next_ch: str) -> tuple[str, str]:
    """Split a full line before ``next_ch`` so words and punctuation stay together."""
    if next_ch in _NO_LINE_START and len(line) > 1:
        return line[:-1], line[-1]
    if next_ch.isascii() and next_ch.isalnum() and line[-1].isascii() and line[-1].isalnum():
        cut = len(line)
        while cut > 0 and line[cut - 1].isascii() and line[cut - 1].isalnum():
            cut -= 1
        if cut > 0:
            return line[:cut], line[cut:]
    return line, ""


def pad(text: str, width: int, align: Align) -> str:
    """``text`` placed in ``width`` columns (never truncated)."""
    room = max(0, width - display_width(text))
    if align == "right":
        return " " * room + text
    if align == "center":
        return " " * (room // 2) + text + " " * (room - room // 2)
    return text + " " * room


@dataclass(frozen=True)
class TextRow:
    """One printed line. ``text`` is already positioned in the row's own columns (half as many
    for wide sizes) and has no trailing spaces; ``content``/``align`` let a plain-text renderer
    place a wide line again in normal-width columns."""

    text: str
    bold: bool = False
    size: Size = "normal"
    align: Align = "left"
    content: str = ""


@dataclass(frozen=True)
class QRRow:
    data: str
    module: int
    align: Align


@dataclass(frozen=True)
class CutRow:
    partial: bool


Row = TextRow | QRRow | CutRow


def span(profile: PrinterProfile, size: Size) -> int:
    """Columns available on one line at ``size``."""
    return profile.columns // 2 if size in WIDE_SIZES else profile.columns


def layout(doc: PrintDocument, profile: PrinterProfile) -> list[Row]:
    """All rows of all copies; every copy ends with a cut (a feed where there is no cutter)."""
    body: list[Row] = []
    if doc.title:
        body.extend(_text(TextBlock(doc.title, "center", True, "double"), profile))
    for block in doc.blocks:
        body.extend(_block(block, profile))
    if not body or not isinstance(body[-1], CutRow):
        body.append(CutRow(partial=False))
    return body * doc.copies


def _block(block: Block, profile: PrinterProfile) -> list[Row]:
    width = profile.columns
    match block:
        case TextBlock():
            return list(_text(block, profile))
        case KVBlock(key=key, value=value, bold=bold):
            lines = kv_lines(normalize(key), normalize(value), width)
            return [TextRow(line, bold) for line in lines]
        case ColumnsBlock():
            return [TextRow(line, block.bold) for line in columns_lines(block, width)]
        case RuleBlock(char=char):
            return [TextRow(normalize(char) * (width // char_width(normalize(char))))]
        case BlankBlock(lines=lines):
            return [TextRow("")] * lines
        case QRBlock(data=data, size=module, align=align):
            return [QRRow(data, module, align)]
        case CutBlock(partial=partial):
            return [CutRow(partial)]
        case PartBreakBlock(label=label):
            # The label heads the part it names: with a cutter the cut comes first, so
            # "第二联" is printed on the second part, not at the foot of the first.
            row = TextRow(part_break_line(normalize(label), width))
            return [CutRow(partial=False), row] if profile.cutter else [TextRow(""), row]
    raise TypeError(f"unknown block {block!r}")


def _text(block: TextBlock, profile: PrinterProfile) -> list[TextRow]:
    rows = []
    for paragraph in normalize(block.text).split("\n"):
        size, lines = _fit(paragraph, block.size, profile)
        width = span(profile, size)
        for line in lines:
            text = pad(line, width, block.align).rstrip(" ")
            rows.append(TextRow(text, block.bold, size, block.align, line))
    return rows


def _fit(text: str, size: Size, profile: PrinterProfile) -> tuple[Size, list[str]]:
    """A heading in wide print (a title: 党费缴费凭条（补打）) that does not fit on one line is
    printed at normal width instead (still tall when it was), and if even that is too long it
    breaks between words, never inside one. Ordinary text wraps as :func:`wrap` does."""
    if size not in WIDE_SIZES:
        return size, wrap(text, span(profile, size))
    if display_width(text) <= span(profile, size):
        return size, [text]
    narrow: Size = "tall" if size in TALL_SIZES else "normal"
    return narrow, heading_lines(text, span(profile, narrow))


def heading_lines(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken only where a heading may break:
    before an opening bracket, after a closing one, at a space or a middle dot. A stretch with
    no such place wraps as ordinary text."""
    lines: list[str] = []
    rest = text
    while display_width(rest) > width:
        cut = max(
            (
                i
                for i in range(1, len(rest))
                if _heading_break(rest, i) and display_width(rest[:i].rstrip(" ")) <= width
            ),
            default=0,
        )
        if cut == 0:
            first, *more = wrap(rest, width)
            lines.append(first)
            rest = "".join(more) if more else ""
            continue
        lines.append(rest[:cut].rstrip(" "))
        rest = rest[cut:].lstrip(" ")
    lines.append(rest)
    return lines


def _heading_break(text: str, i: int) -> bool:
    """May a heading break before ``text[i]``?"""
    before, after = text[i - 1], text[i]
    return after in _OPENING or before in _CLOSING or " " in (before, after) or before == "·"


def kv_lines(key: str, value: str, width: int) -> list[str]:
    """Key left, value right-aligned; a long value wraps under itself with a hanging indent."""
    kw, vw = display_width(key), display_width(value)
    if kw + 1 + vw <= width:
        return [key + " " * (width - kw - vw) + value]
    if kw <= width // 2:
        indent = kw + 1
        parts = wrap(value, width - indent)
        return [key + " " + parts[0]] + [" " * indent + part for part in parts[1:]]
    lines = wrap(key, width)
    lines.extend(pad(part, width, "right") for part in wrap(value, width))
    return lines


def column_widths(block: ColumnsBlock, width: int) -> list[int]:
    """Columns per cell: fractions of the line, counts (scaled down if too wide), or equal."""
    n = len(block.cells)
    if block.widths is None:
        sizes = [width // n] * n
        sizes[-1] += width - sum(sizes)
    elif any(isinstance(w, float) for w in block.widths):
        sizes = [max(1, int(w * width)) for w in block.widths]
        if abs(sum(block.widths) - 1) < 1e-3:
            sizes[-1] = max(1, width - sum(sizes[:-1]))
    else:
        total = sum(int(w) for w in block.widths)
        scale = min(1.0, width / total)
        sizes = [max(1, int(int(w) * scale)) for w in block.widths]
        if scale < 1:
            sizes[-1] = max(1, width - sum(sizes[:-1]))
    return sizes


def columns_lines(block: ColumnsBlock, width: int) -> list[str]:
    """A table row; cells wrap inside their column and a one-column gap separates cells."""
    sizes = column_widths(block, width)
    aligns = block.aligns or ["left"] * len(block.cells)
    cells = []
    for i, (cell, size) in enumerate(zip(block.cells, sizes, strict=True)):
        inner = size if i == len(sizes) - 1 else max(1, size - 1)
        cells.append(wrap(normalize(cell), inner))
    height = max(len(c) for c in cells)
    lines = []
    for row in range(height):
        parts = []
        for i, (cell_lines, size, align) in enumerate(zip(cells, sizes, aligns, strict=True)):
            inner = size if i == len(sizes) - 1 else max(1, size - 1)
            text = pad(cell_lines[row] if row < len(cell_lines) else "", inner, align)
            parts.append(text if i == len(sizes) - 1 else text + " ")
        lines.append("".join(parts).rstrip(" "))
    return lines


def part_break_line(label: str, width: int) -> str:
    """``-------- 第二联 --------`` across the paper."""
    inner = f" {label} " if label else ""
    dashes = max(0, width - display_width(inner))
    return "-" * (dashes // 2) + inner + "-" * (dashes - dashes // 2)
