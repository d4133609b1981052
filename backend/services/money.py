"""Money as integer fen, and Chinese capital numerals for amounts, dates and day counts."""

from __future__ import annotations

import re
from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal

from backend.errors import Invalid

_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_ROUNDING = {"half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN, "down": ROUND_DOWN}


def parse_yuan(raw: str | int | Decimal) -> int:
    """'5100.00' → 510000 fen. Refuses floats, negatives and more than two decimals."""
    if isinstance(raw, float):
        raise Invalid("金额必须以字符串或整数给出，不接受浮点数", code="amount_format")
    text = str(raw).strip().replace(",", "").replace("￥", "").replace("¥", "")
    if not re.fullmatch(r"\d{1,12}(\.\d{1,2})?", text):
        raise Invalid(f"金额格式不正确：{raw}", code="amount_format")
    return int(Decimal(text) * 100)


def format_yuan(fen: int | None) -> str:
    """510000 → '5100.00'."""
    if fen is None:
        return ""
    sign = "-" if fen < 0 else ""
    fen = abs(fen)
    return f"{sign}{fen // 100}.{fen % 100:02d}"


def round_fen(value: Decimal, rule: str = "half_up") -> int:
    try:
        return int(value.quantize(Decimal(1), rounding=_ROUNDING[rule]))
    except KeyError:
        raise Invalid(f"未知的舍入规则：{rule}", code="rounding") from None


def _four_digits(n: int) -> str:
    """0 < n < 10000 → capitals with 仟佰拾 and inner zeros collapsed."""
    units = ["仟", "佰", "拾", ""]
    out = ""
    digits = f"{n:04d}"
    zero = False
    for d, unit in zip(digits, units, strict=True):
        if d == "0":
            zero = bool(out)
            continue
        if zero:
            out += "零"
            zero = False
        out += _DIGITS[int(d)] + unit
    return out


def _integer_capitals(n: int) -> str:
    if n == 0:
        return "零"
    parts: list[tuple[int, str]] = []
    for unit in ("", "万", "亿"):
        parts.append((n % 10000, unit))
        n //= 10000
        if n == 0:
            break
    out = ""
    need_zero = False
    for group, unit in reversed(parts):
        if group == 0:
            need_zero = bool(out)
            continue
        if out and (need_zero or group < 1000):
            out += "零"
        out += _four_digits(group) + unit
        need_zero = False
    return out


def amount_in_capitals(fen: int) -> str:
    """7650 → '柒拾陆元伍角整'; 10005 → '壹佰元零伍分'; 0 → '零元整'."""
    if fen < 0:
        return "负" + amount_in_capitals(-fen)
    yuan, jiao, fen_ = fen // 100, (fen // 10) % 10, fen % 10
    out = ""
    if yuan:
        out = _integer_capitals(yuan) + "元"
    if jiao == 0 and fen_ == 0:
        return (out or "零元") + "整"
    if jiao:
        out += ("零" if yuan and yuan % 10 == 0 else "") + _DIGITS[jiao] + "角"
    elif yuan:
        out += "零"
    if fen_:
        out += _DIGITS[fen_] + "分"
    else:
        out += "整"
    return out


def number_in_capitals(n: int) -> str:
    """30 → '叁拾', 15 → '壹拾伍', 90 → '玖拾' (day counts on letters)."""
    return _integer_capitals(n)


def year_in_capitals(year: int) -> str:
    """2026 → '贰零贰陆' (years are read digit by digit)."""
    return "".join(_DIGITS[int(d)] for d in str(year))


def month_in_capitals(month: int) -> str:
    """11 → '拾壹', 10 → '拾', 3 → '叁'."""
    if month < 10:
        return _DIGITS[month]
    return "拾" + (_DIGITS[month - 10] if month > 10 else "")


def year_month_in_capitals(year: int, month: int) -> str:
    """(2026, 11) → '贰零贰陆年拾壹月'."""
    return f"{year_in_capitals(year)}年{month_in_capitals(month)}月"
