"""Shared set-up for the disclosure tests (no tests here): publish an item as staff would."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from backend.models import DisclosureDocument, Organization
from backend.services import disclosure, disclosure_workflow
from backend.services.disclosure_categories import ensure_default_categories, find_category
from backend.services.dues_year import hall_today
from backend.services.media import NewMedia
from backend.settings import DuesSettings
from tests.builders import SYSTEM

PNG_1PX = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99"
    b"=\x1d\x00\x00\x00\x00IEND\xaeB`\x82"
)


def categories(db: Session) -> None:
    ensure_default_categories(db, SYSTEM)


def published(
    db: Session,
    org: Organization,
    title: str,
    *,
    tier: str = "public",
    category: str = "政策文件",
    body: str = "正文第一段。",
    publish_on: date | None = None,
    expires_on: date | None = None,
    files: tuple[NewMedia, ...] = (),
    recipient_ids: tuple[int, ...] = (),
) -> DisclosureDocument:
    document = disclosure.create_document(
        db,
        SYSTEM,
        org=org,
        category=find_category(db, category),
        title=title,
        body_md=body,
        tier=tier,
        publish_on=publish_on or hall_today(DuesSettings()),
        expires_on=expires_on,
        files=files,
        recipient_ids=recipient_ids,
    )
    disclosure_workflow.submit_review(db, SYSTEM, document)
    disclosure_workflow.approve(db, SYSTEM, document, reviewer="保密审查员")
    disclosure_workflow.publish(db, SYSTEM, document)
    return document
