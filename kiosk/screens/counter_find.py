"""Find a member: by a card tap, or by name, card number, member number or ID number typed on
the counter's keyboard. Each hit shows enough to tell two 张伟 apart (sex, birth year, masked
ID number, card number, branch).

Keyboard: the search box has the focus; Enter searches; ↓ walks the results, Enter opens the
highlighted one, ↑ from the first result goes back to the box."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import StringProperty

from kiosk.counter.keys import ARROWS, ENTER_KEYS, UP, KeyCursor
from kiosk.counter.widgets import RowButton
from kiosk.screens.counter_base import CounterScreen


def hit_text(hit: dict[str, Any]) -> str:
    card = f"卡号{hit['card_no']}" if hit.get("card_no") else "未发卡"
    gone = "　（已不在册）" if hit.get("archived") else ""
    return (
        f"{hit['name']}　{hit['sex']}　{hit['birth_year']}年生　身份证{hit['id_masked']}　{card}\n"
        f"{hit['org_name']}　{hit['status_label']}党员{gone}"
    )


class CounterFindScreen(CounterScreen):
    result_text = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        self._request = 0
        self.cursor = KeyCursor()

    def on_enter(self, *_args: Any) -> None:
        Clock.schedule_once(lambda _dt: self.ids.query.focus(), 0)

    def clear_member_data(self) -> None:
        self._request += 1
        self.result_text = ""
        self.cursor.reset([])
        if "query" in self.ids:
            self.ids.query.clear()
            self.ids.results.clear_widgets()

    def search(self) -> None:
        q = self.ids.query.value.strip()
        if not q:
            self.result_text = "请输入姓名、卡号、党员编号或身份证号"
            return
        self._request += 1
        request = self._request
        self.result_text = "正在查找…"
        self.api.search(q, lambda answer: self._show(request, answer))

    def _show(self, request: int, answer: dict[str, Any]) -> None:
        if request != self._request:
            return
        hits = answer["items"]
        box = self.ids.results
        box.clear_widgets()
        self.result_text = (
            f"找到{len(hits)}名党员（可用↓选择，回车打开）" if hits else "没有找到符合条件的党员"
        )
        rows = []
        for hit in hits:
            row = RowButton(text=hit_text(hit), item_id=int(hit["id"]))
            row.bind(on_release=lambda r: self.counter.open_member(r.item_id))
            box.add_widget(row)
            rows.append(row)
        self.cursor.reset(rows)

    def key_down(self, key: int) -> bool:
        box = self.ids.query.ids.input
        if key in ARROWS:
            moved = self.cursor.move(key)
            if moved:
                box.focus = False
            elif key == UP:
                box.focus = True  # ↑ from the first result: back to the box
            return moved
        if key in ENTER_KEYS and self.cursor.current is not None and not box.focus:
            self.counter.open_member(self.cursor.current.item_id)
            return True
        return False
