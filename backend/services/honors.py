"""The honor roll (光荣榜): commendations of people and organizations, and the fund's donors.

Entries follow the usual form of a commendation: name, photo, organization/unit, title,
awarding body, year, short citation. A person's photo is shown only with their consent; a
donor's name and amount only with theirs — everyone else is counted in an anonymous total
(PIPL Art. 25; docs/members-and-privacy.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from itertools import groupby

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from backend.errors import Forbidden, Invalid, NotFound
from backend.models import Donation, DonorKind, HonorEntry, HonorKind, Member, Organization
from backend.services import audit, hall_clock, media, policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.scope import get_member, get_org, path_in_scope

# Titles of 党内功勋荣誉表彰条例 in the order a roll shows them; other titles follow.
TITLE_ORDER = (
    "七一勋章",
    "优秀共产党员",
    "优秀党务工作者",
    "先进基层党组织",
)
ORGANIZATION_ONLY = frozenset({"先进基层党组织"})
PERSON_ONLY = frozenset({"七一勋章", "优秀共产党员", "优秀党务工作者"})


def _require_staff(actor: Actor) -> None:
    if actor.type == "device":
        raise Forbidden("查询机不能修改光荣榜", code="forbidden")
    policy.authorize(actor, Action.HONOR_EDIT)


def add_honor(
    session: Session,
    actor: Actor,
    *,
    kind: HonorKind | str,
    title: str,
    year: int,
    awarding_body: str,
    org: Organization,
    citation: str = "",
    person_name: str | None = None,
    member: Member | None = None,
    unit_name: str | None = None,
    photo: media.NewMedia | None = None,
    photo_consent: bool = False,
    today: date | None = None,
) -> HonorEntry:
    """Add an entry. ``org`` is the honored organization, or the person's own organization;
    a person is named by ``member`` (a member record) or ``person_name``. The year may not lie
    after ``today``'s (the hall's day unless given)."""
    _require_staff(actor)
    kind = HonorKind(kind)
    org = get_org(session, actor, org.id)
    title, awarding_body = title.strip(), awarding_body.strip()
    if not title or not awarding_body:
        raise Invalid("荣誉称号和授予单位不能为空", code="honor_fields")
    if not 1921 <= year <= (today or hall_clock.today()).year:
        raise Invalid(f"表彰年度{year}不正确", code="honor_year")
    if len(citation.strip()) > 300:
        raise Invalid("事迹简介不超过300字", code="honor_citation")
    if kind is HonorKind.PERSON:
        if title in ORGANIZATION_ONLY:
            raise Invalid(f"“{title}”是授予党组织的称号", code="honor_kind")
        if member is not None:
            member = get_member(session, actor, member.id)
            person_name = member.name
        if not (person_name or "").strip():
            raise Invalid("请填写受表彰人姓名", code="honor_person")
    else:
        if title in PERSON_ONLY:
            raise Invalid(f"“{title}”是授予个人的称号", code="honor_kind")
        member, person_name = None, None
    entry = HonorEntry(
        kind=kind,
        title=title,
        year=year,
        awarding_body=awarding_body,
        citation=citation.strip(),
        org_id=org.id,
        member_id=member.id if member else None,
        person_name=(person_name or "").strip() or None,
        unit_name=(unit_name or "").strip() or None,
        photo_consent=photo_consent,
        created_by=actor.name,
    )
    if photo is not None:
        entry.photo_id = media.store(session, photo).id
    session.add(entry)
    session.flush()
    audit.record(
        session, actor, "honor.create", "honor_entry", entry.id, after=audit.snapshot(entry)
    )
    return entry


def get_honor(session: Session, actor: Actor, entry_id: int) -> HonorEntry:
    entry = session.get(HonorEntry, entry_id)
    if entry is None or not path_in_scope(actor, entry.org.path):
        raise NotFound("未找到该光荣榜条目，或不在您的管理范围内", code="honor_not_found")
    return entry


def update_honor(
    session: Session,
    actor: Actor,
    entry: HonorEntry,
    *,
    photo_consent: bool | None = None,
    visible: bool | None = None,
    citation: str | None = None,
) -> HonorEntry:
    """Record a change of consent, hide or show an entry, or correct its citation."""
    _require_staff(actor)
    entry = get_honor(session, actor, entry.id)
    before = audit.snapshot(entry)
    if photo_consent is not None:
        entry.photo_consent = photo_consent
    if visible is not None:
        entry.visible = visible
    if citation is not None:
        entry.citation = citation.strip()[:300]
    session.flush()
    after = audit.snapshot(entry)
    audit.record(
        session, actor, "honor.update", "honor_entry", entry.id, before=before, after=after
    )
    return entry


def add_donation(
    session: Session,
    actor: Actor,
    *,
    donor_name: str,
    amount_fen: int,
    donated_on: date,
    receiving_org: Organization,
    donor_kind: DonorKind | str = DonorKind.PERSON,
    unit: str | None = None,
    consent_public: bool = False,
    today: date | None = None,
) -> Donation:
    """Record a donation to the fund; it may not be dated after ``today`` (the hall's day
    unless given)."""
    _require_staff(actor)
    receiving_org = get_org(session, actor, receiving_org.id)
    if not donor_name.strip():
        raise Invalid("请填写捐赠人", code="donor_name")
    if amount_fen <= 0:
        raise Invalid("捐赠金额必须大于零", code="donation_amount")
    if donated_on > (today or hall_clock.today()):
        raise Invalid("捐赠日期不能晚于今天", code="donation_date")
    donation = Donation(
        donor_kind=DonorKind(donor_kind),
        donor_name=donor_name.strip(),
        unit=(unit or "").strip() or None,
        amount_fen=amount_fen,
        donated_on=donated_on,
        consent_public=consent_public,
        receiving_org_id=receiving_org.id,
        created_by=actor.name,
    )
    session.add(donation)
    session.flush()
    after = audit.snapshot(donation)
    audit.record(session, actor, "donation.create", "donation", donation.id, after=after)
    return donation


def set_donation_consent(
    session: Session, actor: Actor, donation: Donation, consent_public: bool
) -> Donation:
    _require_staff(actor)
    if not path_in_scope(actor, donation.receiving_org.path):
        raise NotFound("未找到该捐赠记录，或不在您的管理范围内", code="donation_not_found")
    before = {"consent_public": donation.consent_public}
    donation.consent_public = consent_public
    session.flush()
    audit.record(
        session,
        actor,
        "donation.consent",
        "donation",
        donation.id,
        before=before,
        after={"consent_public": consent_public},
    )
    return donation


# --- the roll as a board shows it ------------------------------------------------------------


@dataclass(frozen=True)
class RollEntry:
    id: int
    name: str
    unit: str
    awarding_body: str
    citation: str
    photo_id: int | None


@dataclass(frozen=True)
class RollGroup:
    kind: HonorKind
    title: str
    year: int
    entries: list[RollEntry]


@dataclass(frozen=True)
class PublicDonor:
    name: str
    kind: DonorKind
    unit: str | None
    amount_fen: int
    donated_on: date


@dataclass(frozen=True)
class DonorSummary:
    listed: list[PublicDonor]
    anonymous_count: int
    anonymous_fen: int
    count: int
    total_fen: int


def _title_rank(title: str) -> int:
    return TITLE_ORDER.index(title) if title in TITLE_ORDER else len(TITLE_ORDER)


def honor_groups(session: Session) -> list[RollGroup]:
    """Visible entries grouped by kind, year (newest first) and title (in the statute's order)."""
    rows = session.execute(
        select(HonorEntry, Organization.name)
        .join(Organization, HonorEntry.org_id == Organization.id)
        .where(HonorEntry.visible.is_(True))
    ).all()
    rows = sorted(
        rows, key=lambda r: (r[0].kind.value, -r[0].year, _title_rank(r[0].title), r[0].id)
    )
    groups = []
    for (kind, year, title), members in groupby(
        rows, key=lambda r: (r[0].kind, r[0].year, r[0].title)
    ):
        entries = []
        for entry, org_name in members:
            person = entry.kind is HonorKind.PERSON
            shows_photo = entry.photo_id is not None and (entry.photo_consent or not person)
            entries.append(
                RollEntry(
                    id=entry.id,
                    name=(entry.person_name or "") if person else org_name,
                    unit=entry.unit_name or (org_name if person else ""),
                    awarding_body=entry.awarding_body,
                    citation=entry.citation,
                    photo_id=entry.photo_id if shows_photo else None,
                )
            )
        groups.append(RollGroup(kind, title, year, entries))
    return groups


def donor_summary(session: Session) -> DonorSummary:
    """Consenting donors by name (largest first); the rest only as a count and a sum."""
    listed = [
        PublicDonor(d.donor_name, d.donor_kind, d.unit, d.amount_fen, d.donated_on)
        for d in session.scalars(
            select(Donation)
            .where(Donation.voided.is_(False), Donation.consent_public.is_(True))
            .order_by(Donation.amount_fen.desc(), Donation.donated_on, Donation.id)
        )
    ]
    anonymous = case((Donation.consent_public.is_(False), 1), else_=0)
    count, total, anonymous_count, anonymous_fen = session.execute(
        select(
            func.count(Donation.id),
            func.coalesce(func.sum(Donation.amount_fen), 0),
            func.coalesce(func.sum(anonymous), 0),
            func.coalesce(func.sum(anonymous * Donation.amount_fen), 0),
        ).where(Donation.voided.is_(False))
    ).one()
    return DonorSummary(listed, int(anonymous_count), int(anonymous_fen), int(count), int(total))
