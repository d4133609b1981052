"""The base of every kiosk screen: it receives its collaborators and can forget the member."""

from __future__ import annotations

from typing import Any

from kivy.uix.screenmanager import Screen

from kiosk.context import Collaborators


class KioskScreen(Screen):
    """A screen of the kiosk.

    Screens that show member data override :meth:`clear_member_data`; it is registered with
    the member session and runs whenever the member leaves.
    """

    def __init__(self, ctx: Collaborators, **kwargs: Any) -> None:
        self.ctx = ctx
        super().__init__(**kwargs)
        ctx.session.on_clear(self.clear_member_data)

    def clear_member_data(self) -> None:
        """Empty every widget that could show the member's data."""
