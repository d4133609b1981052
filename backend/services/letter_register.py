"""The letter register: gap-free numbers, issue, return slips, revocation, expiry warnings.

Covers the three kinds of paper a member carries away: the 组织关系介绍信, the 党员证明信 and
the 流动党员活动证. "Expired" is never stored: a letter is expired when it is still issued and
its last valid day has passed, so no nightly job has to run for the register to be right.

See docs/transfers-and-letters.md.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import (
    Letter,
    LetterKind,
    LetterSequence,
    LetterState,
    Member,
    Organization,
)
from backend.models.base import utcnow
from backend.services import audit
from backend.services.actor import Actor
from backend.services.scope import org_in_scope


class LetterStatus(enum.StrEnum):
    """What a reader of the register or of the public verification page is told."""

    VALID = "valid"
    RECEIVED = "received"
    EXPIRED = "expired"
    REVOKED = "revoked"

    @property
    def label(self) -> str:
        return {"valid": "有效", "received": "已接收", "expired": "已过期", "revoked": "已作废"}[
            self.value
        ]


def status_of(letter: Letter, today: date) -> LetterStatus:
    if letter.state is LetterState.REVOKED:
        return LetterStatus.REVOKED
    if letter.state is LetterState.RETURNED:
        return LetterStatus.RECEIVED
    if letter.valid_until < today:
        return LetterStatus.EXPIRED
    return LetterStatus.VALID


def _sequence(session: Session, org_id: int, year: int, kind: LetterKind) -> LetterSequence:
    """The counter row, locked. Created on first use inside a savepoint, so two transactions
    racing to create it on PostgreSQL end with one row, not with a failed transfer."""
    stmt = (
        select(LetterSequence)
        .where(
            LetterSequence.org_id == org_id,
            LetterSequence.year == year,
            LetterSequence.kind == kind.value,
        )
        .with_for_update()
    )
    seq = session.scalar(stmt)
    if seq is not None:
        return seq
    try:
        with session.begin_nested():
            session.add(LetterSequence(org_id=org_id, year=year, kind=kind.value, last_seq=0))
    except IntegrityError:
        pass
    seq = session.scalar(stmt.execution_options(populate_existing=True))
    assert seq is not None
    return seq


def next_number(
    session: Session, issuer: Organization, year: int, kind: LetterKind
) -> tuple[int, str]:
    """(seq, number) such as (7, "01010000-2026-J0007"): per issuer, year and series."""
    seq = _sequence(session, issuer.id, year, kind)
    seq.last_seq += 1
    session.flush()
    return seq.last_seq, f"{issuer.code}-{year}-{kind.letter}{seq.last_seq:04d}"


def issue(
    session: Session,
    actor: Actor,
    *,
    kind: LetterKind,
    issuer: Organization,
    member: Member,
    from_name: str,
    to_name: str,
    issued_on: date,
    valid_until: date,
    payload: dict[str, Any],
) -> Letter:
    seq, number = next_number(session, issuer, issued_on.year, kind)
    letter = Letter(
        kind=kind,
        number=number,
        issuer_org_id=issuer.id,
        year=issued_on.year,
        seq=seq,
        member_id=member.id,
        state=LetterState.ISSUED,
        from_name=from_name,
        to_name=to_name,
        issued_on=issued_on,
        valid_until=valid_until,
        payload={**payload, "number": number},
        created_by=actor.name,
        prints=1,  # handed out at issue: the register counts the first print
    )
    session.add(letter)
    session.flush()
    audit.record(session, actor, "letter.issue", "letter", letter.id, after=audit.snapshot(letter))
    return letter


def letters_in_scope(actor: Actor) -> Select:
    """Letters of members whose (last) branch is inside the actor's subtree."""
    return (
        select(Letter)
        .join(Member, Letter.member_id == Member.id)
        .join(Organization, Member.org_id == Organization.id)
        .where(org_in_scope(actor))
    )


def get_letter(session: Session, actor: Actor, letter_id: int) -> Letter:
    letter = session.scalar(letters_in_scope(actor).where(Letter.id == letter_id))
    if letter is None:
        raise NotFound("未找到该信函，或不在您的管理范围内", code="letter_not_found")
    return letter


def find_by_number(session: Session, number: str) -> Letter | None:
    return session.scalar(select(Letter).where(Letter.number == number))


@dataclass(frozen=True)
class RegisterFilter:
    kind: LetterKind | None = None
    status: LetterStatus | None = None
    year: int | None = None


