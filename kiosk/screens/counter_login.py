"""Staff sign-in at the counter: user name and password, or a staff card and its PIN.

After a lock the user name is offered again; passwords and PINs never outlive the attempt.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from kiosk.client import ApiError
from kiosk.screens.counter_base import CounterScreen

CARD_READ = "已读取工作证，请输入PIN后按“登录”"
MISSING = "请输入用户名和密码，或刷工作证"


class CounterLoginScreen(CounterScreen):
    notice = StringProperty("")
    hint = StringProperty("")
    with_card = BooleanProperty(False)
    busy = BooleanProperty(False)

    def on_kv_post(self, base_widget: Any) -> None:
        self._staff_uid: str | None = None

    def on_pre_enter(self, *_args: Any) -> None:
        super().on_pre_enter()
        self.ids.username.set(self.counter.staff.last_username)
        field = self.ids.password if self.counter.staff.last_username else self.ids.username
        Clock.schedule_once(lambda _dt: field.focus(), 0)

    def clear_member_data(self) -> None:
        self._forget_secrets()

    def reset(self) -> None:
        self._forget_secrets()
        self.notice = self.hint = ""
        self.ids.username.clear()

    def card_tapped(self, uid: str) -> bool:
        self._staff_uid = uid
        self.with_card = True
        self.hint = CARD_READ
        self.ids.pin.clear()
        Clock.schedule_once(lambda _dt: self.ids.pin.focus(), 0)
        return True

    def use_password(self) -> None:
        self._staff_uid = None
        self.with_card = False
        self.hint = ""

    def submit(self) -> None:
        if self.busy:
            return
        client = self.ctx.client
        if self.with_card and self._staff_uid:
            pin = self.ids.pin.value.strip()
            if not pin:
                self.hint = "请输入PIN"
                return
            self._start()
            client.staff_card_login(self._staff_uid, pin, self._signed_in, self._failed)
            return
        username = self.ids.username.value.strip()
        password = self.ids.password.value
        if not username or not password:
            self.hint = MISSING
            return
        self._start()
        client.staff_login(username, password, self._signed_in, self._failed)

    def _start(self) -> None:
        self.busy = True
        self.hint = "正在登录…"

    def _signed_in(self, answer: dict[str, Any]) -> None:
        self.busy = False
        self._forget_secrets()
        self.notice = self.hint = ""
        self.counter.signed_in(answer)

    def _failed(self, error: ApiError) -> None:
        self.busy = False
        self.hint = error.message
        self.ids.password.clear()
        self.ids.pin.clear()

    def _forget_secrets(self) -> None:
        self._staff_uid = None
        self.with_card = False
        if "password" in self.ids:
            self.ids.password.clear()
            self.ids.pin.clear()
