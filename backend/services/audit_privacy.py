"""What the audit log keeps of personal data (docs/audit.md).

An auditor needs to see who changed which record and what kind of change it was, not a second
copy of the roll: ID numbers and phone numbers are kept masked the way the kiosk shows them
(enough to tell one value from another), postal addresses not at all. The rule goes by key
name, at any depth of a before/after image, so every writer of audit rows gets it.
"""

from __future__ import annotations

from typing import Any

from backend.services.masking import mask_id_number, mask_phone

OMITTED = "（已省略）"


def redact(data: Any) -> Any:
    if isinstance(data, dict):
        return {k: _redact_value(str(k), v) for k, v in data.items()}
    if isinstance(data, list):
        return [redact(v) for v in data]
    return data


def _redact_value(key: str, value: Any) -> Any:
    if isinstance(value, dict | list):
        return redact(value)
    if not isinstance(value, str) or not value:
        return value
    name = key.lower()
    if name == "id_number" or name.endswith("_id_number"):
        return mask_id_number(value)
    if name in ("phone", "mobile") or name.endswith(("_phone", "_mobile")):
        return mask_phone(value)
    if name == "address" or name.endswith("_address"):
        return OMITTED
    return value
