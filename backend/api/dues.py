"""Dues endpoints for staff: assessment (党费核定)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.services.assessment import assess
from backend.services.money import format_yuan, parse_yuan
from backend.services.policy import Action


class AssessIn(BaseModel):
    category: str = Field(description="employed|retired|farmer|student|unemployed|low_income")
    base: str | None = Field(default=None, description='月计算基数（元），如 "5100.00"')


class AssessOut(BaseModel):
    category: str
    category_label: str
    base: str | None
    rate_percent: str | None
    monthly: str
    uncapped: str
    capped: bool
    rule: str


@endpoint(
    api_bp,
    "/dues/assess",
    method="POST",
    summary="党费核定计算",
    body=AssessIn,
    response=AssessOut,
    action=Action.READ,
)
def assess_dues(ctx: Ctx, body: AssessIn) -> AssessOut:
    base_fen = parse_yuan(body.base) if body.base not in (None, "") else None
    a = assess(body.category, base_fen, ctx.settings.dues)
    return AssessOut(
        category=a.category.value,
        category_label=a.category.label,
        base=format_yuan(a.base_fen) if a.base_fen is not None else None,
        rate_percent=None if a.rate_bp is None else f"{a.rate_bp / 100:g}",
        monthly=format_yuan(a.monthly_fen),
        uncapped=format_yuan(a.uncapped_fen),
        capped=a.capped,
        rule=a.rule,
    )
