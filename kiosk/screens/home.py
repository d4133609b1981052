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
        config = self.ctx.config
        buttons = self.ids.buttons
        if not config.shows_member:
            buttons.remove_widget(self.ids.lookup_button)
            self.ids.community_button.parent.remove_widget(self.ids.community_button)
            self.prompt = "欢迎查阅党务公开和光荣榜"
        if not config.shows_board:
            buttons.remove_widget(self.ids.disclosure_button)

    def toggle_large_text(self) -> None:
        theme = self.ctx.theme
        theme.set_large_text(theme.scale == 1.0)

    def toggle_contrast(self) -> None:
        theme = self.ctx.theme
        theme.set_high_contrast(not theme.high_contrast)
