"""Member case statistics for staff: by type, organization and month (docs/cases.md)."""

from __future__ import annotations

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.services import cases_stats
from backend.services.dues_year import hall_today
from backend.services.policy import Action


class CaseStatsQuery(BaseModel):
    year: int | None = Field(default=None, ge=2000, le=2100)


class CaseStatsRowOut(BaseModel):
    label: str
    by_type: dict[str, int]
    total: int


class CaseStatsOut(BaseModel):
    year: int
    summary: list[CaseStatsRowOut]
    by_org: list[CaseStatsRowOut]
    by_month: list[CaseStatsRowOut]


def _rows(rows: list[cases_stats.CountRow]) -> list[CaseStatsRowOut]:
    return [
        CaseStatsRowOut(
            label=r.label, by_type={t.value: n for t, n in r.by_type.items()}, total=r.total
        )
        for r in rows
    ]


@endpoint(
    api_bp,
    "/cases/stats",
    summary="党员诉求统计（按类型、党组织、月份）",
    query=CaseStatsQuery,
    response=CaseStatsOut,
    action=Action.READ,
)
def case_stats(ctx: Ctx, query: CaseStatsQuery) -> CaseStatsOut:
    today = hall_today(ctx.settings.dues)
    stats = cases_stats.statistics(ctx.session, ctx.actor, query.year or today.year, today)
    return CaseStatsOut(
        year=stats.year,
        summary=_rows(stats.summary),
        by_org=_rows(stats.by_org),
        by_month=_rows(stats.by_month),
    )
