"""Health and the OpenAPI document."""

from __future__ import annotations

from flask import Response, jsonify
from pydantic import BaseModel, Field
from sqlalchemy import text

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.api.openapi import build_document


class Health(BaseModel):
    status: str
    database: str
    center: str
    card_no_digits: int = Field(description="卡号位数（自助机手工输入卡号时按此补零）")


@endpoint(api_bp, "/health", summary="服务状态", auth=Auth.PUBLIC, response=Health)
def health(ctx: Ctx) -> Health:
    ctx.session.execute(text("SELECT 1"))
    return Health(
        status="ok",
        database=ctx.session.get_bind().dialect.name,
        center=ctx.settings.center_name,
        card_no_digits=ctx.settings.card_no_digits,
    )


@api_bp.get("/openapi.json")
def openapi() -> Response:
    return jsonify(build_document("党员服务大厅 API"))
