"""保存筛选 on list pages: save the page's current filters under a name, or delete one
(``services/saved_filters.py``). Each user sees only their own."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.wrappers import Response

from backend.console import console_bp
from backend.console.web import current_user, db, login_required, rollback
from backend.errors import DomainError
from backend.models import SavedFilter
from backend.services import saved_filters
from backend.services.policy import Action


@console_bp.app_template_global()
def saved_filter_list(page: str) -> list[SavedFilter]:
    """The signed-in user's saved filters of ``page`` (for the list page's template)."""
    return saved_filters.list_saved(db(), current_user().id, page)


def _back(page: str, query: str) -> Response:
    target = url_for(page) if page in saved_filters.PAGES else url_for("console.home")
    return redirect(f"{target}?{query}" if query else target)


@console_bp.post("/saved-filters")
@login_required(Action.OWN_ACCOUNT)
def saved_filter_save() -> ResponseReturnValue:
    page, query = request.form.get("page", ""), request.form.get("query", "")
    try:
        row = saved_filters.save(db(), current_user().id, page, request.form.get("name", ""), query)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
        return _back(page, "")
    flash(f"已保存筛选“{row.name}”", "success")
    return _back(page, row.query)


@console_bp.post("/saved-filters/<int:filter_id>/delete")
@login_required(Action.OWN_ACCOUNT)
def saved_filter_delete(filter_id: int) -> ResponseReturnValue:
    try:
        row = saved_filters.delete(db(), current_user().id, filter_id)
    except DomainError as exc:
        rollback()
        flash(exc.message, "error")
        return redirect(url_for("console.home"))
    flash(f"已删除筛选“{row.name}”", "success")
    return _back(row.page, "")
