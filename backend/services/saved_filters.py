"""保存筛选: a staff user's named filter links for a list page.

A list page keeps its whole filter state in its URL (so "复制链接" shares it); saving gives that
query string a name, for this user only. Only list pages named in ``PAGES`` take saved filters,
and a saved query is only ever appended to that page's own address, so it cannot point anywhere
else. A preference, not a record of the hall: not audited.
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from backend.errors import Conflict, Invalid, NotFound
from backend.models import SavedFilter

PAGES = {"console.members": "党员名册"}
MAX_PER_PAGE = 20
NOT_KEPT = {"page", "csrf_token"}


def clean_query(query: str) -> str:
    """The filter part of a query string: no page number, no token, nothing empty."""
    pairs = [(k, v) for k, v in parse_qsl(query or "") if v and k not in NOT_KEPT]
    text = urlencode(pairs)
    if len(text) > 1000:
        raise Invalid("筛选条件过长，不能保存", code="query_too_long")
    return text


def list_saved(session: Session, user_id: int, page: str) -> list[SavedFilter]:
    return list(
        session.scalars(
            select(SavedFilter)
            .where(SavedFilter.user_id == user_id, SavedFilter.page == page)
            .order_by(SavedFilter.name)
        )
    )


def save(session: Session, user_id: int, page: str, name: str, query: str) -> SavedFilter:
    """Keep ``query`` under ``name``; the same name again replaces the old link."""
    if page not in PAGES:
        raise Invalid("该页面不能保存筛选", code="page_not_saved")
    name = (name or "").strip()
    if not name or len(name) > 40:
        raise Invalid("请为筛选起一个名称（不超过40个字）", code="name_missing")
    text = clean_query(query)
    row = session.scalar(
        select(SavedFilter).where(
            SavedFilter.user_id == user_id, SavedFilter.page == page, SavedFilter.name == name
        )
    )
    if row is None:
        count = session.scalar(
            select(func.count())
            .select_from(SavedFilter)
            .where(SavedFilter.user_id == user_id, SavedFilter.page == page)
        )
        if (count or 0) >= MAX_PER_PAGE:
            raise Conflict(f"每个页面最多保存{MAX_PER_PAGE}个筛选，请先删除不用的", code="too_many")
        row = SavedFilter(user_id=user_id, page=page, name=name, query=text)
        session.add(row)
    else:
        row.query = text
    session.flush()
    return row


def delete(session: Session, user_id: int, filter_id: int) -> SavedFilter:
    row = session.get(SavedFilter, filter_id)
    if row is None or row.user_id != user_id:
        raise NotFound("未找到该筛选", code="saved_filter_not_found")
    session.delete(row)
    session.flush()
    return row
