"""Answering a sign-in flood before Flask (docs/security.md, "Sign-in limits").

The per-address limit lives in the database, so it holds across server processes; but looking
it up still costs a request its Flask routing, a database connection and a query — about 2 ms of
CPU in the one Python process that also serves the kiosks' taps. When 32 clients resend bogus
sign-ins without pause, those milliseconds add up in front of every tap.

So this WSGI middleware remembers, in the process, each address the database has just refused
and answers that address's next sign-ins itself for a few seconds, with the same 429. It only
repeats a refusal the database made: it never refuses on its own, and after
``REMEMBER_SECONDS`` the next attempt asks the database again (an administrator's change, or the
window's end, is seen that soon). The real refusal sets ``REFUSED_KEY`` in the WSGI environ.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from html import escape
from typing import Any

REFUSED_KEY = "hall.sign_in_refused"
REMEMBER_SECONDS = 5.0
MAX_ADDRESSES = 10_000  # a bound on the memory a spread-out flood can take

SIGN_IN_PATHS = frozenset({"/api/v1/auth/login", "/api/v1/auth/card-login", "/console/login"})

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class SignInShield:
    def __init__(
        self,
        app: WsgiApp,
        message: str,
        headers: dict[str, str],
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.message = message
        self.headers = headers
        self.clock = clock
        self._refused: dict[str, float] = {}
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") != "POST" or environ.get("PATH_INFO") not in SIGN_IN_PATHS:
            return self.app(environ, start_response)
        address = environ.get("REMOTE_ADDR") or "unknown"
        if self._still_refused(address):
            return self._refuse(environ, start_response)
        result = self.app(environ, start_response)
        if environ.get(REFUSED_KEY):
            self._remember(address)
        return result

    def _still_refused(self, address: str) -> bool:
        until = self._refused.get(address)
        return until is not None and until > self.clock()

    def _remember(self, address: str) -> None:
        now = self.clock()
        with self._lock:
            if len(self._refused) >= MAX_ADDRESSES:
                self._refused = {a: t for a, t in self._refused.items() if t > now}
                if len(self._refused) >= MAX_ADDRESSES:
                    return
            self._refused[address] = now + REMEMBER_SECONDS

    def _refuse(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
        if str(environ.get("PATH_INFO", "")).startswith("/api/"):
            body = json.dumps(
                {"code": "address_limited", "message": self.message}, ensure_ascii=False
            ).encode()
            kind = "application/json"
        else:
            body = (
                '<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>登录</title>'
                f'<p>{escape(self.message)}</p><p><a href="/console/login">返回登录页</a></p>'
            ).encode()
            kind = "text/html; charset=utf-8"
        start_response(
            "429 Too Many Requests",
            [
                ("Content-Type", kind),
                ("Content-Length", str(len(body))),
                *self.headers.items(),
            ],
        )
        return [body]
