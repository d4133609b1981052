"""光荣榜: 优秀共产党员, 优秀党务工作者, 先进基层党组织 and the fund's donors.

Entries show name, photo (only where the backend sends one, i.e. with consent), organization,
awarding body and citation. Donors are listed by name only when they consented; the rest are
a count and a total (the backend already applies that rule; this screen only shows it).
"""

from __future__ import annotations

from functools import partial
from typing import Any

from kivy.metrics import mm
from kivy.properties import ObjectProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.client import ApiError
from kiosk.content import honor_rows
from kiosk.images import texture_from_bytes
from kiosk.screens.base import KioskScreen

ROW_HEIGHT_MM = {"heading": 16, "entry": 32}


class HonorHeading(BoxLayout):
    text = StringProperty("")


class HonorEntryRow(BoxLayout):
    title = StringProperty("")
    detail = StringProperty("")
    citation = StringProperty("")
    texture = ObjectProperty(None, allownone=True)


def view_data(rows: list[dict[str, Any]], textures: dict[str, Any], scale: float) -> list[dict]:
    """RecycleView items for ``rows``: a view class and a height per kind of row."""
    data = []
    for row in rows:
        if row["kind"] == "heading":
            data.append(
                {
                    "viewclass": "HonorHeading",
                    "text": row["text"],
                    "height": mm(ROW_HEIGHT_MM["heading"]) * scale,
                }
            )
        else:
            data.append(
                {
                    "viewclass": "HonorEntryRow",
                    "title": row["title"],
                    "detail": row["detail"],
                    "citation": row["citation"],
                    "texture": textures.get(row["photo_url"]),
                    "height": mm(ROW_HEIGHT_MM["entry"]) * scale,
                }
            )
    return data


class HonorsScreen(KioskScreen):
    empty_text = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        self._rows: list[dict[str, Any]] = []
        self._textures: dict[str, Any] = {}

    def on_pre_enter(self, *_args: object) -> None:
        self.empty_text = "正在加载…" if not self._rows else ""
        self.ctx.client.honors(self._got, self._failed)

    def _got(self, honors: dict[str, Any]) -> None:
        self._rows = honor_rows(honors)
        self.empty_text = "" if self._rows else "光荣榜暂无内容"
        self._refresh()
        for row in self._rows:
            url = row.get("photo_url")
            if url and url not in self._textures:
                self._textures[url] = None
                self.ctx.client.media(url, None, partial(self._photo, url), lambda _error: None)

    def _photo(self, url: str, data: bytes) -> None:
        self._textures[url] = texture_from_bytes(data)
        self._refresh()

    def _refresh(self) -> None:
        self.ids.roll.data = view_data(self._rows, self._textures, self.ctx.theme.scale)

    def _failed(self, error: ApiError) -> None:
        if not self._rows:
            self.empty_text = error.message
