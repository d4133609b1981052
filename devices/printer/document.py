"""The device-neutral print document: what a slip or a letter says, not how a printer says it.

The backend builds these documents and sends them as JSON; the kiosk hands them to a printer.
This module and :mod:`devices.printer.blocks` must stay free of third-party imports (no escpos,
no PIL) so the backend can import them cheaply. Every block validates itself, so a malformed
document fails where it is built or received (``ValueError`` with a Chinese message), not
half-way through printing a receipt.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from typing import Any

from devices.printer.blocks import (
    ALIGNS,
    BLOCK_TYPES,
    SIZES,
    Align,
    BlankBlock,
    Block,
    ColumnsBlock,
    CutBlock,
    KVBlock,
    PartBreakBlock,
    QRBlock,
    RuleBlock,
    Size,
    TextBlock,
    check_text,
    fail,
)

__all__ = [
    "ALIGNS",
    "BLOCK_TYPES",
    "FORMAT_VERSION",
    "SIZES",
    "Align",
    "BlankBlock",
    "Block",
    "ColumnsBlock",
    "CutBlock",
    "KVBlock",
    "PartBreakBlock",
    "PrintDocument",
    "QRBlock",
    "RuleBlock",
    "Size",
    "TextBlock",
]

FORMAT_VERSION = 1
MAX_COPIES = 9
# JSON types accepted per field; bool is checked before int because bool is an int in Python.
_FIELD_TYPES: dict[str, tuple[type, ...]] = {
    "text": (str,),
    "align": (str,),
    "bold": (bool,),
    "size": (str, int),
    "key": (str,),
    "value": (str,),
    "cells": (list,),
    "widths": (list, type(None)),
    "aligns": (list, type(None)),
    "char": (str,),
    "lines": (int,),
    "data": (str,),
    "partial": (bool,),
    "label": (str,),
}


@dataclass
class PrintDocument:
    """A receipt, slip or letter: an optional title, then blocks printed top to bottom.

    Builder methods return the document, so a slip reads like what it prints::

        doc = PrintDocument("缴费凭条").kv("姓名", "王𬌗").kv("合计", "￥76.50").qr(url)
    """

    title: str | None = None
    blocks: list[Block] = field(default_factory=list)
    copies: int = 1

    def __post_init__(self) -> None:
        if self.title is not None:
            check_text(self.title, "标题")
        if isinstance(self.copies, bool) or not isinstance(self.copies, int):
            fail("份数必须是整数")
        if not 1 <= self.copies <= MAX_COPIES:
            fail(f"份数必须在 1 到 {MAX_COPIES} 之间")

    def add(self, block: Block) -> PrintDocument:
        self.blocks.append(block)
        return self

    def text(
        self, text: str, *, align: Align = "left", bold: bool = False, size: Size = "normal"
    ) -> PrintDocument:
        return self.add(TextBlock(text, align, bold, size))

    def kv(self, key: str, value: str, *, bold: bool = False) -> PrintDocument:
        return self.add(KVBlock(key, value, bold))

    def columns(
        self,
        cells: list[str],
        *,
        widths: list[float] | list[int] | None = None,
        aligns: list[Align] | None = None,
        bold: bool = False,
    ) -> PrintDocument:
        return self.add(ColumnsBlock(list(cells), widths, aligns, bold))

    def rule(self, char: str = "-") -> PrintDocument:
        return self.add(RuleBlock(char))

    def blank(self, lines: int = 1) -> PrintDocument:
        return self.add(BlankBlock(lines))

    def qr(self, data: str, *, size: int = 6, align: Align = "center") -> PrintDocument:
        return self.add(QRBlock(data, size, align))

    def cut(self, *, partial: bool = False) -> PrintDocument:
        return self.add(CutBlock(partial))

    def part_break(self, label: str) -> PrintDocument:
        return self.add(PartBreakBlock(label))

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict (``json.dumps`` works on it as is)."""
        blocks = []
        for block in self.blocks:
            item: dict[str, Any] = {"type": block.TYPE}
            for f in fields(block):
                value = getattr(block, f.name)
                item[f.name] = list(value) if isinstance(value, list) else value
            blocks.append(item)
        return {
            "version": FORMAT_VERSION,
            "title": self.title,
            "copies": self.copies,
            "blocks": blocks,
        }

    @classmethod
    def from_dict(cls, data: Any) -> PrintDocument:
        """Rebuild a document from :meth:`to_dict` output; ``ValueError`` on anything else."""
        if not isinstance(data, dict):
            fail("文档必须是 JSON 对象")
        if data.get("version") != FORMAT_VERSION:
            fail(f"不支持的版本号 {data.get('version')!r}（应为 {FORMAT_VERSION}）")
        unknown = set(data) - {"version", "title", "copies", "blocks"}
        if unknown:
            fail(f"未知字段：{'、'.join(sorted(unknown))}")
        title = data.get("title")
        if title is not None and not isinstance(title, str):
            fail("标题必须是文字")
        blocks = data.get("blocks")
        if not isinstance(blocks, list):
            fail("缺少块列表“blocks”")
        return cls(title, [_block_from_dict(i, b) for i, b in enumerate(blocks, 1)], _copies(data))


def _copies(data: dict[str, Any]) -> int:
    copies = data.get("copies", 1)
    if isinstance(copies, bool) or not isinstance(copies, int):
        fail("份数必须是整数")
    return int(copies)


def _block_from_dict(position: int, item: Any) -> Block:
    where = f"第 {position} 块"
    if not isinstance(item, dict):
        fail(f"{where}必须是 JSON 对象")
    kind = item.get("type")
    block_cls = BLOCK_TYPES.get(kind) if isinstance(kind, str) else None
    if block_cls is None:
        fail(f"{where}的类型“{kind}”未知，可选：{'、'.join(BLOCK_TYPES)}")
    names = {f.name for f in fields(block_cls)}
    unknown = set(item) - names - {"type"}
    if unknown:
        fail(f"{where}（{kind}）含未知字段：{'、'.join(sorted(unknown))}")
    kwargs: dict[str, Any] = {}
    for f in fields(block_cls):
        if f.name not in item:
            if f.default is MISSING and f.default_factory is MISSING:
                fail(f"{where}（{kind}）缺少字段“{f.name}”")
            continue
        value = item[f.name]
        accepted = _FIELD_TYPES[f.name]
        if isinstance(value, bool) and bool not in accepted or not isinstance(value, accepted):
            fail(f"{where}（{kind}）的字段“{f.name}”类型不对")
        kwargs[f.name] = value
    try:
        return block_cls(**kwargs)
    except ValueError as exc:
        raise ValueError(f"{exc}（{where}）") from None
    except TypeError:
        fail(f"{where}（{kind}）的字段取值不对")
