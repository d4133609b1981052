"""Console forms answered once: a double-clicked 批准 or 确认, or the same form sent again after
a lost answer, is carried out once.

Each rendering of such a form carries a fresh one-time token (``{{ once() }}`` from
``_macros.html``). The view, decorated ``@answered_once`` under ``login_required``, claims the
token in the request's own transaction (``services/idempotency.py``): the first submit does the
work and keeps where it redirected to and what it said; a second submit of the same rendering
waits for the first to commit, then is sent to the same page with the same messages and a note
that nothing was done twice. A refused submit (the view rolled back) keeps nothing, so the
corrected form goes through. See docs/transactions.md.
"""

from __future__ import annotations

import functools
import json
import secrets
from collections.abc import Callable, Collection
from typing import Any

from flask import flash, redirect, request, session, url_for
from sqlalchemy import inspect

from backend.console import console_bp
from backend.console.web import actor, db
from backend.errors import DomainError
from backend.services import idempotency

FIELD = "once_token"
ALREADY_DONE = "这张表单刚才已经提交过，未重复办理"
CHANGED = "这张表单已经提交过，内容与第一次不同，未办理：请刷新页面后重新填写"


@console_bp.app_template_global()
def once_token() -> str:
    """A fresh token for one rendering of one form."""
    return secrets.token_urlsafe(24)


def _flashes() -> list[Any]:
    return list(session.get("_flashes", []))


def answered_once(
    actions: Collection[str] | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Carry out the decorated POST once per form token; with ``actions``, only when the URL's
    ``action`` part is one of them (a form that also downloads, say, is sent as often as asked)."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def wrapper(**kwargs: Any) -> Any:
            token = request.form.get(FIELD)
            if not token or (actions is not None and kwargs.get("action") not in actions):
                return view(**kwargs)
            form = {k: request.form.getlist(k) for k in request.form if k != "csrf_token"}
            digest = idempotency.fingerprint({"path": request.path, "form": form})
            try:
                claimed = idempotency.claim(db(), actor(), token, f"POST {request.path}", digest)
            except DomainError as exc:
                flash(CHANGED if exc.code == "idempotency_key_reused" else exc.message, "error")
                return redirect(request.referrer or url_for("console.home"))
            if isinstance(claimed, idempotency.Replay):
                first = json.loads(claimed.answer)
                for category, message in first["flashes"]:
                    flash(message, category)
                flash(ALREADY_DONE, "info")
                return redirect(first["to"])
            before = len(_flashes())
            result = view(**kwargs)
            if inspect(claimed).persistent:  # not rolled back: the work stands
                back = request.referrer or url_for("console.home")
                to = getattr(result, "location", None) or back
                said = _flashes()[before:]
                idempotency.answer(claimed, 303, json.dumps({"to": to, "flashes": said}))
            return result

        return wrapper

    return decorator
