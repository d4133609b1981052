"""Paged, sorted tables: one COUNT and one LIMIT/OFFSET query; links keep the page's filters.

A list page builds its filtered ``Select``, orders it with a ``Sorting`` (a whitelist of sort
keys, read from ``?sort=…&dir=…``, always ending in a unique tie-breaker so a row never shows on
two pages), and runs it with ``paginate``. The same ordered statement, without the page limit, is
what the page's xlsx export writes (``sheet_rows``). See docs/console-lists.md.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from flask import Response, current_app, request, url_for
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from backend.console import console_bp
from backend.downloads import content_disposition
from backend.services import exports

PER_PAGE = 50
EXPORT_CHUNK = 1000


@dataclass(frozen=True)
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int
    sorting: Sorting | None = None

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def first_index(self) -> int:
        return 0 if not self.total else (self.page - 1) * self.per_page + 1

    @property
    def last_index(self) -> int:
        return min(self.total, self.page * self.per_page)


@dataclass(frozen=True)
class Sorting:
    """The chosen sort key and direction among a page's whitelisted ``options``.

    ``options`` maps a key (as it appears in the URL) to the SQL expressions it orders by;
    ``tie`` (a unique column, usually the primary key) is appended in the same direction.
    """

    key: str
    descending: bool
    options: Mapping[str, Sequence[Any]]
    tie: Sequence[Any]

    def apply(self, stmt: Select) -> Select:
        columns = [*self.options[self.key], *self.tie]
        ordered = [(c.desc() if self.descending else c.asc()).nulls_last() for c in columns]
        return stmt.order_by(None).order_by(*ordered)


def sorting(
    options: Mapping[str, Sequence[Any]],
    *,
    default: str,
    descending: bool = False,
    tie: Sequence[Any],
) -> Sorting:
    """The sort asked for in the URL if it is one of ``options``, else the page's default."""
    key = request.args.get("sort", "")
    if key not in options:
        return Sorting(default, descending, options, tie)
    direction = request.args.get("dir", "")
    return Sorting(key, direction == "desc" if direction else descending, options, tie)


def page_number() -> int:
    raw = request.args.get("page", "1")
    # ASCII only: "²".isdigit() is true, yet int("²") fails. A huge number is clamped later.
    return max(1, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 19 else 1


def paginate(
    session: Session,
    stmt: Select,
    *,
    page: int | None = None,
    per_page: int | None = None,
    sort: Sorting | None = None,
) -> Page:
    """Run ``stmt`` for one page. Rows with a single entity come back as that entity.

    The page size is ``PER_PAGE`` unless the app sets ``CONSOLE_PER_PAGE`` (tests use a small
    one to page through a few rows)."""
    per_page = per_page or int(current_app.config.get("CONSOLE_PER_PAGE", PER_PAGE))
    if sort is not None:
        stmt = sort.apply(stmt)
    total = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    page = page or page_number()
    pages = max(1, -(-int(total or 0) // per_page))
    page = min(page, pages)
    result = session.execute(stmt.limit(per_page).offset((page - 1) * per_page))
    rows: list[Any] = list(result.all())
    if rows and len(rows[0]) == 1:
        rows = [r[0] for r in rows]
    return Page(rows, int(total or 0), page, per_page, sort)


def sheet_rows(
    session: Session, stmt: Select, row: Callable[[Any], Sequence[Any]]
) -> Iterable[Sequence[Any]]:
    """Every row of the filtered, sorted list (no page limit), as export values, read from
    the database in chunks so a long list is not held as ORM rows all at once."""
    result = session.execute(stmt.execution_options(yield_per=EXPORT_CHUNK))
    for found in result:
        yield row(found[0] if len(found) == 1 else found)


def xlsx_download(
    title: str, columns: list[exports.Column], rows: Iterable[Sequence[Any]]
) -> Response:
    """A list's export: its title and columns over the rows of ``sheet_rows``."""
    sheet = exports.Sheet(title=title, columns=columns, rows=list(rows))
    return Response(
        exports.to_xlsx(sheet),
        mimetype=exports.XLSX_MIME,
        headers={"Content-Disposition": content_disposition(f"{title}.xlsx")},
    )


def wants_xlsx() -> bool:
    return request.args.get("format") == "xlsx"


def _current_args(**changes: Any) -> dict[str, Any]:
    args: dict[str, Any] = request.args.to_dict()
    for key, value in changes.items():
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return args


def _this_url(args: Mapping[str, Any]) -> str:
    return url_for(request.endpoint or "console.home", **(request.view_args or {}), **args)


@console_bp.app_template_global()
def page_url(number: int) -> str:
    """The current page's URL with another page number, all other filters kept."""
    return _this_url(_current_args(page=number))


@console_bp.app_template_global()
def sort_url(key: str, sort: Sorting) -> str:
    """Sort by ``key``; the column sorted already turns around. Back to the first page."""
    descending = not sort.descending if key == sort.key else False
    return _this_url(_current_args(sort=key, dir="desc" if descending else "asc", page=None))


@console_bp.app_template_global()
def export_url(fmt: str = "xlsx") -> str:
    """The current list, filtered and sorted as shown, as a download (every page)."""
    return _this_url(_current_args(format=fmt, page=None))


@console_bp.app_template_global()
def kept_args(*dropped: str) -> list[tuple[str, str]]:
    """The current query arguments as hidden-field pairs (for the jump-to-page form)."""
    return [(k, v) for k, v in request.args.items(multi=True) if k not in dropped]


def show_defaults(form: Any, **defaults: Any) -> None:
    """Fill the filter form with what the list actually uses when a filter was left out (the
    user's own organization, this year…), so the filters on screen say what is shown."""
    for name, value in defaults.items():
        if not form.get(name) and value is not None:
            form.values[name] = value.isoformat() if hasattr(value, "isoformat") else str(value)


@console_bp.app_template_global()
def sort_args() -> list[tuple[str, str]]:
    """The chosen sort as hidden-field pairs, for a list's filter form."""
    return [(k, request.args[k]) for k in ("sort", "dir") if request.args.get(k)]
