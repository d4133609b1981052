"""The counter's navigation, sign-in, lock, card taps and printing.

It stands where the member kiosk's :class:`~kiosk.controller.KioskController` stands: the app
routes card events, the idle watch and screen navigation here. Signed out, only the sign-in
screen is reachable. A quiet spell of ``lock_seconds`` (or "锁定") locks the counter: every
dialog closes, every screen forgets the member (the shared session's clear hooks), the staff
token is ended on the server and dropped from memory, and the sign-in screen offers the same
user name again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.uix.screenmanager import ScreenManager

from kiosk.client import ApiError, BackendClient
from kiosk.config import KioskConfig
from kiosk.counter.api import CounterApi
from kiosk.counter.asks import Asks
from kiosk.counter.staff import StaffSession
from kiosk.counter.tap_guard import tap_refusal
from kiosk.dialogs import DialogHost
from kiosk.idle import IdleWatch
from kiosk.printing import UNAVAILABLE_MESSAGE, PrintService
from kiosk.session import MemberSession

START = "counter_login"
DESK = "counter_find"
LOCKED = "柜台已锁定，请重新登录"
EXPIRED = "登录已失效，请重新登录"
NO_PRINTER = "本机未配置打印机，无法打印"
UNREADABLE = "无法读取这张卡，请确认卡片放好后再刷一次"


class CounterController:
    def __init__(
        self,
        config: KioskConfig,
        client: BackendClient,
        session: MemberSession,
        dialogs: DialogHost,
        *,
        printing: PrintService | None,
        on_member_active: Callable[[bool], None],
    ) -> None:
        self.config = config
        self.client = client
        self.session = session
        self.dialogs = dialogs
        self.printing = printing
        self.on_member_active = on_member_active
        self.staff = StaffSession()
        self.api = CounterApi(client, self.staff, on_error=self.show_error, on_expired=self.expired)
        self.asks = Asks()
        self.member: dict[str, Any] | None = None
        self.sm: ScreenManager | None = None
        self.idle: IdleWatch | None = None
        #: Called with the job id of every document sent to the printer (tests, bench).
        self.print_listeners: list[Callable[[str], None]] = []

    def attach(self, sm: ScreenManager, idle: IdleWatch) -> None:
        self.sm = sm
        self.idle = idle
        idle.idle_seconds = self.config.lock_seconds
        idle.countdown_seconds = min(self.config.countdown_seconds, self.config.lock_seconds / 2)
        from kivy.core.window import Window  # importing it creates the window: not before now

        Window.bind(on_key_down=self._key_down)

    @property
    def current(self) -> str:
        return self.sm.current if self.sm is not None else ""

    def screen(self, name: str) -> Any:
        assert self.sm is not None
        return self.sm.get_screen(name)

    # -- navigation (the app and the screens call these) ---------------------------------------

    def go(self, name: str) -> None:
        if self.sm is None:
            return
        if name == "home":
            name = DESK if self.staff.signed_in else START
        if not self.staff.signed_in:
            name = START
        if not self.sm.has_screen(name):
            return
        self.sm.current = name
        if self.idle is not None:
            if self.staff.signed_in:
                self.idle.leave_after_idle()
            else:
                self.idle.stop()

    def home(self) -> None:
        self.go("home")

    def leave(self) -> None:
        """The idle watch's timeout: lock."""
        self.lock()

    def attract(self) -> None:
        """The counter has no attract loop."""

    def manual_lookup(self, card_no: str, id_last6: str) -> None:
        """Member self-service only; staff search by name, card number or ID number."""

    def open_document(self, doc_id: int | str) -> None:
        """The counter shows no disclosure board."""

    # -- signing in and out --------------------------------------------------------------------

    def signed_in(self, answer: dict[str, Any]) -> None:
        self.staff.begin(answer["token"], answer["user"])
        self.member = None
        self.go(DESK)

    def lock(self, message: str = LOCKED) -> None:
        self._forget()
        if self.sm is not None:
            self.screen(START).notice = message if self.staff.last_username else ""

    def sign_out(self) -> None:
        self._forget()
        self.staff.last_username = ""
        if self.sm is not None:
            self.screen(START).reset()

    def expired(self, error: ApiError) -> None:
        self.lock(EXPIRED)

    def _forget(self) -> None:
        self.asks.close_all()
        self.dialogs.close_all()
        token = self.staff.wipe()
        self.member = None
        self.session.wipe()  # every screen's clear_member_data runs
        self.on_member_active(False)
        if token is not None:
            self.client.staff_logout(token)
        self.go(START)

    # -- the member being served ---------------------------------------------------------------

    def open_member(self, member_id: int, *, then: Callable[[], object] | None = None) -> None:
        """Load the member's record and this year's ledger, then show them."""

        def got_detail(detail: dict[str, Any]) -> None:
            self.api.ledger(member_id, None, lambda ledger: shown(detail, ledger))

        def shown(detail: dict[str, Any], ledger: dict[str, Any]) -> None:
            self.member = detail
            self.on_member_active(True)
            self.screen("counter_member").show(detail, ledger)
            self.go("counter_member")
            if then is not None:
                then()

        self.api.member(member_id, got_detail)

    def refresh_member(self) -> None:
        if self.member is not None:
            self.open_member(int(self.member["id"]))

    # -- cards ---------------------------------------------------------------------------------

    def card_tapped(self, uid: str) -> None:
        """A screen waiting for a card (staff card, blank card) takes it; otherwise a tap
        opens its member. Refused while a question is open or a change is on its way (the
        member confirmed is always the member shown: ``docs/counter.md``)."""
        if self._refuse_tap():
            return
        self.dialogs.close_all()  # messages about the last step; their follow-ups are moot
        screen = self.sm.current_screen if self.sm is not None else None
        handler = getattr(screen, "card_tapped", None)
        if handler is not None and handler(uid):
            return
        if self.staff.signed_in:
            self.api.card_lookup(uid, lambda answer: self._card_known(uid, answer))

    def _refuse_tap(self) -> bool:
        """Say why a tap cannot be taken now (in the open question, or as a message)."""
        if not self.staff.signed_in:
            return False
        reason = tap_refusal(self.asks, self.api)
        if reason is None:
            return False
        questions = self.asks.open_dialogs
        if questions:
            questions[-1].notice = reason
        else:
            self.dialogs.message(reason)
        return True

    def card_removed(self) -> None:
        """Staff take the card back; the member's record stays until they move on."""

    def unsupported_card(self) -> None:
        self.dialogs.message(UNREADABLE)

    def _card_known(self, uid: str, answer: dict[str, Any]) -> None:
        if self._refuse_tap():  # a question opened while the card was looked up
            return
        member = answer.get("member")
        if answer["state"] == "unknown":
            serving = self.member
            if serving is not None and not serving.get("archived"):
                self.asks.confirm(
                    "未登记的空白卡",
                    f"刷到一张未登记的空白卡，要把它发给{serving['name']}吗？",
                    lambda: self.start_card(uid),
                    ok_text="发卡",
                )
            else:
                self.dialogs.message(
                    f"{answer['message']}。请先查找党员，在党员页面点“办卡/补卡”后再刷卡"
                )
        elif member is None:
            self.dialogs.message(answer["message"])
        elif answer["state"] == "active":
            self.open_member(int(member["id"]))
        else:
            message = answer["message"]
            self.open_member(int(member["id"]), then=lambda: self.dialogs.message(message))

    def start_card(self, uid: str | None = None) -> None:
        if self.member is not None:
            self.screen("counter_card").prepare(self.member, None, uid=uid)
            self.go("counter_card")

    # -- printing and messages -----------------------------------------------------------------

    def print_documents(self, documents: list[tuple[str, dict[str, Any]]], done: str) -> None:
        """Queue ``(job id, document)`` pairs; a known job id is never printed twice."""
        if self.printing is None:
            self.dialogs.message(f"{done}\n{NO_PRINTER}")
            return
        for job_id, document in documents:
            self.printing.submit(document, job_id=job_id)
            for listener in list(self.print_listeners):
                listener(job_id)
        self.dialogs.message(done if self.printing.ready else f"{done}\n{UNAVAILABLE_MESSAGE}")

    def show_error(self, error: ApiError, *, then_home: bool = False) -> None:
        self.dialogs.message(error.message, then=self.home if then_home else None)

    def _key_down(self, _window: Any, key: int, *_args: Any) -> bool:
        """An open question takes the key first; then the screen (``key_down``: arrows,
        Enter, Space on its lists, ``kiosk/counter/keys.py``) unless a message is showing."""
        if self.asks.key(key):
            return True
        if self.asks.open_dialogs or self.dialogs.open_dialogs or self.sm is None:
            return False
        handler = getattr(self.sm.current_screen, "key_down", None)
        return bool(handler is not None and handler(key))
