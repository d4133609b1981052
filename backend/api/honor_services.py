"""Honor services (党员荣誉服务) in the API: the window issues a free use and its 荣誉服务通知单;
a member at the kiosk sees their offers and prints their own notice, by their card session only
(docs/honor-services.md)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.api.kiosk import card_member
from backend.errors import NotFound
from backend.models import HonorUse, Member
from backend.services import honor_service_notice, honor_service_rules, honor_service_uses
from backend.services.dues_year import hall_today
from backend.services.masking import mask_name
from backend.services.policy import Action
from backend.services.scope import get_member

ERRORS = (400, 401, 404, 409)


class HonorIssueIn(BaseModel):
    member_id: int = Field(ge=1, description="党员ID")
    offer_id: int = Field(ge=1, description="优惠项目ID")


class KioskIssueIn(BaseModel):
    offer_id: int = Field(ge=1, description="优惠项目ID")


class UseOut(BaseModel):
    id: int
    notice_no: str
    year: int
    use_no: int
    venue: str
    offer: str


class HonorNoticeOut(BaseModel):
    use: UseOut
    document: dict[str, Any] = Field(description="荣誉服务通知单打印文档")


class OfferOut(BaseModel):
    offer_id: int
    venue: str
    address: str
    title: str
    schedule: str
    free_uses: int
    used: int
    left: int
    use_ids: list[int] = Field(description="本年度已开具通知单（可补打）")


class StandingOut(BaseModel):
    name_masked: str
    year: int
    eligible: bool
    reasons: list[str]
    offers: list[OfferOut]


def use_out(use: HonorUse) -> UseOut:
    return UseOut(
        id=use.id,
        notice_no=use.notice_no,
        year=use.year,
        use_no=use.use_no,
        venue=use.offer.venue.name,
        offer=use.offer.title,
    )


def standing_out(ctx: Ctx, member: Member) -> StandingOut:
    today = hall_today(ctx.settings.dues)
    reasons = honor_service_rules.reasons(ctx.session, member, today)
    offers = []
    if reasons:
        for s in honor_service_uses.standings(ctx.session, member, today):
            offers.append(
                OfferOut(
                    offer_id=s.offer.id,
                    venue=s.offer.venue.name,
                    address=s.offer.venue.address,
                    title=s.offer.title,
                    schedule=s.offer.schedule,
                    free_uses=s.offer.free_uses,
                    used=s.used,
                    left=s.left,
                    use_ids=honor_service_uses.use_ids(ctx.session, s.offer.id, member.id, today),
                )
            )
    return StandingOut(
        name_masked=mask_name(member.name),
        year=today.year,
        eligible=bool(reasons),
        reasons=[r.label for r in reasons],
        offers=offers,
    )


@endpoint(
    api_bp,
    "/honor-services/members/<int:member_id>",
    summary="党员的荣誉服务：享受条件、可用优惠和本年度剩余次数",
    response=StandingOut,
    errors=(404,),
    action=Action.READ,
)
def honor_member_standing(ctx: Ctx, member_id: int) -> StandingOut:
    return standing_out(ctx, get_member(ctx.session, ctx.actor, member_id))


@endpoint(
    api_bp,
    "/honor-services/uses",
    method="POST",
    summary="登记一次荣誉服务免费使用并开具荣誉服务通知单",
    body=HonorIssueIn,
    response=HonorNoticeOut,
    status=201,
    errors=ERRORS,
    action=Action.HONOR_SERVICE_ISSUE,
)
def honor_issue(ctx: Ctx, body: HonorIssueIn) -> HonorNoticeOut:
    member = get_member(ctx.session, ctx.actor, body.member_id)
    use = honor_service_uses.issue(
        ctx.session, ctx.actor, member, body.offer_id, today=hall_today(ctx.settings.dues)
    )
    document = honor_service_notice.notice_document(ctx.settings, use)
    return HonorNoticeOut(use=use_out(use), document=document.to_dict())


@endpoint(
    api_bp,
    "/honor-services/uses/<int:use_id>/reprint",
    method="POST",
    summary="补打荣誉服务通知单（标注补打次数与时间）",
    response=HonorNoticeOut,
    errors=(404,),
    action=Action.HONOR_SERVICE_ISSUE,
)
def honor_reprint(ctx: Ctx, use_id: int) -> HonorNoticeOut:
    use = honor_service_uses.get_use(ctx.session, ctx.actor, use_id)
    honor_service_uses.count_reprint(ctx.session, ctx.actor, use, None)
    document = honor_service_notice.reprint_document(ctx.settings, use)
    return HonorNoticeOut(use=use_out(use), document=document.to_dict())


@endpoint(
    api_bp,
    "/kiosk/session/honor-services",
    summary="本人的荣誉服务：享受条件、可用优惠和本年度剩余次数",
    auth=Auth.DEVICE,
    response=StandingOut,
    errors=(401,),
)
def kiosk_honor_standing(ctx: Ctx) -> StandingOut:
    return standing_out(ctx, card_member(ctx))


@endpoint(
    api_bp,
    "/kiosk/session/honor-services/notice",
    method="POST",
    summary="本人自助开具荣誉服务通知单（返回打印文档）",
    auth=Auth.DEVICE,
    body=KioskIssueIn,
    response=HonorNoticeOut,
    status=201,
    errors=ERRORS,
)
def kiosk_honor_issue(ctx: Ctx, body: KioskIssueIn) -> HonorNoticeOut:
    member = card_member(ctx)
    use = honor_service_uses.issue(
        ctx.session, ctx.actor, member, body.offer_id, today=hall_today(ctx.settings.dues)
    )
    document = honor_service_notice.notice_document(ctx.settings, use)
    return HonorNoticeOut(use=use_out(use), document=document.to_dict())


@endpoint(
    api_bp,
    "/kiosk/session/honor-services/uses/<int:use_id>/reprint",
    method="POST",
    summary="补打本人的荣誉服务通知单",
    auth=Auth.DEVICE,
    response=HonorNoticeOut,
    errors=(401, 403, 404),
)
def kiosk_honor_reprint(ctx: Ctx, use_id: int) -> HonorNoticeOut:
    member = card_member(ctx)
    use = ctx.session.get(HonorUse, use_id)
    if use is None or use.member_id != member.id:
        raise NotFound("未找到本人的这张通知单", code="honor_use_not_found")
    honor_service_uses.count_reprint(ctx.session, ctx.actor, use, member)
    document = honor_service_notice.reprint_document(ctx.settings, use)
    return HonorNoticeOut(use=use_out(use), document=document.to_dict())
