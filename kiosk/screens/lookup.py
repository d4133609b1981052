"""Look-up without a card (兼顾卡号: docs/kiosk.md): card number + last six
characters of the ID number.

The member types on an on-screen number pad; "X" is accepted only as the ID's check character.
The card number's width is the hall's setting, read from the backend (``/health``'s
``card_no_digits``): a shorter number is padded with zeros, and the pad moves on to the ID
box once the number is complete.
A wrong entry keeps the member here with the right field kept and the wrong one cleared (the
backend says which); what was typed is cleared when the screen is left, whatever the outcome.
"""

from __future__ import annotations

from kivy.properties import StringProperty

from kiosk.client import MAX_CARD_NO_DIGITS
from kiosk.screens.base import KioskScreen
from kiosk.widgets import BACKSPACE

ID_TAIL = 6


class LookupScreen(KioskScreen):
    card_no = StringProperty("")
    id_last6 = StringProperty("")
    field = StringProperty("card_no")  # which box the pad types into
    hint = StringProperty("")
    _submitted: tuple[str, str] = ("", "")

    def on_pre_enter(self, *_args: object) -> None:
        self.clear_member_data()
        if self.ctx.client.card_no_digits is None:
            self.ctx.client.load_hall_settings()

    @property
    def card_no_digits(self) -> int | None:
        """The hall's card-number width; ``None`` until the backend has told us."""
        return self.ctx.client.card_no_digits

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
            width = self.card_no_digits
            if key.isdigit() and len(value) < (width or MAX_CARD_NO_DIGITS):
                self.card_no = value + key
            if width is not None and len(self.card_no) == width:
                self.field = "id_last6"
        elif len(value) < ID_TAIL and (key.isdigit() or len(value) == ID_TAIL - 1):
            self.id_last6 = value + key
        self.hint = ""

    def submit(self) -> None:
        if not self.card_no or len(self.id_last6) != ID_TAIL:
            self.hint = "请输入卡号和身份证号后六位"
            return
        self._submitted = (self.card_no, self.id_last6)
        card_no = self.card_no.zfill(self.card_no_digits or 0)
        self.ctx.nav.manual_lookup(card_no, self.id_last6)
