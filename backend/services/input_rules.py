"""What any input must be before it is stored, whichever way it came (docs/security.md):

- text holds no control characters (tab and line breaks excepted), no lone surrogates and no
  non-characters: they are invisible on screen, break xlsx exports and confuse printers;
- whole numbers fit in 64 bits (the database's largest integer);
- JSON is nested at most ``MAX_DEPTH`` levels.

Spreadsheet cells get ``spreadsheet_cell``: old data that already holds such characters is
cleaned on the way out, and a cell that a spreadsheet would run as a formula is defused.
"""

from __future__ import annotations

import re
from typing import Any

from backend.errors import Invalid

INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
MAX_DEPTH = 32

_BAD_CHARACTERS = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]"
)
# Characters that make Excel or LibreOffice read a cell as a formula (and tab/CR, which can
# start one in a CSV field). The usual defence: a leading apostrophe, so the cell stays text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def has_bad_characters(text: str) -> bool:
    return _BAD_CHARACTERS.search(text) is not None


def check_text(text: str, label: str) -> str:
    if has_bad_characters(text):
        raise Invalid(
            f"{label}含有不可见的控制字符或无效字符（常见于从其他软件复制的内容），请删除后重新输入",
            code="bad_characters",
        )
    return text


def check_int(value: int, label: str) -> int:
    if not INT64_MIN <= value <= INT64_MAX:
        raise Invalid(f"{label}数值超出允许范围", code="number_too_large")
    return value


def whole_number(text: str | None) -> int | None:
    """``text`` as an id or count: ASCII digits only ("²".isdigit() is true, yet int("²")
    fails) and within 64 bits; anything else is None."""
    if not text or not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if value <= INT64_MAX else None


def check_tree(data: Any, label: str = "请求", *, depth: int = 0) -> None:
    """Check every string, key and whole number in parsed JSON (or form data)."""
    if depth > MAX_DEPTH:
        raise Invalid(f"请求数据嵌套过深（最多{MAX_DEPTH}层）", code="too_deep")
    if isinstance(data, str):
        check_text(data, f"字段 {label} ")
    elif isinstance(data, bool):
        return
    elif isinstance(data, int):
        check_int(data, f"字段 {label} ")
    elif isinstance(data, dict):
        for key, value in data.items():
            name = str(key)
            check_text(name, "字段名")
            check_tree(value, name if label == "请求" else f"{label}.{name}", depth=depth + 1)
    elif isinstance(data, list | tuple):
        for index, value in enumerate(data):
            check_tree(value, f"{label}[{index}]", depth=depth + 1)


def strip_bad_characters(text: str) -> str:
    return _BAD_CHARACTERS.sub("", text)


def spreadsheet_cell(value: Any) -> Any:
    """A value safe to put in an xlsx or csv cell: text without characters the format cannot
    hold, and text that would start a formula prefixed with a quote so it stays text."""
    if not isinstance(value, str):
        return value
    text = strip_bad_characters(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text
