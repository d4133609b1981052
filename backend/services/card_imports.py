"""Binding card UIDs to members from a spreadsheet (批量发卡): 卡号 or 身份证号, and 卡片UID.

When a branch hands out a box of new cards, the clerk reads each card on a desk reader into a
sheet next to the member's card number. Every row is checked first (the member is in the
actor's scope and in the roll, the UID is well formed, new to the system and not repeated in
the file, the member has no card in use); one bad row stops the whole file. A good file goes
through ``cards.issue_card`` row by row, so each card gets the same checks and audit row as a
card issued at the desk.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Invalid
from backend.models import Card, CardState, Member
from backend.services import audit, cards, hall_clock
from backend.services.actor import Actor
from backend.services.idnumber import parse_id_number
from backend.services.import_report import (
    ImportRejected,
    ImportReport,
    Progress,
    RowCells,
    RowError,
    missing_columns,
    row_number,
)
from backend.services.import_rows import Column, parse_code, parse_text
from backend.services.masking import mask_name
from backend.services.scope import members_in_scope

CARD_COLUMNS = (
    Column("卡号", False, "党员卡号，如 00012；卡号与身份证号至少填一项"),
    Column("身份证号", False, "18位，末位可为X；请以文本格式填写"),
    Column("姓名", False, "可空；填写时须与该党员的姓名一致，用于核对"),
    Column("卡片UID", True, "卡片识别码：十六进制（如 04A1B2C3），或读卡器输出的10位数字"),
)
_CHUNK = 500
_PROGRESS_EVERY = 200


@dataclass(frozen=True)
class CardRow:
    row_number: int
    member_id: int
    card_no: str
    uid: str  # canonical hex


@dataclass(frozen=True)
class CardImportResult:
    issued: int
    first_card_no: str | None
    last_card_no: str | None


@dataclass(frozen=True)
class _Holder:
    id: int
    name: str
    card_no: str | None
    id_number: str


def card_uid(value: object) -> str | None:
    """A UID cell → canonical hex. A 10-digit decimal is what keyboard-wedge readers type for a
    4-byte UID (big-endian), the same rule as the desk's card box."""
    text = parse_code(value)
    if text is None:
        return None
    text = re.sub(r"\s", "", text)
    if re.fullmatch(r"\d{10}", text) and int(text) < 2**32:
        return f"{int(text):08X}"
    return cards.normalize_uid(text)


def _card_no(value: object) -> int | None:
    text = parse_code(value)
    if text is None:
        return None
    if not text.isdigit():
        raise Invalid(f"卡号应为数字：{text}", code="card_no_format")
    return int(text)


def _id_number(value: object, today: date) -> str | None:
    text = parse_code(value)
    return None if text is None else parse_id_number(text, today=today).number


def _holders(
    session: Session, actor: Actor, card_nos: set[int], id_numbers: set[str]
) -> tuple[dict[int, _Holder], dict[str, _Holder]]:
    """Members of the roll in the actor's scope named by the file, by card number and ID."""
    by_card: dict[int, _Holder] = {}
    by_id: dict[str, _Holder] = {}
    base = members_in_scope(
        actor, select(Member.id, Member.name, Member.card_no, Member.id_number)
    ).where(Member.archived.is_(False))
    # Card numbers are zero-padded text; Excel may have turned "00012" into 12.
    texts = sorted({f"{n:0{w}d}" for n in card_nos for w in range(len(str(n)), 11)})
    for column, values in ((Member.card_no, texts), (Member.id_number, sorted(id_numbers))):
        for start in range(0, len(values), _CHUNK):
            for row in session.execute(base.where(column.in_(values[start : start + _CHUNK]))):
                holder = _Holder(row.id, row.name, row.card_no, row.id_number)
                if holder.card_no and holder.card_no.isdigit():
                    by_card[int(holder.card_no)] = holder
                by_id[holder.id_number] = holder
    return by_card, by_id


def _taken(session: Session, uids: list[str], key: str) -> dict[str, tuple[str, CardState]]:
    """UIDs of the file already bound to a card (any state): uid → (owner's name, state)."""
    hashes = {cards.uid_hash(uid, key): uid for uid in uids}
    found: dict[str, tuple[str, CardState]] = {}
    digests = sorted(hashes)
    for start in range(0, len(digests), _CHUNK):
        for digest, name, state in session.execute(
            select(Card.uid_hash, Member.name, Card.state)
            .join(Member, Card.member_id == Member.id)
            .where(Card.uid_hash.in_(digests[start : start + _CHUNK]))
        ):
            found[hashes[digest]] = (name, state)
    return found


def _with_active_card(session: Session, member_ids: list[int]) -> set[int]:
    found: set[int] = set()
    for start in range(0, len(member_ids), _CHUNK):
        found.update(
            session.scalars(
                select(Card.member_id).where(
                    Card.member_id.in_(member_ids[start : start + _CHUNK]),
                    Card.state == CardState.ACTIVE,
                )
            )
        )
    return found


