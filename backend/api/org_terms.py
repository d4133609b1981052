"""换届: terms of office due, one organization's terms, and recording an election with the new
committee (``services.terms``; docs/member-development.md)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.models import OrgTerm
from backend.services import terms
from backend.services.dues_year import hall_today
from backend.services.policy import Action
from backend.services.scope import get_org

ERRORS = (400, 401, 403, 404, 409)


class TermRowOut(BaseModel):
    org_id: int
    org_name: str
    term_start: str
    term_years: int
    due_on: str
    days_left: int = Field(description="距届满天数，负数为已超期")


class TermsQuery(BaseModel):
    days: int | None = Field(default=None, ge=0, le=3650, description="只列出这么多天内届满的")


class TermRowsOut(BaseModel):
    items: list[TermRowOut]


@endpoint(
    api_bp,
    "/terms",
    summary="党组织任期和届满日期",
    query=TermsQuery,
    response=TermRowsOut,
    errors=(400,),
    action=Action.READ,
)
def list_terms(ctx: Ctx, query: TermsQuery) -> TermRowsOut:
    _total, rows = terms.terms_due(
        ctx.session, ctx.actor, hall_today(ctx.settings.dues), query.days, 1000
    )
    return TermRowsOut(
        items=[
            TermRowOut(
                org_id=r.org_id,
                org_name=r.org_name,
                term_start=r.term_start.isoformat(),
                term_years=r.term_years,
                due_on=r.due_on.isoformat(),
                days_left=r.days_left,
            )
            for r in rows
        ]
    )


class SeatIn(BaseModel):
    member_id: int
    post: str = Field(max_length=20, description="书记、副书记、组织委员、宣传委员、纪检委员…")


class TermIn(BaseModel):
    term_start: dt.date = Field(description="换届选举日期（本届开始）")
    term_years: int | None = Field(default=None, ge=1, le=5, description="任期（年）")
    seats: list[SeatIn] | None = Field(
        default=None, max_length=30, description="新一届委员会；不填则只登记任期"
    )
    note: str | None = Field(default=None, max_length=200)


class TermOut(BaseModel):
    id: int
    org_id: int
    term_start: str
    term_years: int
    due_on: str
    note: str | None


def term_out(t: OrgTerm) -> TermOut:
    return TermOut(
        id=t.id,
        org_id=t.org_id,
        term_start=t.term_start.isoformat(),
        term_years=t.term_years,
        due_on=terms.due_on(t).isoformat(),
        note=t.note,
    )


class TermsOut(BaseModel):
    items: list[TermOut]


@endpoint(
    api_bp,
    "/orgs/<int:org_id>/terms",
    summary="党组织历届任期",
    response=TermsOut,
    errors=ERRORS,
    action=Action.READ,
)
def org_terms(ctx: Ctx, org_id: int) -> TermsOut:
    org = get_org(ctx.session, ctx.actor, org_id)
    return TermsOut(items=[term_out(t) for t in terms.history(ctx.session, org)])


@endpoint(
    api_bp,
    "/orgs/<int:org_id>/terms",
    method="POST",
    summary="登记换届和新一届委员会",
    body=TermIn,
    response=TermOut,
    status=201,
    errors=ERRORS,
    action=Action.TERM_EDIT,
)
def record_term(ctx: Ctx, org_id: int, body: TermIn) -> TermOut:
    seats = None if body.seats is None else [terms.Seat(s.member_id, s.post) for s in body.seats]
    term = terms.record_term(
        ctx.session,
        ctx.actor,
        org_id,
        body.term_start,
        term_years=body.term_years,
        seats=seats,
        note=body.note,
        today=hall_today(ctx.settings.dues),
    )
    return term_out(term)
