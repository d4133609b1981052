"""Members away from home without moving their relationship (docs/transfers-and-letters.md).

- Away six months or less at a known place: a 党员证明信 (the member still votes and pays at
  home); valid until the end of the absence.
- Place or time uncertain: a 流动党员活动证, numbered in the district's series, valid for twelve
  months from the day of issue or of the latest yearly review (年度审验); the member is flagged
  as floating while it is valid. Dues owed at home are checked first: six months or more
  refuse the card, fewer are named in a warning and printed on it. A card that runs out without
  review ends the flag: ``clear_expired`` (run daily by
  ``flask --app backend letters expire-check``) clears it for every member whose cards have all
  expired.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid
from backend.models import Letter, LetterKind, LetterState, Member, OrgType
from backend.services import audit, ledger, letter_register, orgs, scope, transfers
from backend.services.actor import Actor
from backend.services.money import format_yuan
from backend.settings import Settings

CERTIFICATE_MAX_MONTHS = 6
CARD_VALID_MONTHS = 12
# 党章第九条: six months without paying dues is handled as leaving the Party; such a member is
# for the branch to deal with first, not to be sent away with a card
# (docs/transfers-and-letters.md).
ARREARS_REFUSE_MONTHS = 6
MAX_TEXT = 100


def card_valid_until(start: date) -> date:
    """The last valid day of a card issued or reviewed on ``start``: twelve months later, less a
    day (issued 3 December 2026 → valid through 2 December 2027)."""
    return transfers.add_months(start, CARD_VALID_MONTHS) - timedelta(days=1)


def check_arrears(session: Session, member: Member, today: date) -> dict[str, Any] | None:
    """Dues owed at home for past months before a 活动证 is issued.

    Six months or more: refused (``dues_arrears``). Fewer: returned (fen, months, a Chinese
    warning) so the card prints them and staff can tell the member. ``None`` when paid up.
    """
    months = ledger.unpaid_past_months(session, member.id, today)
    if not months:
        return None
    keys = [f"{y}-{m:02d}" for y, m in months]
    fen = ledger.arrears_fen(session, member.id, today)
    text = f"欠交党费{format_yuan(fen)}元（{transfers.months_span(keys)}）"
    if len(months) >= ARREARS_REFUSE_MONTHS:
        raise Conflict(
            f"该党员{text}，已达六个月，不能发放流动党员活动证；请先由所在支部督促补交党费"
            "或按党章规定处理",
            code="dues_arrears",
        )
    return {
        "arrears_fen": fen,
        "arrears_months": keys,
        "warning": f"该党员{text}，已在活动证上注明，请提醒其尽快补交",
    }


def _text(raw: str | None, what: str, *, required: bool = True, limit: int = MAX_TEXT) -> str:
    value = (raw or "").strip()
    if required and not value:
        raise Invalid(f"请填写{what}", code="field_missing")
    if len(value) > limit:
        raise Invalid(f"{what}不能超过{limit}个字", code="field_too_long")
    return value


def _member_payload(session: Session, settings: Settings, member: Member) -> dict[str, Any]:
    return {
        "name": member.name,
        "sex": "男" if member.sex == "M" else "女",
        "birth_date": member.birth_date.isoformat(),
        "status_label": member.status.label,
        "id_number": member.id_number,
        "phone": member.phone or "",
        "home_org": transfers.full_name(session, member.org),
        "center_name": settings.center_name,
    }


def _active_member(session: Session, actor: Actor, member_id: int) -> Member:
    member = scope.get_member(session, actor, member_id)
    if member.archived:
        raise Conflict("该党员已不在册", code="member_archived")
    return member


def issue_certificate(
    session: Session,
    actor: Actor,
    settings: Settings,
    member_id: int,
    *,
    host_name: str,
    start: date,
    end: date,
    purpose: str,
    today: date,
) -> Letter:
    """党员证明信 for an absence of at most six months."""
    member = _active_member(session, actor, member_id)
    host = _text(host_name, "前往地党组织")
    purpose = _text(purpose, "外出事由", limit=50)
    if end < start:
        raise Invalid("外出结束日期不能早于开始日期", code="absence_dates")
    if end < today:
        raise Invalid("外出已经结束，无需开具证明信", code="absence_dates")
    if end > transfers.add_months(start, CERTIFICATE_MAX_MONTHS):
        raise Invalid(
            "外出超过六个月，应转接组织关系（开具组织关系介绍信）或办理流动党员活动证",
            code="absence_too_long",
        )
    committee = transfers.committee_of(session, member.org)
    payload = {
        **_member_payload(session, settings, member),
        "host_name": host,
        "purpose": purpose,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "issuer": committee.name,
    }
    return letter_register.issue(
        session,
        actor,
        kind=LetterKind.CERTIFICATE,
        issuer=committee,
        member=member,
        from_name=payload["home_org"],
        to_name=host,
        issued_on=today,
        valid_until=end,
        payload=payload,
    )


def _valid_floating_card(session: Session, member: Member, today: date) -> Letter | None:
    return session.scalar(
        select(Letter).where(
            Letter.member_id == member.id,
            Letter.kind == LetterKind.FLOATING,
            Letter.state == LetterState.ISSUED,
            Letter.valid_until >= today,
        )
    )


def _set_floating(session: Session, actor: Actor, member: Member, value: bool) -> None:
    if member.floating is value:
        return
    member.floating = value
    session.flush()
    audit.record(
        session,
        actor,
        "member.floating",
        "member",
        member.id,
        before={"floating": not value},
        after={"floating": value},
    )


def issue_floating_card(
    session: Session,
    actor: Actor,
    settings: Settings,
    member_id: int,
    *,
    host_name: str,
    destination: str,
    today: date,
) -> Letter:
    """流动党员活动证: numbered in the district's series, valid for twelve months. A member
    owing dues is refused or warned (``check_arrears``); the warning is in
    ``letter.payload["arrears"]``."""
    member = _active_member(session, actor, member_id)
    if _valid_floating_card(session, member, today) is not None:
        raise Conflict("该党员已有有效的流动党员活动证", code="floating_card_exists")
    host = _text(host_name, "流入地党组织")
    place = _text(destination, "外出地点", limit=50)
    arrears = check_arrears(session, member, today)
    district = orgs.ancestor_of_type(session, member.org, OrgType.DISTRICT)
    issuer = district or transfers.committee_of(session, member.org)
    payload = {
        **_member_payload(session, settings, member),
        "host_name": host,
        "destination": place,
        "issuer": issuer.name,
        "arrears": arrears,
    }
    letter = letter_register.issue(
        session,
        actor,
        kind=LetterKind.FLOATING,
        issuer=issuer,
        member=member,
        from_name=payload["home_org"],
        to_name=host,
        issued_on=today,
        valid_until=card_valid_until(today),
        payload=payload,
    )
    letter.reviewed_year = today.year
    _set_floating(session, actor, member, True)
    return letter


def review_floating_card(
    session: Session, actor: Actor, letter: Letter, *, year: int, today: date
) -> Letter:
    """年度审验 for this year or the next, once per year: the card is then valid for twelve
    months from the review day (never shorter than it already was)."""
    if letter.kind is not LetterKind.FLOATING:
        raise Invalid("只有流动党员活动证需要年度审验", code="letter_kind")
    if letter.state is not LetterState.ISSUED:
        raise Conflict("该活动证已作废，不能审验", code="letter_not_issued")
    if year not in (today.year, today.year + 1):
        raise Invalid("只能审验本年度或下一年度", code="review_year")
    if letter.reviewed_year is not None and year <= letter.reviewed_year:
        raise Conflict(f"该活动证{year}年度已审验", code="already_reviewed")
    before = {"reviewed_year": letter.reviewed_year, "valid_until": letter.valid_until}
    letter.reviewed_year = year
    letter.valid_until = max(letter.valid_until, card_valid_until(today))
    session.flush()
    audit.record(
        session,
        actor,
        "letter.review",
        "letter",
        letter.id,
        before=before,
        after={"reviewed_year": year, "valid_until": letter.valid_until},
    )
    member = session.get(Member, letter.member_id)
    if member is not None and not member.archived:
        _set_floating(session, actor, member, True)
    return letter


def clear_expired(session: Session, actor: Actor, today: date) -> list[Member]:
    """Clear the floating flag of members whose 活动证 has expired without review and who hold
    no valid one; returns them. A member marked floating by hand, without any card, is left
    alone: only an expired card ends the flag."""

    def card(*conditions: Any) -> Any:
        return (
            select(Letter.id)
            .where(
                Letter.member_id == Member.id,
                Letter.kind == LetterKind.FLOATING,
                Letter.state == LetterState.ISSUED,
                *conditions,
            )
            .exists()
        )

    expired = session.scalars(
        select(Member)
        .where(
            Member.floating.is_(True),
            card(Letter.valid_until < today),
            ~card(Letter.valid_until >= today),
        )
        .order_by(Member.id)
    ).all()
    for member in expired:
        _set_floating(session, actor, member, False)
    return list(expired)


def end_floating(session: Session, actor: Actor, letter: Letter, *, reason: str) -> Letter:
    """The member is back (or the card is lost): revoke the card and clear the flag."""
    if letter.kind is not LetterKind.FLOATING:
        raise Invalid("这不是流动党员活动证", code="letter_kind")
    letter_register.revoke(session, actor, letter, reason=reason)
    member = session.get(Member, letter.member_id)
    if member is not None:
        _set_floating(session, actor, member, False)
    return letter