def _parse(
    row: Mapping[str, Any], index: int, today: date
) -> tuple[int, int | None, str | None, str | None, str | None, RowCells]:
    """(row number, card number, ID number, name, UID, the row's cells with their errors)."""
    number = row_number(row, index)
    cells = RowCells(row, number)
    card_no = cells.get("卡号", _card_no)
    id_number = cells.get("身份证号", _id_number, today)
    name = cells.get("姓名", parse_text)
    uid = cells.get("卡片UID", card_uid, required=True)
    if card_no is None and id_number is None and not cells.errors:
        cells.fail("卡号", "卡号和身份证号至少填一项")
    return number, card_no, id_number, name, uid, cells


def preview_cards(
    session: Session,
    actor: Actor,
    rows: Iterable[Mapping[str, Any]],
    *,
    key: str,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportReport[CardRow]:
    """Check every row of a card file against the roll (in the actor's scope) and the cards."""
    rows = list(rows)
    today = today or hall_clock.today()
    report: ImportReport[CardRow] = ImportReport(len(rows))
    report.errors.extend(missing_columns(rows, CARD_COLUMNS))
    if rows and not any(c in rows[0] for c in ("卡号", "身份证号")):
        report.errors.append(RowError(1, "卡号", "缺少“卡号”或“身份证号”列"))
    if report.errors:
        return report
    parsed = [_parse(row, index, today) for index, row in enumerate(rows)]
    by_card, by_id = _holders(
        session,
        actor,
        {p[1] for p in parsed if p[1] is not None},
        {p[2] for p in parsed if p[2] is not None},
    )
    seen_uid: dict[str, int] = {}
    seen_member: dict[int, int] = {}
    candidates: list[CardRow] = []
    for index, (number, card_no, id_number, name, uid, cells) in enumerate(parsed):
        holder = None
        if card_no is not None:
            holder = by_card.get(card_no)
            if holder is None:
                cells.fail("卡号", "您管理范围内的在册党员中没有该卡号")
        if id_number is not None:
            by_number = by_id.get(id_number)
            if by_number is None:
                cells.fail("身份证号", "您管理范围内的在册党员中没有该身份证号")
            elif holder is not None and by_number.id != holder.id:
                cells.fail("身份证号", "卡号与身份证号不是同一名党员")
            holder = holder or by_number
        if holder is not None and name is not None and name != holder.name:
            cells.fail("姓名", f"姓名与卡号{holder.card_no}的党员不一致")
        if holder is not None and not holder.card_no:
            cells.fail("卡号", "该党员尚未分配卡号")
        if not cells.errors and holder is not None and uid is not None:
            earlier_uid = seen_uid.setdefault(uid, number)
            earlier_member = seen_member.setdefault(holder.id, number)
            if earlier_uid != number:
                cells.fail("卡片UID", f"与第{earlier_uid}行的卡片UID重复")
            elif earlier_member != number:
                cells.fail("卡号", f"与第{earlier_member}行是同一名党员")
            else:
                candidates.append(CardRow(number, holder.id, holder.card_no or "", uid))
        report.errors.extend(cells.errors)
        if progress and (index + 1) % _PROGRESS_EVERY == 0:
            progress("校验", index + 1, len(rows))
    taken = _taken(session, [c.uid for c in candidates], key)
    active = _with_active_card(session, [c.member_id for c in candidates])
    for candidate in candidates:
        if candidate.uid in taken:
            owner, state = taken[candidate.uid]
            report.errors.append(
                RowError(
                    candidate.row_number,
                    "卡片UID",
                    f"这张卡已登记给{mask_name(owner)}（{state.label}），不能再发给他人",
                )
            )
        elif candidate.member_id in active:
            report.errors.append(
                RowError(candidate.row_number, "卡号", "该党员已有在用的卡，请先挂失或注销旧卡")
            )
        else:
            report.ok_rows.append(candidate)
    order = {c.name: i for i, c in enumerate(CARD_COLUMNS)}
    report.errors.sort(key=lambda e: (e.row_number, order.get(e.column or "", -1)))
    if progress:
        progress("校验", len(rows), len(rows))
    return report


def import_cards(
    session: Session,
    actor: Actor,
    rows: Iterable[Mapping[str, Any]],
    *,
    key: str,
    today: date | None = None,
    progress: Progress | None = None,
) -> CardImportResult:
    """All-or-nothing: issue a card to every member of the file (one audit row per card)."""
    report = preview_cards(session, actor, rows, key=key, today=today, progress=progress)
    if not report.ok:
        raise ImportRejected(report)
    issued: list[Card] = []
    for index, card_row in enumerate(report.ok_rows):
        member = session.get(Member, card_row.member_id)
        assert member is not None
        issued.append(cards.issue_card(session, actor, member, card_row.uid, key))
        if progress and (index + 1) % _PROGRESS_EVERY == 0:
            progress("写入", index + 1, len(report.ok_rows))
    if progress:
        progress("写入", len(issued), len(issued))
    audit.record(
        session,
        actor,
        "import.cards",
        "import",
        None,
        after={"rows": report.total_rows, "issued": len(issued)},
    )
    session.flush()
    numbers = sorted(c.card_no for c in issued)
    return CardImportResult(
        len(issued), numbers[0] if numbers else None, numbers[-1] if numbers else None
    )
