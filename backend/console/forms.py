"""Form helpers: read posted text into typed values, collect Chinese messages per field.

Pages use plain HTML forms (the macros in ``console/_macros.html``) and let the services judge
the record as a whole; a ``Form`` only turns text into dates, amounts and flags and remembers
what was typed, so a rejected form comes back filled in, with the reason next to the field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from backend.errors import DomainError
from backend.services.input_rules import INT64_MAX
from backend.services.money import format_yuan, parse_yuan

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")


class Form:
    """Values as typed, plus ``errors`` by field name and an optional overall ``message``.

    A submitted form holds only what was posted (an unticked box is absent); ``defaults`` fill
    the form shown before anything was posted.
    """

    def __init__(
        self, data: Mapping[str, Any] | None = None, defaults: Mapping[str, Any] | None = None
    ) -> None:
        self.submitted = data is not None
        source = data if data is not None else (defaults or {})
        self.values: dict[str, str] = {k: _as_text(source.get(k)).strip() for k in source}
        self.errors: dict[str, str] = {}
        self.message: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.message is None

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def error(self, name: str, message: str) -> None:
        self.errors.setdefault(name, message)

    def text(
        self, name: str, label: str, *, required: bool = False, max_len: int | None = None
    ) -> str | None:
        value = self.get(name)
        if not value:
            if required:
                self.error(name, f"请填写{label}")
            return None
        if max_len is not None and len(value) > max_len:
            self.error(name, f"{label}不能超过{max_len}个字")
        return value

    def date(self, name: str, label: str, *, required: bool = False) -> date | None:
        """Accepts 2024-07-01, 2024/7/1, 2024.7.1, 20240701 and 2024年7月1日."""
        value = self.get(name)
        if not value:
            if required:
                self.error(name, f"请填写{label}")
            return None
        match = re.fullmatch(r"(\d{4})(\d{2})(\d{2})", value) or _DATE.fullmatch(value)
        if match:
            try:
                return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
            except ValueError:
                pass
        self.error(name, f"{label}不是有效日期，请按“2024-07-01”的格式填写")
        return None

    def yuan(self, name: str, label: str) -> int | None:
        """An amount in yuan as typed ("76.5", "76.50") → fen; empty → None."""
        value = self.get(name)
        if not value:
            return None
        try:
            return parse_yuan(value)
        except DomainError:
            self.error(name, f"{label}应为金额，如“76.50”")
            return None

    def flag(self, name: str) -> bool:
        return self.get(name) not in ("", "0", "false", "off")

    def choice(
        self, name: str, label: str, choices: Iterable[str], *, required: bool = False
    ) -> str | None:
        value = self.get(name)
        if not value:
            if required:
                self.error(name, f"请选择{label}")
            return None
        if value not in set(choices):
            self.error(name, f"请从列表中选择{label}")
            return None
        return value

    def integer(self, name: str, label: str, *, required: bool = False) -> int | None:
        value = self.get(name)
        if not value:
            if required:
                self.error(name, f"请选择{label}")
            return None
        if not (value.isascii() and value.isdigit()) or int(value) > INT64_MAX:
            self.error(name, f"{label}不正确")
            return None
        return int(value)

    def fail(self, exc: DomainError, fields_by_code: Mapping[str, str] | None = None) -> None:
        """Show a service's refusal next to its field when the code names one, else on top.

        Keys are error codes; a key ending in ``*`` matches every code with that prefix.
        """
        name = _field_for(exc.code, fields_by_code or {})
        if name is None:
            self.message = exc.message
        else:
            self.error(name, exc.message)


def _field_for(code: str, fields_by_code: Mapping[str, str]) -> str | None:
    if code in fields_by_code:
        return fields_by_code[code]
    for prefix, name in fields_by_code.items():
        if prefix.endswith("*") and code.startswith(prefix[:-1]):
            return name
    return None


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def yuan_text(fen: int | None) -> str:
    return "" if fen is None else format_yuan(fen)
