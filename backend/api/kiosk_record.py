"""我的信息 at the kiosk (device key + the member's own card session, docs/kiosk.md).

The member is the one of the session token in ``X-Kiosk-Session``; nothing in the request can
name another member, and everything personal in the answer is masked.
"""

from __future__ import annotations

from pydantic import BaseModel, Field

from backend.api import api_bp
from backend.api.framework import Auth, Ctx, endpoint
from backend.api.kiosk import card_member
from backend.services.dues_year import hall_today
from backend.services.kiosk_record import member_record


class ActivityOut(BaseModel):
    kind: str = Field(description="活动类别代码（disclosure：党务公开）")
    kind_label: str
    title: str
    on: str = Field(description="日期（ISO）")
    ref_id: int | None = Field(description="可在公开栏打开的内容编号")


class MemberRecordOut(BaseModel):
    name_masked: str
    id_masked: str
    phone_masked: str
    org_name: str
    status: str
    status_label: str
    joined_on: str = Field(description="入党日期（ISO）")
    full_member_on: str | None = Field(description="转正日期（ISO）")
    party_age: int | None = Field(description="党龄（整年，自转正起算；预备党员为空）")
    secretary_masked: str = Field(description="所在组织书记（姓名已遮挡）")
    contact_phone: str = Field(description="所在组织联系电话（手机号已遮挡）")
    activities: list[ActivityOut] = Field(description="所在组织近期活动，新的在前")


@endpoint(
    api_bp,
    "/kiosk/session/record",
    summary="当前刷卡党员的本人信息（我的信息，已遮挡）",
    auth=Auth.DEVICE,
    response=MemberRecordOut,
    errors=(401,),
)
def session_record(ctx: Ctx) -> MemberRecordOut:
    member = card_member(ctx)
    record = member_record(ctx.session, member, hall_today(ctx.settings.dues))
    return MemberRecordOut(
        name_masked=record.name_masked,
        id_masked=record.id_masked,
        phone_masked=record.phone_masked,
        org_name=record.org_name,
        status=record.status,
        status_label=record.status_label,
        joined_on=record.joined_on.isoformat(),
        full_member_on=record.full_member_on.isoformat() if record.full_member_on else None,
        party_age=record.party_age_years,
        secretary_masked=record.secretary_masked,
        contact_phone=record.contact_phone,
        activities=[
            ActivityOut(
                kind=a.kind,
                kind_label=a.kind_label,
                title=a.title,
                on=a.on.isoformat(),
                ref_id=a.ref_id,
            )
            for a in record.activities
        ],
    )
