"""Reading disclosure content: what a board shows to whom, and the staff's own lists.

Who sees what is decided by one SQL condition, ``visible_to``, used by every board read:
a board without a card shows only the "to society" tier; a member's valid card session adds
Party-wide items, the unit items of the member's own organization (its ancestors, itself and
its subtree) and the items addressed to that member. Drafts, items under review, withdrawn
items and items outside their publish/expiry dates are never shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from backend.errors import NotFound
from backend.models import (
    DisclosureCategory,
    DisclosureDocument,
    DisclosureRecipient,
    DisclosureStatus,
    DisclosureTier,
    HonorEntry,
    HonorKind,
    MediaFile,
    Member,
    Organization,
)
from backend.services.actor import Actor
from backend.services.disclosure_text import Block, to_blocks
from backend.services.input_rules import whole_number
from backend.services.scope import org_in_scope

Doc = DisclosureDocument


@dataclass(frozen=True)
class Viewer:
    """Who stands at the board: nobody in particular, or a member with a card session."""

    member_id: int | None = None
    org_path: str | None = None

    @classmethod
    def public(cls) -> Viewer:
        return cls()

    @classmethod
    def for_member(cls, member: Member) -> Viewer:
        return cls(member.id, member.org.path)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(i) for i in (self.org_path or "").strip("/").split("/") if i]


def visible_to(viewer: Viewer, today: date) -> ColumnElement[bool]:
    published = and_(
        Doc.status == DisclosureStatus.PUBLISHED,
        Doc.publish_on <= today,
        or_(Doc.expires_on.is_(None), Doc.expires_on >= today),
    )
    tiers: list[ColumnElement[bool]] = [Doc.tier == DisclosureTier.PUBLIC]
    if viewer.member_id is not None and viewer.org_path is not None:
        subtree = select(Organization.id).where(
            Organization.path.startswith(viewer.org_path, autoescape=True)
        )
        addressed = exists().where(
            DisclosureRecipient.document_id == Doc.id,
            DisclosureRecipient.member_id == viewer.member_id,
        )
        tiers += [
            Doc.tier == DisclosureTier.PARTY,
            and_(
                Doc.tier == DisclosureTier.UNIT,
                or_(Doc.org_id.in_(viewer.ancestor_ids), Doc.org_id.in_(subtree)),
            ),
            and_(Doc.tier == DisclosureTier.CONCERNED, addressed),
        ]
    return and_(published, or_(*tiers))


@dataclass(frozen=True)
class CategoryCount:
    id: int
    code: str
    name: str
    count: int


def category_counts(session: Session, viewer: Viewer, today: date) -> list[CategoryCount]:
    """Active categories in board order, each with the number of items this viewer sees."""
    rows = session.execute(
        select(
            DisclosureCategory.id,
            DisclosureCategory.code,
            DisclosureCategory.name,
            func.count(Doc.id),
        )
        .outerjoin(Doc, and_(Doc.category_id == DisclosureCategory.id, visible_to(viewer, today)))
        .where(DisclosureCategory.active.is_(True))
        .group_by(DisclosureCategory.id, DisclosureCategory.code, DisclosureCategory.name)
        .order_by(DisclosureCategory.sort_order, DisclosureCategory.id)
    )
    return [CategoryCount(*row) for row in rows]


def resolve_category(session: Session, key: str) -> DisclosureCategory:
    """An active category by id or code, as the kiosk passes it."""
    number = whole_number(key)
    condition = (
        DisclosureCategory.id == number if number is not None else DisclosureCategory.code == key
    )
    category = session.scalar(
        select(DisclosureCategory).where(condition, DisclosureCategory.active.is_(True))
    )
    if category is None:
        raise NotFound("没有这个公开栏目", code="category_not_found")
    return category


@dataclass(frozen=True)
class ListItem:
    id: int
    title: str
    summary: str
    publish_on: date
    tier: DisclosureTier
    org_name: str
    category_name: str


@dataclass(frozen=True)
class BoardPage:
    items: list[ListItem]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return (self.total + self.per_page - 1) // self.per_page


def list_visible(
    session: Session,
    viewer: Viewer,
    *,
    today: date,
    category: DisclosureCategory | None = None,
    page: int = 1,
    per_page: int = 10,
) -> BoardPage:
    """One page, newest first, in one query: the total rides along as a window count."""
    condition = visible_to(viewer, today)
    if category is not None:
        condition = and_(condition, Doc.category_id == category.id)
    rows = session.execute(
        select(
            Doc.id,
            Doc.title,
            Doc.summary,
            Doc.publish_on,
            Doc.tier,
            Organization.name,
            DisclosureCategory.name,
            func.count().over(),
        )
        .join(Organization, Doc.org_id == Organization.id)
        .join(DisclosureCategory, Doc.category_id == DisclosureCategory.id)
        .where(condition)
        # Newest first: by the date shown, then by when it was actually published.
        .order_by(Doc.publish_on.desc(), Doc.published_at.desc(), Doc.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    if rows:
        total = rows[0][-1]
    elif page > 1:  # past the last page: the window had no row to ride on
        total = session.scalar(select(func.count()).select_from(Doc).where(condition)) or 0
    else:
        total = 0
    items = [ListItem(*row[:-1]) for row in rows]
    return BoardPage(items, page, per_page, total)


@dataclass(frozen=True)
class DocumentView:
    document: DisclosureDocument
    blocks: list[Block]
    attachments: list[MediaFile]


def get_visible(session: Session, viewer: Viewer, document_id: int, today: date) -> DocumentView:
    """One item as the board shows it; an item this viewer may not see does not exist."""
    document = session.scalar(select(Doc).where(Doc.id == document_id, visible_to(viewer, today)))
    if document is None:
        raise NotFound("该公开内容不存在或已撤下", code="disclosure_not_found")
    files = session.scalars(
        select(MediaFile).where(MediaFile.document_id == document.id).order_by(MediaFile.id)
    ).all()
    # An image shows only if it is stored with this very item (no borrowing another's).
    own_images = {m.id for m in files if not m.is_attachment}
    blocks = [
        b for b in to_blocks(document.body_md) if b.type != "image" or b.media_id in own_images
    ]
    return DocumentView(document, blocks, [m for m in files if m.is_attachment])


def visible_media(session: Session, viewer: Viewer, media_id: int, today: date) -> MediaFile:
    """A file the viewer may load: part of an item they can see, or a consented honor photo."""
    in_document = exists().where(Doc.id == MediaFile.document_id, visible_to(viewer, today))
    honor_photo = exists().where(
        HonorEntry.photo_id == MediaFile.id,
        HonorEntry.visible.is_(True),
        or_(HonorEntry.kind == HonorKind.ORGANIZATION, HonorEntry.photo_consent.is_(True)),
    )
    found = session.scalar(
        select(MediaFile).where(MediaFile.id == media_id, or_(in_document, honor_photo))
    )
    if found is None:
        raise NotFound("图片或附件不存在或已撤下", code="media_not_found")
    return found


def documents_query(
    actor: Actor, *, status: DisclosureStatus | None = None, category_id: int | None = None
) -> Select:
    """Items of the actor's subtree for the console (every status), newest first."""
    stmt = (
        select(Doc)
        .join(Organization, Doc.org_id == Organization.id)
        .where(org_in_scope(actor) if actor.type != "device" else false())
        .order_by(Doc.publish_on.desc(), Doc.id.desc())
    )
    if status is not None:
        stmt = stmt.where(Doc.status == status)
    if category_id is not None:
        stmt = stmt.where(Doc.category_id == category_id)
    return stmt
