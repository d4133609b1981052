"""Look-up without a card (the seed spec's 兼顾卡号; docs/kiosk.md): card number + last six
characters of the ID number.

The member types on an on-screen number pad; "X" is accepted only as the ID's check character.
A wrong entry keeps the member here with the right field kept and the wrong one cleared (the
backend says which); what was typed is cleared when the screen is left, whatever the outcome.
"""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.screens.base import KioskScreen
from kiosk.widgets import BACKSPACE

CARD_NO_DIGITS = 5
ID_TAIL = 6


class LookupScreen(KioskScreen):
    card_no = StringProperty("")
    id_last6 = StringProperty("")
    field = StringProperty("card_no")  # which box the pad types into
    hint = StringProperty("")
    _submitted: tuple[str, str] = ("", "")

    def on_pre_enter(self, *_args: object) -> None:
        self.clear_member_data()

    def on_leave(self, *_args: object) -> None:
        self.clear_member_data()
        self._submitted = ("", "")

    def clear_member_data(self) -> None:
        self.card_no = self.id_last6 = self.hint = ""
        self.field = "card_no"

    def entry_failed(self, field: str | None) -> None:
        """The backend refused the entry: clear the field it named and put the pad on it;
        other refusals (offline, a card backing off) keep what was typed."""
        # Starting the look-up wiped the session and with it the boxes: put back what was sent.
        self.card_no, self.id_last6 = self._submitted
        self._submitted = ("", "")
        if field in ("card_no", "id_last6"):
            setattr(self, field, "")
            self.field = field

    def press(self, key: str) -> None:
        value = getattr(self, self.field)
        if key == BACKSPACE:
            setattr(self, self.field, value[:-1])
            return
        if self.field == "card_no":
            if key.isdigit() and len(value) < CARD_NO_DIGITS:
                self.card_no = value + key
            if len(self.card_no) == CARD_NO_DIGITS:
                self.field = "id_last6"
        elif len(value) < ID_TAIL and (key.isdigit() or len(value) == ID_TAIL - 1):
            self.id_last6 = value + key
        self.hint = ""

    def submit(self) -> None:
        if not self.card_no or len(self.id_last6) != ID_TAIL:
            self.hint = "请输入卡号和身份证号后六位"
            return
        self._submitted = (self.card_no, self.id_last6)
        self.ctx.nav.manual_lookup(self.card_no.zfill(CARD_NO_DIGITS), self.id_last6)
