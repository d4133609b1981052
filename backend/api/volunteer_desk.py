"""Setting a kiosk to an activity's card sign-in, and ending it (docs/volunteers.md): staff
calls that carry the kiosk's own device key too, so the setting lands on that kiosk."""

from __future__ import annotations

from pydantic import BaseModel

from backend.api import api_bp
from backend.api.framework import Ctx, endpoint
from backend.api.volunteers import ERRORS, VolunteerActivityOut, activity_out
from backend.services import volunteer_activities, volunteer_sign_in
from backend.services.dues_year import hall_today
from backend.services.policy import Action

DEVICE_HEADER = "X-Device-Key"


class VolunteerDeskOut(BaseModel):
    activity: VolunteerActivityOut
    device: str


@endpoint(
    api_bp,
    "/volunteer-activities/<int:activity_id>/sign-in-desk",
    method="POST",
    summary="把本查询机设置为该活动的刷卡签到（须同时带查询机的设备密钥）",
    response=VolunteerDeskOut,
    status=201,
    errors=ERRORS,
    action=Action.VOLUNTEER_EDIT,
)
def volunteer_open_desk(ctx: Ctx, activity_id: int) -> VolunteerDeskOut:
    activity = volunteer_activities.get_activity(ctx.session, ctx.actor, activity_id)
    device = volunteer_sign_in.kiosk_device(ctx.session, ctx.header(DEVICE_HEADER))
    volunteer_sign_in.open_desk(
        ctx.session, ctx.actor, device, activity, today=hall_today(ctx.settings.dues)
    )
    return VolunteerDeskOut(activity=activity_out(ctx, activity), device=device.name)


@endpoint(
    api_bp,
    "/volunteer-sign-in-desk/close",
    method="POST",
    summary="结束本查询机的活动签到（须同时带查询机的设备密钥）",
    status=204,
    errors=ERRORS,
    action=Action.VOLUNTEER_EDIT,
)
def volunteer_close_desk(ctx: Ctx) -> None:
    device = volunteer_sign_in.kiosk_device(ctx.session, ctx.header(DEVICE_HEADER))
    volunteer_sign_in.close_desk(ctx.session, ctx.actor, device)
