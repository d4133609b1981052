"""Staff member endpoints for the counter: search, detail, the dues ledger, the monthly amount.

Every read goes through ``scope``: a member outside the user's subtree answers 404, exactly as
a member that does not exist.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.errors import Invalid
from backend.services import cards, dues_year, hall_clock, ledger, member_search, scope
from backend.services.assessment import assess
from backend.services.masking import mask_id_number
from backend.services.money import format_yuan, parse_yuan
from backend.services.policy import Action


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else format_yuan(fen)


class SearchQuery(BaseModel):
    q: str = Field(min_length=1, max_length=50, description="姓名、卡号、党员编号或身份证号")
    limit: int = Field(default=20, ge=1, le=member_search.MAX_RESULTS)
    include_archived: bool = Field(default=False, description="包括删除党员库中的党员")


class MemberHitOut(BaseModel):
    id: int
    name: str
    sex: str
    birth_year: int
    id_masked: str
    card_no: str | None
    member_no: str | None
    org_id: int
    org_code: str
    org_name: str
    status_label: str
    archived: bool


class SearchOut(BaseModel):
    items: list[MemberHitOut]


class MemberWarningOut(BaseModel):
    level: str
    text: str


class MemberOut(BaseModel):
    id: int
    name: str
    sex: str
    birth_date: str
    id_number: str
    id_masked: str
    ethnicity: str
    education: str | None
    phone: str | None
    address: str | None
    status: str
    status_label: str
    joined_date: str
    full_member_date: str | None
    org_id: int
    org_code: str
    org_name: str
    card_no: str | None
    member_no: str | None
    card_state: str | None
    card_state_label: str | None
    dues_category: str
    dues_category_label: str
    dues_base: str | None
    monthly_dues: str | None
    arrears: str
    consecutive_unpaid: int
    months_owed: int = Field(
        description="欠交月数（往月未交清的月份，不论是否连续；提醒与警示据此）"
    )
    warning: MemberWarningOut
    archived: bool
    floating: bool = Field(description="流动党员（持流动党员活动证）")
    hardship: bool = Field(description="困难党员")


class LedgerQuery(BaseModel):
    year: int | None = Field(default=None, ge=2000, le=2100, description="年度，默认今年")


class LedgerMonthOut(BaseModel):
    month: str
    state: str
    state_label: str
    due: str | None
    paid: str
    paid_at: str | None
    payment_id: int | None
    slip_no: str | None


class LedgerOut(BaseModel):
    member_id: int
    year: int
    monthly_dues: str | None
    months: list[LedgerMonthOut]
    due_total: str
    paid_total: str
    arrears: str
    unpaid_months: list[str]
    consecutive_unpaid: int
    months_owed: int = Field(
        description="欠交月数（往月未交清的月份，不论是否连续；提醒与警示据此）"
    )
    warning: MemberWarningOut
    advance_until: str


class DuesAmountIn(BaseModel):
    monthly: str | None = Field(default=None, description="每月党费（元）；不填则按类别和基数核定")
    category: str | None = Field(default=None, description="党费类别，不填则沿用")
    base: str | None = Field(default=None, description="月计算基数（元）")
    from_month: str = Field(alias="from", description='自哪个月起执行，如 "2026-07"')
    reason: str = Field(min_length=1, max_length=200, description="核定或调整的原因")


class DuesAmountOut(BaseModel):
    member_id: int
    assessment_id: int
    monthly: str
    uncapped: str
    capped: bool
    category: str
    from_month: str
    months_updated: int


@endpoint(
    api_bp,
    "/members",
    summary="查找党员（姓名、卡号、党员编号或身份证号；限本人管理范围）",
    query=SearchQuery,
    response=SearchOut,
    action=Action.READ,
)
def search(ctx: Ctx, query: SearchQuery) -> SearchOut:
    hits = member_search.search_members(
        ctx.session,
        ctx.actor,
        query.q,
        limit=query.limit,
        include_archived=query.include_archived,
        card_no_digits=ctx.settings.card_no_digits,
    )
    return SearchOut(
        items=[
            MemberHitOut(
                id=h.id,
                name=h.name,
                sex=h.sex_label,
                birth_year=h.birth_year,
                id_masked=h.id_masked,
                card_no=h.card_no,
                member_no=h.member_no,
                org_id=h.org_id,
                org_code=h.org_code,
                org_name=h.org_name,
                status_label=h.status_label,
                archived=h.archived,
            )
            for h in hits
        ]
    )


@endpoint(
    api_bp,
    "/members/<int:member_id>",
    summary="党员详情",
    response=MemberOut,
    errors=(404,),
    action=Action.READ,
)
def detail(ctx: Ctx, member_id: int) -> MemberOut:
    m = scope.get_member(ctx.session, ctx.actor, member_id)
    today = dues_year.hall_today(ctx.settings.dues)
    card = cards.active_card(ctx.session, m)
    consecutive = ledger.consecutive_unpaid(ctx.session, m.id, today)
    owed = ledger.months_owed(ctx.session, m.id, today)
    warning = ledger.warning_for(owed, ctx.settings.dues)
    return MemberOut(
        id=m.id,
        name=m.name,
        sex={"M": "男", "F": "女"}.get(m.sex, m.sex),
        birth_date=m.birth_date.isoformat(),
        id_number=m.id_number,
        id_masked=mask_id_number(m.id_number),
        ethnicity=m.ethnicity,
        education=m.education,
        phone=m.phone,
        address=m.address,
        status=m.status.value,
        status_label=m.status.label,
        joined_date=m.joined_date.isoformat(),
        full_member_date=m.full_member_date.isoformat() if m.full_member_date else None,
        org_id=m.org_id,
        org_code=m.org.code,
        org_name=m.org.name,
        card_no=m.card_no,
        member_no=m.member_no,
        card_state=card.state.value if card else None,
        card_state_label=card.state.label if card else None,
        dues_category=m.dues_category.value,
        dues_category_label=m.dues_category.label,
        dues_base=_yuan(m.dues_base_fen),
        monthly_dues=_yuan(m.monthly_dues_fen),
        arrears=format_yuan(ledger.arrears_fen(ctx.session, m.id, today)),
        consecutive_unpaid=consecutive,
        months_owed=owed,
        warning=MemberWarningOut(level=warning.level, text=warning.text),
        archived=m.archived,
        floating=m.floating,
        hardship=m.hardship,
    )


@endpoint(
    api_bp,
    "/members/<int:member_id>/ledger",
    summary="党员的党费台账（按年度）",
    query=LedgerQuery,
    response=LedgerOut,
    errors=(404,),
    action=Action.READ,
)
def member_ledger(ctx: Ctx, member_id: int, query: LedgerQuery) -> LedgerOut:
    member = scope.get_member(ctx.session, ctx.actor, member_id)
    today = dues_year.hall_today(ctx.settings.dues)
    view = member_search.ledger_view(
        ctx.session, ctx.settings.dues, member, query.year or today.year, today
    )
    key = dues_year.month_key
    return LedgerOut(
        member_id=member.id,
        year=view.year,
        monthly_dues=_yuan(view.monthly_dues_fen),
        months=[
            LedgerMonthOut(
                month=key(m.year, m.month),
                state=m.state.value,
                state_label=m.state.label,
                due=_yuan(m.due_fen),
                paid=format_yuan(m.paid_fen),
                paid_at=hall_clock.api_timestamp(m.paid_at, ctx.settings.dues.timezone),
                payment_id=m.payment_id,
                slip_no=m.slip_no,
            )
            for m in view.months
        ],
        due_total=format_yuan(view.due_fen),
        paid_total=format_yuan(view.paid_fen),
        arrears=format_yuan(view.arrears_fen),
        unpaid_months=[key(y, m) for y, m in view.unpaid_past],
        consecutive_unpaid=view.consecutive_unpaid,
        months_owed=view.months_owed,
        warning=MemberWarningOut(level=view.warning.level, text=view.warning.text),
        advance_until=key(*view.advance_until),
    )


@endpoint(
    api_bp,
    "/members/<int:member_id>/dues-amount",
    method="POST",
    summary="核定或调整党员每月党费（自某月起执行，已交月份不变）",
    body=DuesAmountIn,
    response=DuesAmountOut,
    errors=(404, 409),
    action=Action.DUES_SET,
)
def set_dues_amount(ctx: Ctx, member_id: int, body: DuesAmountIn) -> DuesAmountOut:
    member = scope.get_member(ctx.session, ctx.actor, member_id)
    year, month = dues_year.parse_month(body.from_month)
    base_fen = parse_yuan(body.base) if body.base else None
    capped = False
    if body.monthly:
        monthly = uncapped = parse_yuan(body.monthly)
    elif body.category or base_fen is not None:
        a = assess(body.category or member.dues_category, base_fen, ctx.settings.dues)
        monthly, uncapped, capped = a.monthly_fen, a.uncapped_fen, a.capped
    else:
        raise Invalid("请填写每月党费金额，或党费类别和月计算基数", code="amount_missing")
    change = dues_year.change_monthly_amount(
        ctx.session,
        ctx.actor,
        member,
        monthly,
        year,
        month,
        body.reason,
        base_fen=base_fen,
        category=body.category,
        uncapped_fen=uncapped,
    )
    return DuesAmountOut(
        member_id=member.id,
        assessment_id=change.assessment.id,
        monthly=format_yuan(monthly),
        uncapped=format_yuan(uncapped),
        capped=capped,
        category=change.assessment.category,
        from_month=dues_year.month_key(year, month),
        months_updated=change.months_updated,
    )
