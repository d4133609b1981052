"""Member case statistics for staff: by type, organization and month (docs/cases.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.services import cases_stats
from backend.services.dues_year import hall_today
from backend.services.policy import Action


class StatsQuery(BaseModel):
    year: int | None = Field(default=None, ge=2000, le=2100)


class StatsRowOut(BaseModel):
    label: str
    by_type: dict[str, int]
    total: int


class StatsOut(BaseModel):
    year: int
    summary: list[StatsRowOut]
    by_org: list[StatsRowOut]
    by_month: list[StatsRowOut]


def _rows(rows: list[cases_stats.CountRow]) -> list[StatsRowOut]:
    return [
        StatsRowOut(
            label=r.label, by_type={t.value: n for t, n in r.by_type.items()}, total=r.total
        )
        for r in rows
    ]


@endpoint(
    api_bp,
    "/cases/stats",
    summary="党员诉求统计（按类型、党组织、月份）",
    query=StatsQuery,
    response=StatsOut,
    action=Action.READ,
)
def case_stats(ctx: Ctx, query: StatsQuery) -> StatsOut:
    today = hall_today(ctx.settings.dues)
    stats = cases_stats.statistics(ctx.session, ctx.actor, query.year or today.year, today)
    return StatsOut(
        year=stats.year,
        summary=_rows(stats.summary),
        by_org=_rows(stats.by_org),
        by_month=_rows(stats.by_month),
    )
