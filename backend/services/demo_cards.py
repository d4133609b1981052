"""The demo cards and demo accounts to try, listed again on every ``./hall run``.

Card UIDs are stored only as keyed hashes, so the list cannot be read back from the cards
themselves: ``demo-data`` writes the showcase UIDs with their notes into a small JSON file beside
the demo kiosk's key (``data/instance/demo-cards.json``). Each later run looks every UID up again
and reports the card as it is *today* (months behind, lost or not); a UID whose card no longer
exists — the database was emptied or rebuilt with another seed — is left out. See docs/demo.md.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash

from backend.models import Card, CardState, Member, User
from backend.services import ledger
from backend.services.cards import uid_hash
from backend.services.masking import mask_name

CARDS_FILE = "demo-cards.json"


@dataclass(frozen=True)
class DemoCard:
    uid: str
    card_no: str
    id_last6: str  # with the card number: the kiosk's manual look-up
    name_masked: str
    org_name: str
    months_behind: int
    note: str
    state_label: str


@dataclass(frozen=True)
class DemoUser:
    username: str
    role_label: str
    org_name: str


def cards_path(device_key_path: Path) -> Path:
    return device_key_path.parent / CARDS_FILE


def remember(path: Path, showcase: list[tuple[str, str]]) -> None:
    """Write the showcase as ``[{"uid": …, "note": …}, …]``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [{"uid": uid, "note": note} for uid, note in showcase]
    path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


def recall(path: Path) -> list[tuple[str, str]]:
    """The remembered showcase; nothing when the file is missing or unreadable."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [(str(r["uid"]), str(r["note"])) for r in rows]
    except (OSError, ValueError, TypeError, KeyError):
        return []


def describe(
    session: Session, uid_key: str, showcase: list[tuple[str, str]], today: date
) -> list[DemoCard]:
    """Each showcase card as the kiosk sees it today; cards not in this database are skipped."""
    out = []
    for uid, note in showcase:
        card = session.scalar(select(Card).where(Card.uid_hash == uid_hash(uid, uid_key)))
        if card is None:
            continue
        member = session.get_one(Member, card.member_id)
        out.append(
            DemoCard(
                uid=uid,
                card_no=card.card_no or "",
                id_last6=member.id_number[-6:],
                name_masked=mask_name(member.name),
                org_name=member.org.name,
                months_behind=ledger.consecutive_unpaid(session, member.id, today),
                note=note,
                state_label=CardState(card.state).label,
            )
        )
    return out


def accounts(session: Session, wanted: tuple[str, ...], password: str) -> list[DemoUser]:
    """The demo accounts that still exist, are active and still use the demo password."""
    out = []
    for username in wanted:
        user = session.scalar(select(User).where(User.username == username))
        if user is None or not user.active:
            continue
        if not check_password_hash(user.password_hash, password):
            continue
        out.append(DemoUser(user.username, user.role.label, user.org.name))
    return out
