"""Check the maintenance PIN against the scrypt hash the console pushed (docs/kiosk.md).

The backend makes the hash with Werkzeug's ``generate_password_hash(pin, method="scrypt")``:
``scrypt:N:r:p$salt$hex``. The kiosk checks it with the standard library alone, so the kiosk
needs no web framework installed; ``tests/kiosk/test_kiosk_lockdown.py`` keeps the two in step.
"""

from __future__ import annotations

import hashlib
import hmac


def pin_matches(stored: str | None, pin: str) -> bool:
    """Whether ``pin`` is the PIN behind ``stored``; False for a missing or unreadable hash."""
    try:
        method, salt, expected = (stored or "").split("$", 2)
        name, n, r, p = method.split(":")
        if name != "scrypt":
            return False
        cost, block, lanes = int(n), int(r), int(p)
        digest = hashlib.scrypt(
            pin.encode(),
            salt=salt.encode(),
            n=cost,
            r=block,
            p=lanes,
            maxmem=132 * cost * block * lanes,
        )
    except (ValueError, MemoryError):
        return False
    return hmac.compare_digest(digest.hex(), expected)
