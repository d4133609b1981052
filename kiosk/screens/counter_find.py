"""Find a member: by a card tap, or by name, card number, member number or ID number typed on
the counter's keyboard. Each hit shows enough to tell two 张伟 apart (sex, birth year, masked
ID number, card number, branch)."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import StringProperty

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

    def on_enter(self, *_args: Any) -> None:
        Clock.schedule_once(lambda _dt: self.ids.query.focus(), 0)

    def clear_member_data(self) -> None:
        self._request += 1
        self.result_text = ""
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
        self.result_text = f"找到{len(hits)}名党员" if hits else "没有找到符合条件的党员"
        for hit in hits:
            row = RowButton(text=hit_text(hit), item_id=int(hit["id"]))
            row.bind(on_release=lambda r: self.counter.open_member(r.item_id))
            box.add_widget(row)
