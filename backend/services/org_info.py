"""党组织基本情况信息表: an organization's approval date, liaison, meeting place and its photos,
and its committee (members with their 党内职务). See docs/info-tables.md.

Every change is checked against the policy (``Action.ORG_EDIT``) and the actor's subtree, and
written to the audit log in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, ColumnExpressionArgument, case, delete, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Forbidden, Invalid, NotFound
from backend.models import CommitteeSeat, MediaFile, Member, Organization, OrgPhoto
from backend.models.info import PARTY_POSTS
from backend.services import audit, media, policy
from backend.services.actor import Actor
from backend.services.policy import Action
from backend.services.scope import path_in_scope

INFO_FIELDS = ("approved_on", "liaison", "liaison_phone", "meeting_place")
_LIMITS = {"liaison": 100, "liaison_phone": 30, "meeting_place": 200}
MAX_PLACE_PHOTOS = 6
#: Posts of which an organization has one holder at most.
SINGLE_POSTS = frozenset({"书记"})


def post_rank(post: ColumnExpressionArgument[str]) -> ColumnElement[int]:
    """The post's place in :data:`PARTY_POSTS` (书记 0, 副书记 1 …) as SQL; unknown posts last."""
    return case({p: i for i, p in enumerate(PARTY_POSTS)}, value=post, else_=len(PARTY_POSTS))


def _check(actor: Actor, org: Organization) -> None:
    policy.authorize(actor, Action.ORG_EDIT)
    if not path_in_scope(actor, org.path):
        raise Forbidden("该组织不在您的管理范围内", code="out_of_scope")


@dataclass(frozen=True)
class OrgInfo:
    approved_on: date | None = None
    liaison: str | None = None
    liaison_phone: str | None = None
    meeting_place: str | None = None


def update_info(
    session: Session, actor: Actor, org: Organization, info: OrgInfo, *, today: date
) -> Organization:
    """Save the table's own fields (name and contacts stay with ``org_changes.update_org``)."""
    _check(actor, org)
    if info.approved_on is not None and info.approved_on > today:
        raise Invalid("批准成立日期不能晚于今天", code="org_approved_on")
    values: dict[str, object] = {"approved_on": info.approved_on}
    for key, limit in _LIMITS.items():
        text = (getattr(info, key) or "").strip() or None
        if text is not None and len(text) > limit:
            raise Invalid(f"内容过长（不超过{limit}个字）", code=f"org_{key}")
        values[key] = text
    before = {k: audit.snapshot(org)[k] for k in INFO_FIELDS}
    for key, value in values.items():
        setattr(org, key, value)
    session.flush()
    after = {k: audit.snapshot(org)[k] for k in INFO_FIELDS}
    audit.record(
        session, actor, "org.info_update", "organization", org.id, before=before, after=after
    )
    return org


def committee(session: Session, org: Organization) -> list[CommitteeSeat]:
    """The committee in the order of its posts (书记, 副书记, 组织委员 …), then by name."""
    return list(
        session.scalars(
            select(CommitteeSeat)
            .join(Member, CommitteeSeat.member_id == Member.id)
            .where(CommitteeSeat.org_id == org.id, Member.archived.is_(False))
            .order_by(post_rank(CommitteeSeat.post), Member.name, Member.id)
        )
    )


def set_seat(
    session: Session,
    actor: Actor,
    org: Organization,
    member: Member,
    post: str,
    *,
    since: date | None = None,
) -> CommitteeSeat:
    """Seat a member of the organization's subtree on its committee, or change the post."""
    _check(actor, org)
    if post not in PARTY_POSTS:
        raise Invalid(f"党内职务应为：{'、'.join(PARTY_POSTS)}之一", code="seat_post")
    if member.archived or not member.org.path.startswith(org.path):
        raise Invalid(f"{member.name}不是{org.name}（含下级）的在册党员", code="seat_member")
    seats = {
        s.member_id: s
        for s in session.scalars(select(CommitteeSeat).where(CommitteeSeat.org_id == org.id))
    }
    if post in SINGLE_POSTS:
        holder = next(
            (s for s in seats.values() if s.post == post and s.member_id != member.id), None
        )
        if holder is not None:
            raise Conflict(
                f"{org.name}已有{post}（{holder.member.name}），请先调整其职务", code="seat_taken"
            )
    seat = seats.get(member.id)
    before = None if seat is None else {"post": seat.post, "since": audit.snapshot(seat)["since"]}
    if seat is None:
        seat = CommitteeSeat(org_id=org.id, member_id=member.id, post=post, since=since)
        session.add(seat)
    else:
        seat.post, seat.since = post, since
    session.flush()
    audit.record(
        session,
        actor,
        "org.seat_set",
        "organization",
        org.id,
        before=before and {"member_id": member.id, **before},
        after={"member_id": member.id, "post": post, "since": since},
    )
    return seat


def remove_seat(session: Session, actor: Actor, org: Organization, seat_id: int) -> None:
    _check(actor, org)
    seat = session.get(CommitteeSeat, seat_id)
    if seat is None or seat.org_id != org.id:
        raise NotFound("未找到该班子成员", code="seat_not_found")
    before = {"member_id": seat.member_id, "post": seat.post}
    session.delete(seat)
    session.flush()
    audit.record(session, actor, "org.seat_remove", "organization", org.id, before=before)


def place_photos(session: Session, org: Organization) -> list[OrgPhoto]:
    return list(
        session.scalars(select(OrgPhoto).where(OrgPhoto.org_id == org.id).order_by(OrgPhoto.id))
    )


def add_place_photo(
    session: Session, actor: Actor, org: Organization, photo: media.NewMedia
) -> OrgPhoto:
    """Add a photo of the meeting place; its bytes must be an image (checked by signature)."""
    _check(actor, org)
    if len(place_photos(session, org)) >= MAX_PLACE_PHOTOS:
        raise Invalid(f"活动场所照片最多{MAX_PLACE_PHOTOS}张，请先删除旧照片", code="media_count")
    stored = media.store(session, media.NewMedia(photo.filename, photo.data))
    row = OrgPhoto(org_id=org.id, media_id=stored.id)
    session.add(row)
    session.flush()
    audit.record(
        session, actor, "org.photo_add", "organization", org.id, after=media.describe(stored)
    )
    return row


def remove_place_photo(session: Session, actor: Actor, org: Organization, photo_id: int) -> None:
    _check(actor, org)
    row = session.get(OrgPhoto, photo_id)
    if row is None or row.org_id != org.id:
        raise NotFound("未找到该照片", code="photo_not_found")
    stored = session.get(MediaFile, row.media_id)
    session.execute(delete(OrgPhoto).where(OrgPhoto.id == row.id))
    session.flush()
    audit.record(
        session,
        actor,
        "org.photo_remove",
        "organization",
        org.id,
        before=media.describe(stored) if stored else {"media_id": row.media_id},
    )