def register(
    session: Session, actor: Actor, today: date, flt: RegisterFilter | None = None
) -> list[Letter]:
    """The register, newest first, filtered by kind, year and (derived) status."""
    flt = flt or RegisterFilter()
    stmt = letters_in_scope(actor)
    if flt.kind is not None:
        stmt = stmt.where(Letter.kind == flt.kind)
    if flt.year is not None:
        stmt = stmt.where(Letter.year == flt.year)
    if flt.status is LetterStatus.REVOKED:
        stmt = stmt.where(Letter.state == LetterState.REVOKED)
    elif flt.status is LetterStatus.RECEIVED:
        stmt = stmt.where(Letter.state == LetterState.RETURNED)
    elif flt.status is LetterStatus.EXPIRED:
        stmt = stmt.where(Letter.state == LetterState.ISSUED, Letter.valid_until < today)
    elif flt.status is LetterStatus.VALID:
        stmt = stmt.where(Letter.state == LetterState.ISSUED, Letter.valid_until >= today)
    return list(session.scalars(stmt.order_by(Letter.issued_on.desc(), Letter.id.desc())))


def expired_unreturned(session: Session, actor: Actor, today: date) -> list[Letter]:
    """The staff warning list: introduction letters past validity whose slip never came back
    (the sending 党委 stays responsible for the member until it does)."""
    return register(
        session,
        actor,
        today,
        RegisterFilter(kind=LetterKind.INTRODUCTION, status=LetterStatus.EXPIRED),
    )


def record_return(
    session: Session,
    actor: Actor,
    letter: Letter,
    *,
    returned_on: date,
    handler: str | None = None,
    phone: str | None = None,
    note: str | None = None,
    today: date,
) -> Letter:
    """Record the 回执联 coming back: the receiving organization has taken the member."""
    if letter.kind is not LetterKind.INTRODUCTION:
        raise Invalid(f"{letter.kind.label}没有回执联", code="letter_no_return_slip")
    if letter.state is LetterState.REVOKED:
        raise Conflict("该介绍信已作废，不能登记回执", code="letter_revoked")
    if letter.state is LetterState.RETURNED:
        raise Conflict("该介绍信的回执已经登记过", code="letter_already_returned")
    if returned_on < letter.issued_on or returned_on > today:
        raise Invalid("回执日期应在开信日期与今天之间", code="return_date")
    before = audit.snapshot(letter)
    letter.state = LetterState.RETURNED
    letter.returned_on = returned_on
    letter.return_handler = (handler or "").strip() or None
    letter.return_phone = (phone or "").strip() or None
    letter.return_note = (note or "").strip() or None
    session.flush()
    audit.record(
        session,
        actor,
        "letter.return",
        "letter",
        letter.id,
        before=before,
        after=audit.snapshot(letter),
    )
    return letter


def revoke(session: Session, actor: Actor, letter: Letter, *, reason: str) -> Letter:
    """作废: a lost or mistaken letter. Its number stays used; verification shows 已作废."""
    if not (reason or "").strip():
        raise Invalid("作废信函须填写原因", code="reason_missing")
    if letter.state is not LetterState.ISSUED:
        label = "已作废" if letter.state is LetterState.REVOKED else "已收回回执"
        raise Conflict(f"该信函{label}，不能再作废", code="letter_not_issued")
    before = audit.snapshot(letter)
    letter.state = LetterState.REVOKED
    letter.revoked_at = utcnow()
    letter.revoke_reason = reason.strip()
    session.flush()
    audit.record(
        session,
        actor,
        "letter.revoke",
        "letter",
        letter.id,
        before=before,
        after=audit.snapshot(letter),
    )
    return letter


def check_reprintable(letter: Letter) -> None:
    """A revoked letter, or one whose return slip came back, is never reprinted: a second copy
    of a letter that no longer stands would look valid (docs/day-close.md, papers)."""
    if letter.state is LetterState.REVOKED:
        raise Conflict(f"{letter.kind.label}{letter.number}已作废，不能补打", code="letter_revoked")
    if letter.state is LetterState.RETURNED:
        raise Conflict(
            f"{letter.kind.label}{letter.number}的回执已收回，组织关系已接转，不能补打",
            code="letter_returned",
        )


def count_print(session: Session, actor: Actor, letter: Letter) -> int:
    """Count a reprint in the register (the first print was counted at issue); returns how
    many times it has been handed out."""
    check_reprintable(letter)
    letter.prints += 1
    session.flush()
    audit.record(
        session,
        actor,
        "letter.print",
        "letter",
        letter.id,
        after={"number": letter.number, "prints": letter.prints},
    )
    return letter.prints
