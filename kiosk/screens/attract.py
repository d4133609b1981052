"""The attract loop: the honor roll and the latest notices scroll by slowly; a touch ends it.

Only public content is shown here (no session token is ever sent), so nothing personal can
appear on an unattended screen.
"""

from __future__ import annotations

from typing import Any

from kivy.animation import Animation
from kivy.properties import NumericProperty, StringProperty

from kiosk.client import ApiError
from kiosk.content import honor_rows
from kiosk.screens.base import KioskScreen
from kiosk.widgets import TextLabel

SECONDS_PER_LINE = 2.5
NOTICES = 8


class AttractLine(TextLabel):
    base_size = NumericProperty(24)


class AttractScreen(KioskScreen):
    caption = StringProperty("请将党员卡放在读卡区，或轻触屏幕开始")

    def on_kv_post(self, base_widget: Any) -> None:
        self._honors: list[dict[str, Any]] = []
        self._notices: list[dict[str, Any]] = []
        self._animation: Animation | None = None

    def on_enter(self, *_args: object) -> None:
        self.ctx.client.honors(self._got_honors, self._ignore)
        if self.ctx.config.shows_board:
            self.ctx.client.documents(None, 1, NOTICES, None, self._got_notices, self._ignore)
        self._build()

    def on_leave(self, *_args: object) -> None:
        if self._animation is not None:
            self._animation.cancel(self.ids.scroller)
            self._animation = None

    def on_touch_down(self, touch: Any) -> bool:
        self.ctx.nav.home()
        return True

    def _got_honors(self, honors: dict[str, Any]) -> None:
        self._honors = honor_rows(honors)
        self._build()

    def _got_notices(self, page: dict[str, Any]) -> None:
        self._notices = list(page.get("items", []))
        self._build()

    def _ignore(self, _error: ApiError) -> None:
        return None

    def _build(self) -> None:
        box = self.ids.lines
        box.clear_widgets()
        lines: list[tuple[str, int, bool]] = []
        if self._notices:
            lines.append(("党务公开 · 最新", 32, True))
            lines += [(f"{n.get('date', '')}　{n['title']}", 24, False) for n in self._notices]
        if self._honors:
            lines.append(("光荣榜", 32, True))
            for row in self._honors:
                if row["kind"] == "heading":
                    lines.append((row["text"], 28, True))
                else:
                    lines.append((f"{row['title']}　{row['detail']}", 24, False))
        for text, size, bold in lines:
            box.add_widget(AttractLine(text=text, base_size=size, bold=bold))
        self._scroll()

    def _scroll(self) -> None:
        scroller = self.ids.scroller
        if self._animation is not None:
            self._animation.cancel(scroller)
        scroller.scroll_y = 1
        count = max(len(self.ids.lines.children), 1)
        self._animation = Animation(scroll_y=0, duration=count * SECONDS_PER_LINE)
        self._animation.bind(on_complete=lambda *_a: self._scroll())
        self._animation.start(scroller)
