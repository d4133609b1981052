"""Console plumbing: one unit of work per request, sign-in state, expiry, errors, template globals.

``login_required`` is what every console page uses: it opens the request's database session
(``db()``), checks the signed-in user and the session's age, makes the ``Actor`` available as
``actor()``, checks the page's policy action (``backend.services.policy``; none: any signed-in
user, for the user's own account pages), and commits when the view returns (rolls back when it
raises). Views that catch a ``DomainError`` to show it in a form call ``rollback()`` first.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from flask import (
    Response,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import Session
from werkzeug.exceptions import HTTPException

from backend.console import console_bp, menu_for
from backend.errors import DomainError
from backend.models import User
from backend.services import hall_clock, policy
from backend.services.actor import Actor
from backend.services.dues_year import hall_today, to_local
from backend.services.input_rules import has_bad_characters
from backend.settings import Settings

log = logging.getLogger(__name__)

DEFAULT_IDLE_MINUTES = 30


def hall() -> Any:
    return current_app.extensions["hall"]


def settings() -> Settings:
    return hall().settings


def db() -> Session:
    """The request's session, opened on first use and closed when the request ends: read-only
    (no write lock) when ``login_required`` said so, see docs/transactions.md."""
    if "console_db" not in g:
        read = g.get("console_read_only", False)
        g.console_db = (hall().read_session_factory if read else hall().session_factory)()
    return g.console_db


def audit_apart(action: str, entity: str, entity_id: int | None, after: dict[str, Any]) -> None:
    """An audit row written by a read-only request (a download of personal data), in its own
    short write transaction once the slow part is done (docs/transactions.md). A request that
    already writes (a POST) records it in its own transaction: a second writer would wait on
    the first one's SQLite lock."""
    from backend.db import unit_of_work
    from backend.services import audit

    if not g.get("console_read_only", False):
        audit.record(db(), actor(), action, entity, entity_id, after=after)
        return
    with unit_of_work(hall().session_factory) as write:
        audit.record(write, actor(), action, entity, entity_id, after=after)


def rollback() -> None:
    """Undo what a failed service call flushed, before showing its message in the form."""
    db().rollback()


def today() -> date:
    """The hall's calendar day (the hall's time zone, not the server's)."""
    return hall_today(settings().dues)


def actor() -> Actor:
    return g.actor


def current_user() -> User:
    return g.user


def idle_limit_seconds() -> int:
    return 60 * int(current_app.config.get("CONSOLE_IDLE_MINUTES", DEFAULT_IDLE_MINUTES))


def start_session(user: User) -> None:
    """Sign in: a fresh session (nothing carried over from before sign-in)."""
    session.clear()
    now = int(time.time())
    session["uid"] = user.id
    session["ver"] = user.session_version
    session["login_at"] = now
    session["seen_at"] = now


def end_session() -> None:
    session.clear()


def _signed_in_user() -> tuple[User | None, str | None]:
    """The signed-in user, or why there is none (a message for the sign-in page)."""
    uid = session.get("uid")
    if uid is None:
        return None, None
    now = int(time.time())
    if now - int(session.get("seen_at", 0)) > idle_limit_seconds():
        return None, "长时间未操作，已自动退出，请重新登录"
    if now - int(session.get("login_at", 0)) > 3600 * settings().staff_token_hours:
        return None, "登录已超过有效时间，请重新登录"
    user = db().get(User, uid)
    if user is None or not user.active:
        return None, "账户已停用，请联系管理员"
    if session.get("ver") != user.session_version:
        # Signed out elsewhere, or the password was changed or reset (docs/security.md).
        return None, "登录已失效，请重新登录"
    session["seen_at"] = now
    return user, None


def signed_in_user() -> tuple[User | None, str | None]:
    """The signed-in user, or why there is none (for pages outside ``login_required``)."""
    return _signed_in_user()


