"""在职党员进社区报到 (docs/meetings.md): staff register a member at the counter; a member
registers themself at a kiosk after a card tap, choosing the community branch from a list."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.api.kiosk import card_member
from backend.models import CommunityRegistration
from backend.services import community
from backend.services.dues_year import hall_today
from backend.services.masking import mask_name
from backend.services.policy import Action


class RegisterIn(BaseModel):
    member_id: int
    org_id: int = Field(description="报到的社区党支部")


class KioskRegisterIn(BaseModel):
    org_id: int = Field(description="报到的社区党支部")


class RegistrationOut(BaseModel):
    id: int
    member_id: int
    org_id: int
    org_name: str
    registered_on: date
    via: str


class CommunityBranchOut(BaseModel):
    id: int
    name: str


class CommunityBranchListOut(BaseModel):
    items: list[CommunityBranchOut]


class KioskRegistrationOut(BaseModel):
    name_masked: str
    org_name: str
    message: str


def _out(r: CommunityRegistration) -> RegistrationOut:
    return RegistrationOut(
        id=r.id,
        member_id=r.member_id,
        org_id=r.org_id,
        org_name=r.org.name,
        registered_on=r.registered_on,
        via=r.via,
    )


@endpoint(
    api_bp,
    "/community/registrations",
    method="POST",
    summary="登记在职党员到社区党支部报到（窗口办理）",
    body=RegisterIn,
    response=RegistrationOut,
    status=201,
    errors=(400, 404, 409),
    action=Action.COMMUNITY_REGISTER,
)
def community_register(ctx: Ctx, body: RegisterIn) -> RegistrationOut:
    registration = community.register_at_counter(
        ctx.session, ctx.actor, body.member_id, body.org_id, hall_today(ctx.settings.dues)
    )
    return _out(registration)


def _community_branches(ctx: Ctx) -> CommunityBranchListOut:
    return CommunityBranchListOut(
        items=[
            CommunityBranchOut(id=o.id, name=o.name)
            for o in community.community_branches(ctx.session)
        ]
    )


@endpoint(
    api_bp,
    "/kiosk/community/branches",
    summary="可报到的社区党支部（查询机选择列表）",
    auth=Auth.DEVICE,
    response=CommunityBranchListOut,
)
def kiosk_community_branches(ctx: Ctx) -> CommunityBranchListOut:
    return _community_branches(ctx)


@endpoint(
    api_bp,
    "/kiosk/session/community",
    method="POST",
    summary="刷卡党员本人到所选社区党支部报到",
    auth=Auth.DEVICE,
    body=KioskRegisterIn,
    response=KioskRegistrationOut,
    errors=(400, 401, 404, 409),
)
def kiosk_community_register(ctx: Ctx, body: KioskRegisterIn) -> KioskRegistrationOut:
    member = card_member(ctx)
    registration = community.register_at_kiosk(
        ctx.session, ctx.actor, member, body.org_id, hall_today(ctx.settings.dues)
    )
    name = mask_name(member.name)
    return KioskRegistrationOut(
        name_masked=name,
        org_name=registration.org.name,
        message=f"{name}，您已到{registration.org.name}报到",
    )
