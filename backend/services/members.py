"""Members: validated creation, changes, card numbers and the deleted-member archive.

See docs/members-and-privacy.md.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Forbidden, Invalid
from backend.models import (
    Card,
    CardNumberSequence,
    CardState,
    DuesCategory,
    Member,
    MemberArchive,
    Membership,
    MemberStatus,
    Organization,
    OrgType,
)
from backend.models.base import utcnow
from backend.services import audit, dues_year, hall_clock, ledger_span, policy
from backend.services.actor import Actor
from backend.services.idnumber import normalize_mobile, parse_id_number
from backend.services.policy import Action
from backend.services.scope import path_in_scope

EDUCATION_LEVELS = (
    "研究生",
    "大学本科",
    "大学专科",
    "中专",
    "高中",
    "初中",
    "小学及以下",
)
COLLEGE_EDUCATION = frozenset({"研究生", "大学本科", "大学专科"})


@dataclass
class MemberData:
    """What a desk clerk fills in for a member; ``normalize`` checks it as a whole."""

    name: str
    id_number: str
    joined_date: date
    status: MemberStatus | str = MemberStatus.FULL
    sex: str | None = None  # derived from the ID number when omitted
    birth_date: date | None = None  # likewise
    ethnicity: str = "汉族"
    education: str | None = None
    work_start_date: date | None = None
    full_member_date: date | None = None
    address: str | None = None
    phone: str | None = None
    dues_category: DuesCategory | str = DuesCategory.EMPLOYED
    dues_base_fen: int | None = None
    monthly_dues_fen: int | None = None
    hardship: bool = False
    floating: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def normalize(self, today: date | None = None) -> MemberData:
        """The checked record; ``today`` (the hall's day by default) bounds the dates."""
        today = today or hall_clock.today()
        name = (self.name or "").strip()
        if not name or len(name) > 50:
            raise Invalid("姓名不能为空，且不超过50个字", code="name")
        info = parse_id_number(self.id_number, today=today)
        sex = {"男": "M", "女": "F"}.get(self.sex or "", self.sex) or info.sex
        if sex != info.sex:
            raise Invalid("性别与身份证号不一致", code="sex_mismatch")
        if self.birth_date is not None and self.birth_date != info.birth_date:
            raise Invalid("出生日期与身份证号不一致", code="birth_mismatch")
        try:
            status = MemberStatus(self.status)
        except ValueError:
            by_label = {"正式": MemberStatus.FULL, "预备": MemberStatus.PROBATIONARY}
            if str(self.status) not in by_label:
                raise Invalid("党员类别应为正式或预备", code="status") from None
            status = by_label[str(self.status)]
        if self.joined_date > today:
            raise Invalid("入党日期不能晚于今天", code="joined_date")
        if self.joined_date < info.birth_date:
            raise Invalid("入党日期不能早于出生日期", code="joined_date")
        if status is MemberStatus.FULL and self.full_member_date is not None:
            if self.full_member_date < self.joined_date:
                raise Invalid("转正日期不能早于入党日期", code="full_member_date")
        if status is MemberStatus.PROBATIONARY and self.full_member_date is not None:
            raise Invalid("预备党员不应有转正日期", code="full_member_date")
        if self.education is not None and self.education not in EDUCATION_LEVELS:
            raise Invalid(f"学历应为：{'、'.join(EDUCATION_LEVELS)}之一", code="education")
        try:
            category = DuesCategory(self.dues_category)
        except ValueError:
            raise Invalid("党费类别不正确", code="dues_category") from None
        return MemberData(
            **{
                **asdict(self),
                "name": name,
                "id_number": info.number,
                "sex": sex,
                "birth_date": info.birth_date,
                "status": status,
                "phone": normalize_mobile(self.phone),
                "dues_category": category,
            }
        )


MEMBER_FIELDS = tuple(f.name for f in fields(MemberData) if f.name != "extra")


def next_card_no(session: Session, digits: int) -> str:
    """The next 5-digit (by default) card number, taken under a row lock."""
    seq = session.scalar(select(CardNumberSequence).with_for_update())
    if seq is None:
        seq = CardNumberSequence(id=1, last_no=0)
        session.add(seq)
        session.flush()
    seq.last_no += 1
    if seq.last_no >= 10**digits:
        raise Conflict(f"{digits}位卡号已用完，请调整卡号位数设置", code="card_numbers_exhausted")
    session.flush()
    return f"{seq.last_no:0{digits}d}"


def member_number(org: Organization, card_no: str | None) -> str | None:
    return None if card_no is None else org.code + card_no


def _check_branch(actor: Actor, org: Organization) -> None:
    if org.type is not OrgType.BRANCH:
        raise Invalid("党员只能编入党支部", code="org_not_branch")
    if not org.active:
        raise Invalid("该党支部已撤销", code="org_dissolved")
    if not path_in_scope(actor, org.path):
        raise Forbidden("该党支部不在您的管理范围内", code="out_of_scope")


def create_member(
    session: Session,
    actor: Actor,
    data: MemberData,
    org: Organization,
    *,
    card_no_digits: int = 5,
    since: date | None = None,
    reason: str = "建档",
    today: date | None = None,
) -> Member:
    """Register a member in a branch; the membership period starts ``since`` or ``today``
    (the hall's day unless given)."""
    today = today or hall_clock.today()
    data = data.normalize(today)
    _check_branch(actor, org)
    if session.scalar(
        select(Member.id).where(Member.id_number == data.id_number, Member.archived.is_(False))
    ):
        raise Conflict(f"身份证号{data.id_number[:6]}…已登记为在册党员", code="duplicate_member")
    card_no = next_card_no(session, card_no_digits)
    member = Member(
        org=org,
        card_no=card_no,
        member_no=member_number(org, card_no),
        **{k: getattr(data, k) for k in MEMBER_FIELDS},
    )
    session.add(member)
    session.flush()
    session.add(
        Membership(
            member_id=member.id,
            org_id=org.id,
            member_no=member.member_no,
            start_date=since or today,
            reason=reason,
        )
    )
    audit.record(session, actor, "member.create", "member", member.id, after=audit.snapshot(member))
    return member


def update_member(
    session: Session,
    actor: Actor,
    member: Member,
    changes: dict[str, Any],
    *,
    today: date | None = None,
) -> Member:
    """Apply field changes after validating the whole record again (dates against ``today``,
    the hall's day unless given).

    A new monthly amount is a dues assessment, not a plain field: it goes through
    ``dues_year.change_monthly_amount`` from this month on (so unpaid and pending months are
    priced and the 党委's rule for newly transferred-in members holds, docs/roles.md)."""
    policy.authorize(actor, Action.MEMBER_EDIT)
    unknown = set(changes) - set(MEMBER_FIELDS)
    if unknown:
        raise Invalid(f"不能修改这些字段：{'、'.join(sorted(unknown))}", code="fields")
    before = audit.snapshot(member)
    current = {k: getattr(member, k) for k in MEMBER_FIELDS}
    data = MemberData(**{**current, **changes}).normalize(today)
    new_amount = data.monthly_dues_fen
    if new_amount != member.monthly_dues_fen and new_amount is None:
        raise Invalid("月交党费不能清空，调整请填写新的金额", code="amount_invalid")
    for key in MEMBER_FIELDS:
        if key != "monthly_dues_fen":
            setattr(member, key, getattr(data, key))
    session.flush()
    if new_amount is not None and new_amount != member.monthly_dues_fen:
        day = today or hall_clock.today()
        dues_year.change_monthly_amount(
            session, actor, member, new_amount, day.year, day.month, "修改党员信息时调整月交党费"
        )
    audit.record(
        session,
        actor,
        "member.update",
        "member",
        member.id,
        before=before,
        after=audit.snapshot(member),
    )
    return member


def archive_member(
    session: Session,
    actor: Actor,
    member: Member,
    *,
    reason: str,
    letter_no: str | None = None,
    on: date | None = None,
) -> MemberArchive:
    """Move a member to the deleted-member archive: the row stays, flagged; cards are revoked;
    untouched ledger months after the deletion month are removed (``ledger_span``)."""
    if member.archived:
        raise Conflict("该党员已在删除党员库中", code="already_archived")
    if not reason.strip():
        raise Invalid("删除党员须填写原因", code="reason_missing")
    before = audit.snapshot(member)
    entry = MemberArchive(
        member_id=member.id,
        reason=reason,
        letter_no=letter_no,
        snapshot=audit._jsonable(before) or {},
        archived_by=actor.name,
    )
    session.add(entry)
    member.archived = True
    for card in session.scalars(
        select(Card).where(Card.member_id == member.id, Card.state == CardState.ACTIVE)
    ):
        card.state = CardState.REVOKED
        card.state_changed_at = utcnow()
    current = session.scalar(
        select(Membership).where(Membership.member_id == member.id, Membership.end_date.is_(None))
    )
    day = on or hall_clock.today()
    if current is not None:
        current.end_date = day
    dropped = ledger_span.end_months_after(session, member.id, day)
    session.flush()
    audit.record(
        session,
        actor,
        "member.archive",
        "member",
        member.id,
        before=before,
        after={
            "archived": True,
            "reason": reason,
            "letter_no": letter_no,
            "dues_months_removed": dropped,
        },
    )
    return entry
