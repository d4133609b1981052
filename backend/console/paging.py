"""Paged tables: one COUNT and one LIMIT/OFFSET query; links keep the page's other filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import request, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.console import console_bp

PER_PAGE = 50


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


def page_number() -> int:
    raw = request.args.get("page", "1")
    # ASCII only: "²".isdigit() is true, yet int("²") fails. A huge number is clamped later.
    return max(1, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 1


def paginate(
    session: Session, stmt: Select, *, page: int | None = None, per_page: int = PER_PAGE
) -> Page:
    """Run ``stmt`` for one page. Rows with a single entity come back as that entity."""
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = page or page_number()
    pages = max(1, -(-int(total or 0) // per_page))
    page = min(page, pages)
    result = session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    rows = result.all()
    if rows and len(rows[0]) == 1:
        rows = [r[0] for r in rows]
    return Page(rows, int(total or 0), page, per_page)


@console_bp.app_template_global()
def page_url(number: int) -> str:
    """The current page's URL with another page number, all other filters kept."""
    args: dict[str, Any] = request.args.to_dict()
    args["page"] = number
    return url_for(request.endpoint or "console.home", **(request.view_args or {}), **args)
