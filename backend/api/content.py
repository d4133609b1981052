"""Kiosk content: the disclosure board (党务公开), its images and files, and the honor roll.

Without ``X-Kiosk-Session`` a board shows only the "to society" tier; with a member's valid
card session on this device it also shows that member's Party-wide and unit items. Answers carry
an ``ETag`` (304 on ``If-None-Match``) and are cached for at most 30 seconds, so a newly
published or withdrawn item reaches every kiosk within a minute.
"""

from __future__ import annotations

import hashlib
import json

from flask import Response, request, url_for
from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.api.kiosk import SESSION_HEADER
from backend.downloads import content_disposition
from backend.models import HonorKind
from backend.services import disclosure_board as board
from backend.services import honors, kiosk
from backend.services.dues_year import hall_today
from backend.services.money import format_yuan

MAX_AGE_SECONDS = 30


def _viewer(ctx: Ctx) -> board.Viewer:
    token = ctx.header(SESSION_HEADER)
    if not token:
        return board.Viewer.public()
    return board.Viewer.for_member(
        kiosk.session_member(
            ctx.session, ctx.actor, token, extend_seconds=ctx.settings.kiosk_session_seconds
        )
    )


def _cache_headers(response: Response, etag: str, personal: bool) -> Response:
    response.set_etag(etag)
    # A member's own view must be revalidated every time; the public board may be reused briefly.
    response.headers["Cache-Control"] = (
        "private, no-cache" if personal else f"private, max-age={MAX_AGE_SECONDS}"
    )
    response.vary.add(SESSION_HEADER)
    return response


def conditional_json(payload: BaseModel, *, personal: bool) -> Response:
    """The JSON answer with a strong ETag over its exact bytes, or 304 when the kiosk has it."""
    body = json.dumps(payload.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":"))
    etag = hashlib.sha256(body.encode()).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        return _cache_headers(Response(status=304), etag, personal)
    return _cache_headers(Response(body, mimetype="application/json"), etag, personal)


def _media_url(media_id: int) -> str:
    return url_for("api.kiosk_media", media_id=media_id)


class CategoryOut(BaseModel):
    id: int
    code: str
    name: str
    count: int = Field(description="当前可见的公开内容条数")


class CategoriesOut(BaseModel):
    categories: list[CategoryOut]
    total: int


class BoardQuery(BaseModel):
    category: str | None = Field(default=None, max_length=40, description="栏目代码或编号")
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=10, ge=1, le=50)


class ItemOut(BaseModel):
    id: int
    title: str
    summary: str
    date: str
    organization: str
    category: str
    tier: str
    tier_label: str


class BoardPageOut(BaseModel):
    items: list[ItemOut]
    page: int
    per_page: int
    total: int
    pages: int
    category: CategoryOut | None


class BlockOut(BaseModel):
    type: str = Field(description="heading | paragraph | image")
    text: str
    level: int | None = None
    url: str | None = None


class AttachmentOut(BaseModel):
    name: str
    url: str
    size: int
    content_type: str


class DocumentOut(BaseModel):
    id: int
    title: str
    category: str
    organization: str
    date: str
    expires_on: str | None
    tier: str
    tier_label: str
    blocks: list[BlockOut]
    attachments: list[AttachmentOut]


@endpoint(
    api_bp,
    "/kiosk/disclosure/categories",
    summary="党务公开栏目及可见条数",
    auth=Auth.DEVICE,
    response=CategoriesOut,
)
def disclosure_categories(ctx: Ctx) -> Response:
    viewer = _viewer(ctx)
    counts = board.category_counts(ctx.session, viewer, hall_today(ctx.settings.dues))
    out = CategoriesOut(
        categories=[CategoryOut(id=c.id, code=c.code, name=c.name, count=c.count) for c in counts],
        total=sum(c.count for c in counts),
    )
    return conditional_json(out, personal=viewer.member_id is not None)


@endpoint(
    api_bp,
    "/kiosk/disclosure",
    summary="党务公开列表（已发布、未过期，按日期从新到旧，分页）",
    auth=Auth.DEVICE,
    query=BoardQuery,
    response=BoardPageOut,
    errors=(404,),
)
def disclosure_list(ctx: Ctx, query: BoardQuery) -> Response:
    viewer = _viewer(ctx)
    category = board.resolve_category(ctx.session, query.category) if query.category else None
    page = board.list_visible(
        ctx.session,
        viewer,
        today=hall_today(ctx.settings.dues),
        category=category,
        page=query.page,
        per_page=query.per_page,
    )
    out = BoardPageOut(
        items=[
            ItemOut(
                id=i.id,
                title=i.title,
                summary=i.summary,
                date=i.publish_on.isoformat(),
                organization=i.org_name,
                category=i.category_name,
                tier=i.tier.value,
                tier_label=i.tier.label,
            )
            for i in page.items
        ],
        page=page.page,
        per_page=page.per_page,
        total=page.total,
        pages=page.pages,
        category=None
        if category is None
        else CategoryOut(id=category.id, code=category.code, name=category.name, count=page.total),
    )
    return conditional_json(out, personal=viewer.member_id is not None)


