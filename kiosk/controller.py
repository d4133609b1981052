"""Navigation, the card flow and leaving: what happens between a tap and the member screen.

Every answer from the backend is checked against the session generation it was asked for: a
member who has already left (card removed, idle timeout, "退出") never gets their data put back
on the screen by a slow answer, and a session opened for them on the server is closed again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock
from kivy.uix.screenmanager import ScreenManager

from kiosk.client import ApiError, BackendClient
from kiosk.config import KioskConfig
from kiosk.dialogs import DialogHost
from kiosk.idle import IdleWatch
from kiosk.session import MemberSession

BUSY_AFTER = 0.3  # seconds before "正在查询" appears (fast answers should not flicker)
UNSUPPORTED_CARD = "无法读取这张卡，请确认是党员卡；也可以点“刷卡查询党费”输入卡号查询"
BOARD_SCREENS = ("disclosure", "document")


class KioskController:
    def __init__(
        self,
        config: KioskConfig,
        client: BackendClient,
        session: MemberSession,
        dialogs: DialogHost,
        *,
        on_member_active: Callable[[bool], None],
    ) -> None:
        self.config = config
        self.client = client
        self.session = session
        self.dialogs = dialogs
        self.on_member_active = on_member_active
        self.sm: ScreenManager | None = None
        self.idle: IdleWatch | None = None
        #: Called with the screen name each time a member's record is put on screen (bench).
        self.shown_listeners: list[Callable[[str], None]] = []
        self._busy_timer: Any = None
        self._busy_dialog: Any = None
        #: A screen that takes every card tap for itself instead of a member session opening:
        #: a meeting's or an activity's sign-in desk, the 社区报到 screen (``hold_taps``).
        self._tap_owner: Callable[[str], None] | None = None

    def attach(self, sm: ScreenManager, idle: IdleWatch) -> None:
        self.sm = sm
        self.idle = idle

    @property
    def current(self) -> str:
        return self.sm.current if self.sm is not None else ""

    # -- navigation ------------------------------------------------------------------------

    def go(self, name: str) -> None:
        if self.sm is None or not self.sm.has_screen(name):
            return
        self.sm.current = name
        if self.idle is not None:
            if name == "home":
                self.idle.attract_after_idle()
            elif name == "attract":
                self.idle.stop()
            else:
                self.idle.leave_after_idle()

    def home(self) -> None:
        if self.session.active:
            self.leave()
        else:
            self.go("home")

    def leave(self) -> None:
        """The member is gone: forget everything about them and go home."""
        self._cancel_busy()
        self.dialogs.close_all()
        token = self.session.wipe()
        self.on_member_active(False)
        if token is not None:
            self.client.end_session(token)
        self.go("home")

    def attract(self) -> None:
        if self.current == "home" and not self.session.active:
            self.go("attract")

    def open_document(self, doc_id: int | str) -> None:
        if self.sm is not None and self.sm.has_screen("document"):
            self.sm.get_screen("document").load(doc_id)
            self.go("document")

    # -- card flow -------------------------------------------------------------------------

    def hold_taps(self, owner: Callable[[str], None], *, stay: bool = True) -> None:
        """Give every tap to ``owner`` until ``release_taps``. ``stay``: the idle timer stops
        too, so a kiosk set to sign members in to a meeting or an activity stays on its screen
        (docs/meetings.md, docs/volunteers.md)."""
        self._tap_owner = owner
        if stay and self.idle is not None:
            self.idle.stop()

    def release_taps(self, owner: Callable[[str], None] | None = None) -> None:
        """Taps open member sessions again — unless another screen has taken them since."""
        if owner is None or self._tap_owner == owner:
            self._tap_owner = None

    def card_tapped(self, uid_hex: str) -> None:
        if self._tap_owner is not None:
            self._tap_owner(uid_hex)
            return
        self._start_lookup(by_card=True)
        generation = self.session.generation
        self.client.open_card_session(
            uid_hex,
            lambda answer: self._opened(generation, answer, by_card=True),
            lambda error: self._lookup_failed(generation, error),
        )

    def manual_lookup(self, card_no: str, id_last6: str) -> None:
        self._start_lookup(by_card=False)
        generation = self.session.generation
        self.client.open_manual_session(
            card_no,
            id_last6,
            lambda answer: self._opened(generation, answer, by_card=False),
            lambda error: self._lookup_failed(generation, error, by_card=False),
        )

    def card_removed(self) -> None:
        if self._tap_owner is None and self.session.active and self.session.by_card:
            self.leave()

    def unsupported_card(self) -> None:
        self.dialogs.message(UNSUPPORTED_CARD)

    def show_error(self, error: ApiError, *, then_home: bool = False) -> None:
        self._cancel_busy()
        self.dialogs.message(error.message, then=self.leave if then_home else None)

    def _start_lookup(self, *, by_card: bool) -> None:
        """A new tap replaces whoever was there before: wipe first, then ask."""
        if self.session.active:
            token = self.session.wipe()
            self.on_member_active(False)
            if token is not None:
                self.client.end_session(token)
        else:
            self.session.wipe()
        self.dialogs.close_all()
        self._cancel_busy()
        self._busy_timer = Clock.schedule_once(lambda _dt: self._show_busy(), BUSY_AFTER)

    def _show_busy(self) -> None:
        self._busy_timer = None
        self._busy_dialog = self.dialogs.busy()

    def _cancel_busy(self) -> None:
        if self._busy_timer is not None:
            self._busy_timer.cancel()
            self._busy_timer = None
        if self._busy_dialog is not None:
            self.dialogs.close(self._busy_dialog)
            self._busy_dialog = None

    def _opened(self, generation: int, answer: dict[str, Any], *, by_card: bool) -> None:
        if not self.session.is_current(generation):
            self.client.end_session(answer["token"])  # the member left while we asked
            return
        self._cancel_busy()
        self.session.begin(answer["token"], answer["member"], by_card=by_card)
        self.on_member_active(True)
        assert self.sm is not None
        stay_on_board = self.current in BOARD_SCREENS or not self.config.shows_member
        if stay_on_board and self.sm.has_screen("disclosure"):
            board = self.sm.get_screen("disclosure")
            board.reload()
            self.go("disclosure")
            board.on_pre_enter()
            shown = "disclosure"
        else:
            self.sm.get_screen("member").show(answer["member"])
            self.go("member")
            shown = "member"
        for listener in list(self.shown_listeners):
            listener(shown)

    def _lookup_failed(self, generation: int, error: ApiError, *, by_card: bool = True) -> None:
        if not self.session.is_current(generation):
            return
        self._cancel_busy()
        if by_card or self.sm is None or self.current != "lookup":
            self.show_error(error, then_home=True)
            return
        # A typing mistake: stay on the entry screen and clear only the field that was wrong.
        field = (error.details or {}).get("field") if isinstance(error.details, dict) else None
        self.sm.get_screen("lookup").entry_failed(field)
        self.dialogs.message(error.message)
