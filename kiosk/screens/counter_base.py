"""The base of the counter screens: the controller and the staff API at hand, a header with
who is signed in, and the hooks a screen may implement (a card tapped, member data cleared)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, cast
from zoneinfo import ZoneInfo

from kivy.properties import StringProperty

from kiosk.screens.base import KioskScreen

if TYPE_CHECKING:
    from kiosk.counter.api import CounterApi
    from kiosk.counter.controller import CounterController


#: The hall's zone, for dates offered in forms (the backend checks them against its own day).
HALL_ZONE = ZoneInfo("Asia/Shanghai")


class CounterScreen(KioskScreen):
    staff_label = StringProperty("")

    @property
    def counter(self) -> CounterController:
        return cast("CounterController", self.ctx.nav)

    @property
    def api(self) -> CounterApi:
        return self.counter.api

    def on_pre_enter(self, *_args: Any) -> None:
        self.staff_label = self.counter.staff.label

    def card_tapped(self, uid: str) -> bool:
        """A card was tapped while this screen shows; True when the screen took it."""
        return False


def yuan_to_fen(text: str) -> int | None:
    """ "76.50" → 7650 (a figure the backend sent); ``None`` for anything else."""
    try:
        value = Decimal(str(text).replace(",", ""))
    except (InvalidOperation, ValueError):
        return None
    return int(value * 100)


def fen_to_yuan(fen: int) -> str:
    return f"{fen // 100}.{fen % 100:02d}"


def month_label(key: str) -> str:
    """ "2026-03" → "2026年3月"."""
    year, month = key.split("-")
    return f"{year}年{int(month)}月"


def today_month() -> str:
    today = hall_date()
    return f"{today.year}-{today.month:02d}"


def hall_date() -> date:
    """The hall's calendar day (Beijing time), whatever zone the machine runs in."""
    return datetime.now(HALL_ZONE).date()