@endpoint(
    api_bp,
    "/kiosk/disclosure/<int:document_id>",
    summary="党务公开内容全文（标题、段落、图片）",
    auth=Auth.DEVICE,
    response=DocumentOut,
    errors=(404,),
)
def disclosure_document(ctx: Ctx, document_id: int) -> Response:
    viewer = _viewer(ctx)
    view = board.get_visible(ctx.session, viewer, document_id, hall_today(ctx.settings.dues))
    doc = view.document
    out = DocumentOut(
        id=doc.id,
        title=doc.title,
        category=doc.category.name,
        organization=doc.org.name,
        date=doc.publish_on.isoformat(),
        expires_on=doc.expires_on.isoformat() if doc.expires_on else None,
        tier=doc.tier.value,
        tier_label=doc.tier.label,
        blocks=[
            BlockOut(
                type=b.type,
                text=b.text,
                level=b.level,
                url=_media_url(b.media_id) if b.media_id is not None else None,
            )
            for b in view.blocks
        ],
        attachments=[
            AttachmentOut(
                name=m.filename, url=_media_url(m.id), size=m.size, content_type=m.content_type
            )
            for m in view.attachments
        ],
    )
    return conditional_json(out, personal=viewer.member_id is not None)


@endpoint(
    api_bp,
    "/kiosk/media/<int:media_id>",
    summary="公开内容的图片或附件、光荣榜照片（二进制）",
    auth=Auth.DEVICE,
    errors=(404,),
)
def kiosk_media(ctx: Ctx, media_id: int) -> Response:
    viewer = _viewer(ctx)
    found = board.visible_media(ctx.session, viewer, media_id, hall_today(ctx.settings.dues))
    personal = viewer.member_id is not None
    if request.if_none_match.contains(found.sha256):
        return _cache_headers(Response(status=304), found.sha256, personal)
    response = Response(found.data, mimetype=found.content_type)
    if found.is_attachment:
        response.headers["Content-Disposition"] = content_disposition(found.filename)
    return _cache_headers(response, found.sha256, personal)


class HonorEntryOut(BaseModel):
    id: int
    name: str
    unit: str
    awarding_body: str
    citation: str
    photo_url: str | None = Field(description="仅在本人同意公开照片时提供")


class HonorGroupOut(BaseModel):
    title: str
    year: int
    entries: list[HonorEntryOut]


class DonorOut(BaseModel):
    name: str
    kind_label: str
    unit: str | None
    amount: str
    date: str


class DonorsOut(BaseModel):
    listed: list[DonorOut] = Field(description="同意公开姓名和金额的捐赠人")
    anonymous_count: int
    anonymous_total: str
    count: int
    total: str


class HonorsOut(BaseModel):
    people: list[HonorGroupOut]
    organizations: list[HonorGroupOut]
    donors: DonorsOut


@endpoint(
    api_bp,
    "/kiosk/honors",
    summary="光荣榜：先进个人、先进集体和党建基金捐赠",
    auth=Auth.DEVICE,
    response=HonorsOut,
)
def kiosk_honors(ctx: Ctx) -> Response:
    groups = honors.honor_groups(ctx.session)
    donors = honors.donor_summary(ctx.session)

    def group_out(g: honors.RollGroup) -> HonorGroupOut:
        return HonorGroupOut(
            title=g.title,
            year=g.year,
            entries=[
                HonorEntryOut(
                    id=e.id,
                    name=e.name,
                    unit=e.unit,
                    awarding_body=e.awarding_body,
                    citation=e.citation,
                    photo_url=_media_url(e.photo_id) if e.photo_id else None,
                )
                for e in g.entries
            ],
        )

    out = HonorsOut(
        people=[group_out(g) for g in groups if g.kind is HonorKind.PERSON],
        organizations=[group_out(g) for g in groups if g.kind is HonorKind.ORGANIZATION],
        donors=DonorsOut(
            listed=[
                DonorOut(
                    name=d.name,
                    kind_label=d.kind.label,
                    unit=d.unit,
                    amount=format_yuan(d.amount_fen),
                    date=d.donated_on.isoformat(),
                )
                for d in donors.listed
            ],
            anonymous_count=donors.anonymous_count,
            anonymous_total=format_yuan(donors.anonymous_fen),
            count=donors.count,
            total=format_yuan(donors.total_fen),
        ),
    )
    return conditional_json(out, personal=False)
