"""Resident ID numbers (GB 11643-1999) and mobile numbers (docs/members-and-privacy.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from backend.errors import Invalid
from backend.services import hall_clock

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
_PROVINCES = {*range(11, 66), 71, 81, 82}
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: date
    sex: str  # "M" | "F"


def check_char(first17: str) -> str:
    return _CHECK_CHARS[sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, *, today: date | None = None) -> IdInfo:
    """Validate an ID number and return its normalized form, birth date and sex.

    A legacy 15-digit number is upgraded (``19`` inserted before the birth date, check char
    appended). Raises ``Invalid`` with a Chinese reason.
    """
    number = (raw or "").strip().upper()
    if re.fullmatch(r"\d{15}", number):
        number = number[:6] + "19" + number[6:]
        number += check_char(number)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise Invalid("身份证号应为18位（最后一位可为X）", code="id_format")
    if int(number[:2]) not in _PROVINCES:
        raise Invalid("身份证号的地区码不正确", code="id_region")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise Invalid("身份证号中的出生日期不存在", code="id_birth_date") from None
    if birth > (today or hall_clock.today()) or birth.year < 1880:
        raise Invalid("身份证号中的出生日期不合理", code="id_birth_date")
    if check_char(number[:17]) != number[17]:
        raise Invalid("身份证号校验位不正确，请核对", code="id_check_digit")
    return IdInfo(number, birth, "M" if int(number[16]) % 2 else "F")


def normalize_mobile(raw: str | None) -> str | None:
    """Strip spaces, hyphens and +86; ``None`` for empty; ``Invalid`` when not a mobile."""
    if raw is None or not str(raw).strip():
        return None
    digits = re.sub(r"[\s-]", "", str(raw))
    if digits.startswith("+86"):
        digits = digits[3:]
    elif digits.startswith("0086"):
        digits = digits[4:]
    if not _MOBILE.match(digits):
        raise Invalid("手机号码格式不正确（应为11位，以1开头）", code="phone_format")
    return digits


def compose_id_number(region: str, birth: date, sequence: int) -> str:
    """An ID number with a correct check char (demo data, tests). Odd sequence = male."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_char(first17)
