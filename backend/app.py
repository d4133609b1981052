"""The application factory: it wires settings, the database, blueprints and the CLI."""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from typing import Any

from flask import Flask, jsonify, redirect, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import HTTPException

from backend import http_security
from backend.db import make_engine, make_read_session_factory, make_session_factory
from backend.errors import DomainError
from backend.services import hall_clock
from backend.settings import DATA_DIR, Settings

log = logging.getLogger(__name__)

SWITCH_INTERVAL_SECONDS = 0.0005


@dataclass
class Hall:
    """What the app holds for its requests and commands."""

    settings: Settings
    engine: Engine
    session_factory: sessionmaker[Session]
    read_session_factory: sessionmaker[Session]  # no write lock: docs/transactions.md


_HTTP_MESSAGES = {
    404: "请求的地址不存在",
    405: "不支持该请求方法",
    413: "上传的文件太大",
    415: "不支持的内容类型",
}


def create_app(settings: Settings | None = None, **overrides: Any) -> Flask:
    settings = settings or Settings.from_env(**overrides)
    # One process serves the kiosks and the console: a long export is CPU-bound Python, and at
    # the default 5 ms switch interval a tap (dozens of short waits on the database, each
    # handing the GIL back) would queue 5 ms behind it at every wait (docs/transactions.md).
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)
    hall_clock.use_zone(settings.dues.timezone)
    app = Flask(__name__, instance_path=str(DATA_DIR / "instance"))
    app.config.update(
        SECRET_KEY=settings.secret_key,
        MAX_CONTENT_LENGTH=32 * 1024 * 1024,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
    )
    # Flask's default provider has ``ensure_ascii``; its stubs type ``app.json`` as the base class.
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    http_security.install(app, settings)
    engine = make_engine(settings.database_url)
    app.extensions["hall"] = Hall(
        settings, engine, make_session_factory(engine), make_read_session_factory(engine)
    )

    from backend.api import api_bp
    from backend.console import console_bp

    app.register_blueprint(api_bp)
    from backend.api.verify import verify_bp

    app.register_blueprint(verify_bp)
    app.register_blueprint(console_bp)
    # Console forms carry CSRF tokens; the JSON API authenticates with bearer tokens and
    # device keys instead, so it is exempt. Tokens live as long as the console session.
    app.config["WTF_CSRF_TIME_LIMIT"] = None
    CSRFProtect(app).exempt(api_bp)
    app.add_url_rule("/", "root", lambda: redirect(url_for("console.home")))
    _register_errors(app)

    from backend.cli import register_cli

    register_cli(app)
    return app


def _register_errors(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def _domain(exc: DomainError) -> ResponseReturnValue:
        body: dict[str, Any] = {"code": exc.code, "message": exc.message}
        if exc.details is not None:
            body["details"] = exc.details
        return jsonify(body), exc.status

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> ResponseReturnValue:
        if request.path == "/console" or request.path.startswith("/console/"):
            # An unknown console address (no console view ran): the console's Chinese page.
            from backend.console.web import http_error_page

            return http_error_page(exc)
        if not request.path.startswith("/api/"):
            return exc
        code = exc.code or 500
        message = _HTTP_MESSAGES.get(code, "请求有误")
        return jsonify({"code": f"http_{code}", "message": message}), code

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> ResponseReturnValue:
        # No request data in the log line: it may carry personal information.
        log.exception("unhandled error on %s %s", request.method, request.url_rule)
        return jsonify({"code": "internal_error", "message": "系统内部错误，请联系管理员"}), 500
