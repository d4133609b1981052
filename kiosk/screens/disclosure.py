"""党务公开: categories on the left, a document list on the right that stays fluid with
thousands of items (a RecycleView fed page by page as the reader scrolls down).

Without a card only "to society" items show; after a member's tap the list is reloaded with
the session token and also holds that member's organization's member-only items. When the
member leaves, a personal list is dropped at once.

The list is asked for again each time the board is opened and every ``refresh_seconds`` while it
shows (the backend lets a public answer be reused for 30 s). The kiosk sends the ETag it holds,
so an unchanged board costs a 304 and no redraw; a changed first page replaces the list, newest
first, as the backend orders it.
"""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import (
    BooleanProperty,
    ListProperty,
    NumericProperty,
    ObjectProperty,
    StringProperty,
)
from kivy.uix.behaviors import ButtonBehavior
from kivy.uix.boxlayout import BoxLayout

from kiosk.client import ApiError
from kiosk.content import document_row
from kiosk.screens.base import KioskScreen

PER_PAGE = 50
MEMBER_NOTICE = "已刷卡：同时显示您所在组织的党内公开内容"
PUBLIC_NOTICE = "刷党员卡可查看本组织党内公开内容"
LOAD_MORE_AT = 0.15  # scroll_y below which the next page is fetched
REFRESH_SECONDS = 30.0


class DocRow(ButtonBehavior, BoxLayout):
    doc_id = NumericProperty(0)
    title = StringProperty("")
    meta = StringProperty("")
    summary = StringProperty("")
    opener = ObjectProperty(None, allownone=True)

    def on_release(self) -> None:
        if self.opener is not None:
            self.opener(self.doc_id)


class CategoryButton(ButtonBehavior, BoxLayout):
    text = StringProperty("")
    code = StringProperty("")
    selected = BooleanProperty(False)


class DisclosureScreen(KioskScreen):
    heading = StringProperty("党务公开")
    notice = StringProperty("")
    empty_text = StringProperty("")
    categories = ListProperty([])
    category = StringProperty("")
    refresh_seconds = NumericProperty(REFRESH_SECONDS)

    def on_kv_post(self, base_widget: Any) -> None:
        if not self.ctx.config.shows_member:
            self.ids.actions.remove_widget(self.ids.member_button)
        self._page = 0
        self._pages = 0
        self._loading = False
        self._loaded_for: tuple[str, str | None] | None = None
        self._request = 0
        self._first_page: dict[str, Any] | None = None
        self._refresher: Any = None

    def on_pre_enter(self, *_args: object) -> None:
        token = self.ctx.session.token
        if self._loaded_for is None or self._loaded_for[1] != token:
            self.reload()
        else:
            self.refresh()
        self.notice = MEMBER_NOTICE if token else PUBLIC_NOTICE

    def on_enter(self, *_args: object) -> None:
        self._stop_refreshing()
        self._refresher = Clock.schedule_interval(lambda _dt: self.refresh(), self.refresh_seconds)

    def on_leave(self, *_args: object) -> None:
        self._stop_refreshing()

    def refresh(self) -> None:
        """Ask again for the counts and the first page; nothing changes on screen unless they
        did. A reader who scrolled further gets the whole list again only if page 1 changed."""
        if self._loading or self._loaded_for is None:
            return
        token = self.ctx.session.token
        request = self._request
        self.ctx.client.categories(token, self._got_categories, lambda _error: None)
        self.ctx.client.documents(
            self.category or None,
            1,
            PER_PAGE,
            token,
            lambda answer: self._refreshed(request, answer),
            lambda _error: None,  # the offline banner tells; the list shown stays
        )

    def _refreshed(self, request: int, answer: dict[str, Any]) -> None:
        if request != self._request or self._same_page(answer):
            return
        if self._page > 1:
            self.reload()
            return
        self._request += 1
        self._got_page(self._request, answer)

    def _same_page(self, answer: dict[str, Any]) -> bool:
        if self._first_page is None:
            return False
        return all(answer.get(k) == self._first_page.get(k) for k in ("items", "total", "pages"))

    def _stop_refreshing(self) -> None:
        if self._refresher is not None:
            self._refresher.cancel()
            self._refresher = None

    def reload(self) -> None:
        self.ids.documents.data = []
        self._page = self._pages = 0
        self._first_page = None
        self._loaded_for = (self.category, self.ctx.session.token)
        self.ctx.client.categories(self.ctx.session.token, self._got_categories, self._failed)
        self._load_page(1)

    def choose(self, code: str) -> None:
        if code == self.category:
            return
        self.category = code
        for button in self.ids.category_list.children:
            button.selected = button.code == code
        self.reload()

    def scrolled(self, scroll_y: float) -> None:
        if scroll_y < LOAD_MORE_AT and not self._loading and self._page < self._pages:
            self._load_page(self._page + 1)

    def clear_member_data(self) -> None:
        """A member's list may hold member-only items: forget it, reload when shown again."""
        if self._loaded_for is not None and self._loaded_for[1] is not None:
            self.ids.documents.data = []
            self._loaded_for = None
            self._first_page = None
            self._request += 1
            self._loading = False

    def _load_page(self, page: int) -> None:
        self._loading = True
        self._request += 1
        request = self._request
        token = self.ctx.session.token
        self.ctx.client.documents(
            self.category or None,
            page,
            PER_PAGE,
            token,
            lambda answer: self._got_page(request, answer),
            lambda error: self._page_failed(request, error),
        )

    def _got_categories(self, answer: dict[str, Any]) -> None:
        total = answer.get("total", 0)
        items = [{"code": "", "text": f"全部（{total}）"}]
        items += [
            {"code": c["code"], "text": f"{c['name']}（{c['count']}）"}
            for c in answer.get("categories", [])
        ]
        if items == self.categories:
            return
        self.categories = items
        box = self.ids.category_list
        box.clear_widgets()
        for item in items:
            button = CategoryButton(text=item["text"], code=item["code"])
            button.selected = item["code"] == self.category
            button.bind(on_release=lambda b: self.choose(b.code))
            box.add_widget(button)

    def _got_page(self, request: int, answer: dict[str, Any]) -> None:
        if request != self._request:
            return  # a later choice or a leaving member made this answer stale
        self._loading = False
        self._page = int(answer.get("page", 1))
        self._pages = int(answer.get("pages", 0))
        opener = self.ctx.nav.open_document
        rows = [dict(document_row(item), opener=opener) for item in answer["items"]]
        if self._page == 1:
            self._first_page = answer
            self.ids.documents.data = rows
        else:
            self.ids.documents.data.extend(rows)
        chosen = answer.get("category")
        self.heading = f"党务公开 · {chosen['name']}" if chosen else "党务公开"
        self.empty_text = "" if self.ids.documents.data else "本栏目暂无公开内容"

    def _page_failed(self, request: int, error: ApiError) -> None:
        if request == self._request:
            self._loading = False
            self._failed(error)

    def _failed(self, error: ApiError) -> None:
        if error.code == "session_expired":
            self.ctx.nav.show_error(error, then_home=True)
        elif error.offline:
            self.empty_text = error.message
        else:
            self.empty_text = error.message
