"""The disclosure reader: large text, A−/A+ buttons, scrolling, pictures.

Blocks arrive as ``heading`` / ``paragraph`` / ``image`` from the backend; pictures are fetched
through the client (with the member's token when the item is member-only).
"""

from __future__ import annotations

from typing import Any

from kivy.properties import NumericProperty, StringProperty
from kivy.uix.image import Image

from kiosk.client import ApiError
from kiosk.images import texture_from_bytes
from kiosk.printing import UNAVAILABLE_MESSAGE
from kiosk.screens.base import KioskScreen
from kiosk.widgets import TextLabel

ZOOM_STEP = 0.2
ZOOM_MIN, ZOOM_MAX = 0.8, 2.0
PRINTING_DOCUMENT = "正在打印，请在出纸口取走（扫描纸上的二维码可阅读全文）"


class DocText(TextLabel):
    base_size = NumericProperty(24)
    zoom = NumericProperty(1.0)


class DocumentScreen(KioskScreen):
    title = StringProperty("")
    meta = StringProperty("")
    zoom = NumericProperty(1.2)

    def on_kv_post(self, base_widget: Any) -> None:
        self._doc_id: int | str | None = None
        self._request = 0
        self._personal = False
        if self.ctx.printing is None:
            self.ids.actions.remove_widget(self.ids.print_button)

    def load(self, doc_id: int | str) -> None:
        """Show ``doc_id`` (called before the screen is entered)."""
        self._clear()
        self._doc_id = doc_id
        self.title = "正在打开…"
        self._request += 1
        request = self._request
        token = self.ctx.session.token
        self._personal = token is not None
        self.ctx.client.document(
            doc_id,
            token,
            lambda answer: self._show(request, answer),
            lambda error: self._failed(request, error),
        )

    def print_document(self) -> None:
        """Print the item's summary with a QR code to the full text (docs/kiosk.md)."""
        if self._doc_id is None or self.ctx.printing is None:
            return
        self.ids.print_button.disabled = True
        request, token = self._request, self.ctx.session.token

        def got(answer: dict[str, Any]) -> None:
            if request != self._request or self.ctx.printing is None:
                return
            self.ids.print_button.disabled = False
            try:
                self.ctx.printing.submit(answer["document"])
            except (KeyError, TypeError, ValueError):
                self.ctx.dialogs.message("这条内容暂时不能打印，请联系工作人员")
                return
            ready = self.ctx.printing.ready
            self.ctx.dialogs.message(PRINTING_DOCUMENT if ready else UNAVAILABLE_MESSAGE)

        def failed(error: ApiError) -> None:
            if request == self._request:
                self.ids.print_button.disabled = False
                self.ctx.nav.show_error(error, then_home=error.code == "session_expired")

        self.ctx.client.print_disclosure(self._doc_id, token, got, failed)

    def zoom_in(self) -> None:
        self._set_zoom(min(self.zoom + ZOOM_STEP, ZOOM_MAX))

    def zoom_out(self) -> None:
        self._set_zoom(max(self.zoom - ZOOM_STEP, ZOOM_MIN))

    def clear_member_data(self) -> None:
        if self._personal:
            self._clear()

    def _clear(self) -> None:
        self._request += 1
        self.ids.print_button.disabled = False
        self.title = self.meta = ""
        self.ids.blocks.clear_widgets()
        self.ids.scroller.scroll_y = 1
        self._personal = False

    def _set_zoom(self, zoom: float) -> None:
        self.zoom = round(zoom, 2)
        for child in self.ids.blocks.children:
            if isinstance(child, DocText):
                child.zoom = self.zoom

    def _show(self, request: int, doc: dict[str, Any]) -> None:
        if request != self._request:
            return
        self.title = doc["title"]
        tier = "" if doc.get("tier") == "public" else f"　{doc.get('tier_label', '')}"
        where = "　".join(str(doc.get(k) or "") for k in ("date", "organization", "category"))
        self.meta = where + tier
        box = self.ids.blocks
        for block in doc.get("blocks", []):
            kind = block.get("type")
            if kind == "image" and block.get("url"):
                image = Image(size_hint_y=None, height=0, fit_mode="contain")
                box.add_widget(image)
                self._fetch_image(request, block["url"], image)
                if block.get("text"):
                    box.add_widget(DocText(text=block["text"], base_size=18, zoom=self.zoom))
            elif kind == "heading":
                box.add_widget(
                    DocText(text=block.get("text", ""), base_size=30, bold=True, zoom=self.zoom)
                )
            else:
                box.add_widget(DocText(text=block.get("text", ""), zoom=self.zoom))
        for attachment in doc.get("attachments", []):
            box.add_widget(
                DocText(
                    text=f"附件：{attachment['name']}（如需纸质版，请到服务窗口索取）",
                    base_size=20,
                    zoom=self.zoom,
                )
            )

    def _fetch_image(self, request: int, url: str, image: Image) -> None:
        def got(data: bytes) -> None:
            texture = texture_from_bytes(data) if request == self._request else None
            if texture is None:
                return
            image.texture = texture
            width = max(self.ids.blocks.width, 1)
            # Full width, up to one and a half widths tall: a portrait document page (a PDF
            # page turned into an image) stays readable and is scrolled, not shrunk.
            image.height = min(texture.height * width / max(texture.width, 1), width * 1.5)

        self.ctx.client.media(url, self.ctx.session.token, got, lambda _error: None)

    def _failed(self, request: int, error: ApiError) -> None:
        if request != self._request:
            return
        if error.code == "session_expired":
            self.ctx.nav.show_error(error, then_home=True)
            return
        self.title = "无法打开这条内容"
        self.ids.blocks.add_widget(DocText(text=error.message, zoom=self.zoom))
