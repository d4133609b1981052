"""What a report says, as a table: columns, rows with money in integer fen, section rows, a
total row. Services build a ``Sheet``; ``xlsx_writer`` and ``exports`` lay it out, so the
screen, the xlsx and the PDF of a report never disagree."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from backend.services.money import format_yuan


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = "text"  # text | money (int fen) | int
    width: int = 12  # in characters; the PDF shares the page width in the same proportions


@dataclass(frozen=True)
class Section:
    """A row spanning the whole table (e.g. a branch's name in a ledger print)."""

    text: str


@dataclass
class Sheet:
    title: str
    columns: list[Column]
    # A list, or for xlsx alone any iterable (a generator streams a big export row by row).
    rows: list[Sequence[Any] | Section] = field(default_factory=list)
    header_lines: list[str] = field(default_factory=list)
    total: Sequence[Any] | None = None
    footer_lines: list[str] = field(default_factory=list)
    landscape: bool = False


def cell_text(value: Any, kind: str) -> str:
    """A cell as shown on screen and in the PDF."""
    if value is None:
        return ""
    if kind == "money" and isinstance(value, int):
        return format_yuan(value)
    return str(value)
