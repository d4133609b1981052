"""Home: "请将党员卡放在读卡区" and three large buttons; a quiet spell starts the attract loop."""

from __future__ import annotations

from typing import Any

from kivy.properties import StringProperty

from kiosk.screens.base import KioskScreen

CARD_PROMPT = "请将党员卡放在读卡区"


class HomeScreen(KioskScreen):
    prompt = StringProperty(CARD_PROMPT)
    status_text = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        self._all_buttons = list(reversed(self.ids.buttons.children))
        self.apply_mode()

    def apply_mode(self) -> None:
        """Show the buttons the configured mode offers (again after the console changed it)."""
        config = self.ctx.config
        hidden = set()
        if not config.shows_member:
            hidden.add(self.ids.lookup_button)
        if not config.shows_board:
            hidden.add(self.ids.disclosure_button)
        self.prompt = CARD_PROMPT if config.shows_member else "欢迎查阅党务公开和光荣榜"
        for member_only in (self.ids.community_button, self.ids.volunteer_desk_button):
            member_only.opacity = 1 if config.shows_member else 0  # keeps the row's layout
            member_only.disabled = not config.shows_member
        buttons = self.ids.buttons
        buttons.clear_widgets()
        for button in self._all_buttons:
            if button not in hidden:
                buttons.add_widget(button)

    def toggle_large_text(self) -> None:
        theme = self.ctx.theme
        theme.set_large_text(theme.scale == 1.0)

    def toggle_contrast(self) -> None:
        theme = self.ctx.theme
        theme.set_high_contrast(not theme.high_contrast)
