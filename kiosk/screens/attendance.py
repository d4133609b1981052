"""The meeting attendance mode's two screens (docs/meetings.md).

``attendance_setup``: a staff member taps their staff card, types the PIN on the pad and picks
one of today's meetings. ``attendance``: every card tap signs a member in; the screen shows the
masked name for a few seconds and the count, prints nothing, and never times out to the home
screen. "结束签到" asks for the same staff PIN.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from kiosk.attendance import AttendanceMode
from kiosk.client import ApiError
from kiosk.screens.base import KioskScreen
from kiosk.widgets import BACKSPACE, BigButton

PIN_MAX = 8
RESULT_SECONDS = 6  # how long a signed-in member's masked name stays on the screen
STAFF_PROMPT = "请工作人员刷工作证"
PIN_PROMPT = "请输入工作证PIN，然后点“确定”"
NO_MEETINGS = "今天没有可签到的会议，请先在管理后台计划会议"


def meeting_label(m: dict[str, Any]) -> str:
    start = f" {m['start_time']}" if m.get("start_time") else ""
    return f"{m['kind_label']}：{m['topic']}（{m['org_name']}{start}）"


class PinEntry:
    """The digits typed so far, shown as dots."""

    def __init__(self) -> None:
        self.value = ""

    def press(self, key: str) -> None:
        if key == BACKSPACE:
            self.value = self.value[:-1]
        elif key.isdigit() and len(self.value) < PIN_MAX:
            self.value += key

    @property
    def dots(self) -> str:
        return "●" * len(self.value)


class AttendanceSetupScreen(KioskScreen):
    step = StringProperty("card")  # card | pin | meeting
    prompt = StringProperty(STAFF_PROMPT)
    pin_text = StringProperty("")
    hint = StringProperty("")

    def __init__(self, ctx: Any, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.mode = AttendanceMode(ctx.client)
        self.pin = PinEntry()
        self._handed_over = False
        self._uid: str | None = None

    def on_pre_enter(self, *_args: object) -> None:
        self._handed_over = False
        self._uid = None
        self._show_step("card")
        self.ctx.nav.hold_taps(self.staff_tapped, stay=False)

    def on_leave(self, *_args: object) -> None:
        self.ctx.nav.release_taps(self.staff_tapped)
        if not self._handed_over:
            self.mode.end()
        self.ids.meetings.clear_widgets()

    def _show_step(self, step: str) -> None:
        self.step = step
        self.pin.value = ""
        self.pin_text = ""
        self.hint = ""
        self.prompt = {"card": STAFF_PROMPT, "pin": PIN_PROMPT, "meeting": "请选择要签到的会议"}[
            step
        ]

    def staff_tapped(self, uid: str) -> None:
        if self.step != "card":
            return
        self._uid = uid
        self._show_step("pin")

    def press(self, key: str) -> None:
        if self.step == "pin":
            self.pin.press(key)
            self.pin_text = self.pin.dots
            self.hint = ""

    def submit(self) -> None:
        if self.step != "pin" or self._uid is None:
            return
        if not self.pin.value:
            self.hint = "请输入PIN"
            return
        self.mode.staff_sign_in(self._uid, self.pin.value, self._signed_in, self._failed)

    def _signed_in(self, _answer: Any) -> None:
        self.mode.meetings_today(self._meetings, self._refused)

    def _failed(self, error: ApiError) -> None:
        """The card or the PIN was not accepted: a wrong PIN may be typed again."""
        if error.code == "bad_pin":
            self.pin.value, self.pin_text = "", ""
        else:
            self._show_step("card")
        self.hint = error.message

    def _refused(self, error: ApiError) -> None:
        """Signed in, but this account may not run a sign-in (e.g. a counter clerk): end the
        staff token at once and start again from the staff card."""
        self.mode.end()
        self._show_step("card")
        self.hint = error.message

    def _meetings(self, items: list[dict[str, Any]]) -> None:
        self._show_step("meeting")
        box = self.ids.meetings
        box.clear_widgets()
        if not items:
            self.hint = NO_MEETINGS
        for item in items:
            button = BigButton(text=meeting_label(item))
            button.bind(on_release=lambda _b, m=item: self.choose(m))
            box.add_widget(button)

    def choose(self, meeting: dict[str, Any]) -> None:
        self.mode.choose(meeting)
        self._handed_over = True
        sm = self.manager
        sm.get_screen("attendance").start(self.mode)
        self.ctx.nav.go("attendance")


class AttendanceScreen(KioskScreen):
    meeting_text = StringProperty("")
    count_text = StringProperty("")
    result_text = StringProperty("")
    result_ok = BooleanProperty(True)
    leaving = BooleanProperty(False)
    pin_text = StringProperty("")

    def __init__(self, ctx: Any, **kwargs: Any) -> None:
        super().__init__(ctx, **kwargs)
        self.mode: AttendanceMode | None = None
        self.pin = PinEntry()
        self._clear_event: Any = None

    def start(self, mode: AttendanceMode) -> None:
        self.mode = mode
        meeting = mode.meeting or {}
        self.meeting_text = meeting_label(meeting) if meeting else ""
        self._count(meeting.get("present", 0), meeting.get("expected", 0))
        self.result_text = ""
        self.leaving = False

    def on_enter(self, *_args: object) -> None:
        self.ctx.nav.hold_taps(self.member_tapped)  # the mode stays until staff end it

    def on_leave(self, *_args: object) -> None:
        self.ctx.nav.release_taps(self.member_tapped)
        if self.mode is not None:
            self.mode.end()
        self._reset_result()
        self.meeting_text = self.count_text = ""

    def _count(self, present: int, expected: int) -> None:
        self.count_text = f"已签到 {present} 人　应到 {expected} 人"

    def member_tapped(self, uid: str) -> None:
        if self.mode is not None:
            self.mode.sign_in(uid, self._signed, self._refused)

    def _signed(self, answer: dict[str, Any]) -> None:
        self._count(answer["present"], answer["expected"])
        self._show_result(answer["message"], ok=not answer["already"])

    def _refused(self, error: ApiError) -> None:
        self._show_result(error.message, ok=False)

    def _show_result(self, text: str, *, ok: bool) -> None:
        self.result_text, self.result_ok = text, ok
        if self._clear_event is not None:
            self._clear_event.cancel()
        self._clear_event = Clock.schedule_once(lambda _dt: self._reset_result(), RESULT_SECONDS)

    def _reset_result(self) -> None:
        if self._clear_event is not None:
            self._clear_event.cancel()
            self._clear_event = None
        self.result_text = ""

    # -- leaving: the staff PIN ---------------------------------------------------------------

    def ask_pin(self) -> None:
        self.leaving = True
        self.pin.value, self.pin_text = "", ""

    def cancel_leave(self) -> None:
        self.leaving = False
        self.pin.value, self.pin_text = "", ""

    def press(self, key: str) -> None:
        if self.leaving:
            self.pin.press(key)
            self.pin_text = self.pin.dots

    def submit_pin(self) -> None:
        if self.mode is None or not self.pin.value:
            return
        self.mode.check_pin(self.pin.value, self._left, self._wrong_pin)

    def _left(self) -> None:
        self.leaving = False
        self.ctx.nav.go("home")

    def _wrong_pin(self, error: ApiError) -> None:
        self.pin.value, self.pin_text = "", ""
        self._show_result(error.message, ok=False)