def login_required(
    action: policy.Action | None = None,
    *,
    variants: dict[str, policy.Action] | None = None,
    read_only: bool | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Sign-in (and, if named, the policy's leave for ``action``) required; one transaction
    per request. A page serving several verbs through its ``action`` URL part (``/…/<any(
    confirm,cancel):action>``) names the stricter action of a verb in ``variants``.

    A GET runs in a read-only transaction unless ``read_only=False`` (docs/transactions.md)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Any:
            if "console_db" not in g:
                g.console_read_only = request.method == "GET" if read_only is None else read_only
            session_ = db()
            try:
                user, reason = _signed_in_user()
                if user is None:
                    end_session()
                    if reason:
                        flash(reason, "warning")
                    target = request.full_path if request.method == "GET" else None
                    return redirect(url_for("console.login", next=target))
                g.user = user
                g.actor = Actor.for_user(user)
                needed = (variants or {}).get(kwargs.get("action", ""), action)
                if needed is not None:
                    policy.authorize(g.actor, needed)
                result = view(**kwargs)
                session_.commit()
                return result
            except BaseException:
                session_.rollback()
                raise

        wrapper.policy_action = action  # type: ignore[attr-defined]  # read by tests
        wrapper.policy_variants = variants or {}  # type: ignore[attr-defined]
        return wrapper

    return decorator


@console_bp.teardown_app_request
def _close_db(_exc: BaseException | None) -> None:
    session_ = g.pop("console_db", None)
    if session_ is not None:
        session_.close()


@console_bp.app_template_global()
def console_menu() -> list:
    user = g.get("user")
    return menu_for(user.role if user else None)


@console_bp.app_template_global()
def may(action: str) -> bool:
    """Whether the signed-in user may do ``action`` (a policy action name): to hide buttons."""
    acting = g.get("actor")
    return acting is not None and policy.allows(acting, policy.Action(action))


@console_bp.app_template_filter("yuan")
def yuan_filter(fen: int | None) -> str:
    from backend.services.money import format_yuan

    return "—" if fen is None else format_yuan(fen)


@console_bp.app_template_filter("sex")
def sex_filter(value: str | None) -> str:
    return {"M": "男", "F": "女"}.get(value or "", "")


@console_bp.app_template_filter("day")
def day_filter(value: Any) -> str:
    """A date as 2025-07-01; a stored (UTC) timestamp in the hall's local time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return to_local(value, settings().dues).strftime("%Y-%m-%d %H:%M")
    return value.isoformat()


def utc_start_of(day: date) -> datetime:
    """The stored (naive UTC) timestamp at which the hall's local ``day`` begins."""
    return hall_clock.utc_start_of(day, settings().dues.timezone)


def _error_page(status: int, message: str) -> tuple[str, int]:
    return render_template("console/error.html", status=status, message=message), status


@console_bp.before_request
def _refuse_bad_characters() -> tuple[str, int] | None:
    """No console input may carry control characters (docs/security.md): refused before any
    view sees it, so nothing of it is stored."""
    for source in (request.args, request.form):
        for key, value in source.items(multi=True):
            if has_bad_characters(key) or has_bad_characters(value):
                return _error_page(
                    400,
                    "提交的内容含有不可见的控制字符或无效字符（常见于从其他软件复制的内容），"
                    "请返回删除后重新提交",
                )
    return None


@console_bp.errorhandler(DomainError)
def _domain_error(exc: DomainError) -> tuple[str, int]:
    return _error_page(exc.status, exc.message)


@console_bp.errorhandler(CSRFError)
def _csrf_error(_exc: CSRFError) -> tuple[str, int]:
    return _error_page(400, "页面已过期或来源不明，请返回上一页刷新后重试")


_HTTP_MESSAGES = {
    400: "请求有误",
    404: "页面不存在，请检查地址或从左侧菜单进入",
    405: "不支持该操作",
    413: "上传的文件太大",
}


@console_bp.errorhandler(HTTPException)
def http_error_page(exc: HTTPException) -> tuple[str, int] | Response:
    """Also the app's page for console addresses no view matches (``backend/app.py``)."""
    code = exc.code or 500
    return _error_page(code, _HTTP_MESSAGES.get(code, "请求有误"))


@console_bp.errorhandler(Exception)
def _unexpected(exc: Exception) -> tuple[str, int]:
    # No request data in the log line: it may carry personal information.
    log.exception("unhandled console error on %s %s", request.method, request.url_rule)
    return _error_page(500, "系统内部错误，请联系管理员")
