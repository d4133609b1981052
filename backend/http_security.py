"""HTTP hardening for every page and API response (docs/security.md): security headers, Secure
cookies over HTTPS, the client address behind trusted proxies, path integers that fit 64 bits,
and an access log that names no one."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, Response, g, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter, Map

from backend.errors import DomainError
from backend.services import sign_in
from backend.services.input_rules import INT64_MAX
from backend.settings import Settings
from backend.sign_in_shield import REFUSED_KEY, SignInShield

access_log = logging.getLogger("backend.access")

# Scripts only from our own static files; inline style attributes stay allowed (the templates
# use them for layout, and Jinja escapes everything a user typed). No framing by other sites.
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    )
)

_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


class Int64Converter(IntegerConverter):
    """``<int:…>`` in a route: a number too big for the database is "not found", not a 500."""

    def __init__(
        self,
        map: Map,  # noqa: A002 - werkzeug's parameter name
        fixed_digits: int = 0,
        min: int | None = None,  # noqa: A002
        max: int | None = None,  # noqa: A002
        signed: bool = False,
    ) -> None:
        super().__init__(map, fixed_digits, min, INT64_MAX if max is None else max, signed)


class _SessionInterface(SecureCookieSessionInterface):
    """The session cookie is Secure when the setting says so or the request came by HTTPS
    (as the trusted proxy reports it), so one deployment serves both without a second config."""

    def get_cookie_secure(self, app: Flask) -> bool:
        return bool(app.config.get("SESSION_COOKIE_SECURE")) or request.is_secure


def client_address() -> str:
    """The caller's address, as the last trusted proxy saw it (``trusted_proxies``)."""
    return (request.remote_addr or "unknown")[:64]


def note_sign_in_refusal(error: DomainError) -> None:
    """Tell the sign-in shield (below the proxy fix, so it sees the same address) that the
    database refused this address, so that it answers the address's next tries itself."""
    if error.code == "address_limited":
        request.environ[REFUSED_KEY] = True


def install(app: Flask, settings: Settings) -> None:
    """Call before blueprints are registered: the converter applies to routes added after."""
    app.url_map.converters["int"] = Int64Converter
    app.config["SESSION_COOKIE_SECURE"] = settings.secure_cookies
    app.session_interface = _SessionInterface()
    # Wrapping ``wsgi_app`` is Flask's documented way to add middleware; its stubs declare
    # it a method, hence the two ignores.
    app.wsgi_app = SignInShield(  # type: ignore[method-assign]
        app.wsgi_app, sign_in.address_limited(settings).message, _HEADERS
    )
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)  # type: ignore[method-assign]
    app.before_request(_start_clock)
    app.after_request(_finish)


def _start_clock() -> None:
    g.request_started = time.perf_counter()


def _finish(response: Response) -> Response:
    for name, value in _HEADERS.items():
        response.headers.setdefault(name, value)
    if request.is_secure:
        response.headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    _log_access(response)
    return response


def _log_access(response: Response) -> None:
    """One line per request: method, the route's *pattern* (never the path's values, nor the
    query string, which may carry a name or an ID number), status and duration."""
    if not access_log.isEnabledFor(logging.INFO):
        return
    started: Any = g.get("request_started")
    millis = int((time.perf_counter() - started) * 1000) if started else -1
    rule = request.url_rule.rule if request.url_rule is not None else "(no route)"
    access_log.info("%s %s %s %dms", request.method, rule, response.status_code, millis)
