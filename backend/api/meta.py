"""Health and the OpenAPI document.

``/health`` is also the readiness probe of a deployment (docs/deploy.md): 200 when this process
can reach the database, 503 when it cannot, so a load balancer or ``systemctl`` check sends no
kiosk to a server that could not answer it."""

from __future__ import annotations

import logging

from flask import Response, jsonify
from pydantic import BaseModel, Field
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.api.openapi import build_document
from backend.errors import DomainError

log = logging.getLogger(__name__)


class DatabaseUnavailable(DomainError):
    status = 503
    code = "database_unavailable"


class Health(BaseModel):
    status: str
    database: str
    center: str
    card_no_digits: int = Field(description="卡号位数（自助机手工输入卡号时按此补零）")


@endpoint(api_bp, "/health", summary="服务状态", auth=Auth.PUBLIC, response=Health, errors=(503,))
def health(ctx: Ctx) -> Health:
    try:
        ctx.session.execute(text("SELECT 1"))
    except DBAPIError as exc:
        # The type only: a driver's message may name the server and the user.
        log.warning("health: the database cannot be reached (%s)", type(exc.orig).__name__)
        raise DatabaseUnavailable("数据库暂时无法连接，请稍后再试或联系管理员") from None
    return Health(
        status="ok",
        database=ctx.session.get_bind().dialect.name,
        center=ctx.settings.center_name,
        card_no_digits=ctx.settings.card_no_digits,
    )


@api_bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(build_document("党员服务大厅 API"))
