"""志愿活动签到: a kiosk set by staff to sign members in to one of today's activities by card
tap (docs/volunteers.md).

Setting it up: staff tap their staff card, type their PIN, and choose the activity; the staff
token is used for those two calls only and ended at once — the kiosk then signs members in with
its device key alone. Ending it takes a staff card and PIN again. While it runs, every tap is
this screen's (``hold_taps``) and the kiosk does not go home by itself. Answers show the masked
name only.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.client import ApiError
from kiosk.screens.base import KioskScreen
from kiosk.widgets import BACKSPACE, BigButton

MAX_PIN = 8


class VolunteerDeskScreen(KioskScreen):
    stage = StringProperty("staff")  # staff | pin | choose | desk
    prompt = StringProperty("")
    pin_dots = StringProperty("")
    title = StringProperty("")
    detail = StringProperty("")
    result = StringProperty("")
    result_ok = BooleanProperty(True)

    def on_kv_post(self, base_widget: Any) -> None:
        self._uid = ""
        self._pin = ""
        self._bearer: str | None = None
        self._closing = False

    def on_pre_enter(self, *_args: object) -> None:
        self._closing = False
        self._ask_staff("正在读取本机的签到设置…")
        self.ctx.client.volunteer_desk(self._show_desk, lambda _e: self._ask_staff())

    def on_enter(self, *_args: object) -> None:
        self.ctx.nav.hold_taps(self.tapped)

    def on_leave(self, *_args: object) -> None:
        self.ctx.nav.release_taps()
        self._end_staff()

    # -- taps ------------------------------------------------------------------------------

    def tapped(self, uid: str) -> None:
        if self.stage == "staff":
            self._uid, self._pin, self.pin_dots = uid, "", ""
            self.stage = "pin"
            self.prompt = "请输入工作证PIN，然后按“确定”"
        elif self.stage == "desk":
            self.result, self.result_ok = "正在签到…", True
            self.ctx.client.volunteer_check_in(uid, self._checked_in, self._check_in_failed)

    def _checked_in(self, answer: dict[str, Any]) -> None:
        self.result, self.result_ok = answer["message"], True
        self.detail = self._detail_line(answer["signed_in"])

    def _check_in_failed(self, error: ApiError) -> None:
        self.result, self.result_ok = error.message, False
        if error.code == "no_sign_in_desk":
            self._ask_staff(error.message)

    # -- staff sign-in with card and PIN ----------------------------------------------------

    def _ask_staff(self, prompt: str = "") -> None:
        self.stage = "staff"
        self.prompt = prompt or (
            "请工作人员刷工作证以结束签到"
            if self._closing
            else "请工作人员刷工作证，设置志愿活动签到"
        )
        self.ids.choices.clear_widgets()

    def press(self, key: str) -> None:
        if key == BACKSPACE:
            self._pin = self._pin[:-1]
        elif key.isdigit() and len(self._pin) < MAX_PIN:
            self._pin += key
        self.pin_dots = "●" * len(self._pin)

    def submit_pin(self) -> None:
        if not self._pin:
            self.prompt = "请输入PIN"
            return
        pin, self._pin, self.pin_dots = self._pin, "", ""
        self.prompt = "正在核对…"
        self.ctx.client.staff_card_login(self._uid, pin, self._signed_in, self._staff_failed)

    def _signed_in(self, answer: dict[str, Any]) -> None:
        self._bearer = answer["token"]
        if self._closing:
            self._staff("POST", "/volunteer-sign-in-desk/close", self._closed)
        else:
            self._staff("GET", "/volunteer-activities", self._show_choices)

    def _staff(self, method: str, path: str, on_ok: Any) -> None:
        assert self._bearer is not None
        self.ctx.client.staff(self._bearer, method, path, on_ok, self._staff_failed)

    def _staff_failed(self, error: ApiError) -> None:
        self._end_staff()
        self._ask_staff(error.message)

    def _end_staff(self) -> None:
        bearer, self._bearer = self._bearer, None
        if bearer is not None:
            self.ctx.client.staff_logout(bearer)

    # -- choosing today's activity ----------------------------------------------------------

    def _show_choices(self, answer: dict[str, Any]) -> None:
        items = answer.get("items", [])
        box = self.ids.choices
        box.clear_widgets()
        if not items:
            self._end_staff()
            self._ask_staff("今天没有可签到的志愿活动，请先在后台登记活动")
            return
        self.stage = "choose"
        self.prompt = "请选择要签到的活动"
        for item in items:
            label = f"{item['team_name']}　{item['place']}　{item['description']}"
            button = BigButton(text=label)
            button.bind(on_release=lambda _b, a=item["id"]: self.choose(a))
            box.add_widget(button)

    def choose(self, activity_id: int) -> None:
        self.prompt = "正在设置…"
        self._staff("POST", f"/volunteer-activities/{int(activity_id)}/sign-in-desk", self._set)

    def _set(self, _answer: dict[str, Any]) -> None:
        self._end_staff()
        self.ctx.client.volunteer_desk(self._show_desk, lambda e: self._ask_staff(e.message))

    def _show_desk(self, desk: dict[str, Any]) -> None:
        self._desk = desk
        self.stage = "desk"
        self.ids.choices.clear_widgets()
        self.title = f"{desk['team']}　志愿活动签到"
        self.detail = self._detail_line(desk["signed_in"])
        self.prompt = "请党员刷卡签到"
        self.result, self.result_ok = "", True

    def _detail_line(self, count: int) -> str:
        desk = getattr(self, "_desk", None) or {}
        where = f"{desk.get('held_on', '')}　{desk.get('place', '')}　{desk.get('description', '')}"
        return f"{where}　已签到 {count} 人"

    # -- ending ---------------------------------------------------------------------------

    def finish(self) -> None:
        """结束签到: staff must confirm with their card and PIN."""
        self._closing = True
        self.result = ""
        self._ask_staff()

    def _closed(self, _answer: Any) -> None:
        self._end_staff()
        self.ctx.nav.home()

    def cancel(self) -> None:
        if self._closing and getattr(self, "_desk", None):
            self._closing = False
            self._show_desk(self._desk)
            return
        self.ctx.nav.home()
