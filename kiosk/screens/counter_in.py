"""区外转入: the incoming 介绍信's data, the receiving branch (inside the user's subtree), and a
blank card tapped to bind at once; the backend creates the member, opens the ledger pending the
党委's assessment and answers the papers: the 接转证明单, the notice to the receiving 党委/总支
and the 新转入党员党费核定通知单.

Keyboard: the first box has the focus; Enter moves to the next box; ↓ walks the branches,
Enter chooses one, Enter again (or Enter in the last box) carries out the transfer after the
question."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.counter.keys import KeyCursor, choose_or_submit
from kiosk.counter.printouts import labels, transfer_jobs
from kiosk.counter.widgets import RowButton
from kiosk.screens.counter_base import CounterScreen

FIELDS = (
    "name",
    "id_number",
    "joined_date",
    "education",
    "phone",
    "from_name",
    "letter_no",
    "paid_to",
    "date",
)
REQUIRED = {
    "name": "姓名",
    "id_number": "身份证号",
    "joined_date": "入党日期",
    "from_name": "转出的党组织",
}


class CounterInScreen(CounterScreen):
    status = StringProperty("full")
    card_text = StringProperty("如当场发卡，请将空白卡放在读卡器上")
    chosen_text = StringProperty("请在下面选择接收的党支部")
    chosen_id = NumericProperty(0)
    in_flight = BooleanProperty(False)

    def on_kv_post(self, base_widget: Any) -> None:
        self._uid: str | None = None
        self.cursor = KeyCursor()

    def on_enter(self, *_args: Any) -> None:
        Clock.schedule_once(lambda _dt: self.ids.name.focus(), 0)

    def key_down(self, key: int) -> bool:
        typing = any(
            getattr(self.ids[name], "ids", {}).get("input") is not None
            and self.ids[name].ids.input.focus
            for name in self.ids
        )
        return choose_or_submit(
            self.cursor, key, typing=typing, chosen=int(self.chosen_id), submit=self.submit
        )

    def on_pre_enter(self, *args: Any) -> None:
        super().on_pre_enter(*args)
        self.api.branches(self._got_branches)

    def _got_branches(self, answer: dict[str, Any]) -> None:
        box = self.ids.branches
        box.clear_widgets()
        rows = []
        for branch in answer["items"]:
            if not branch["in_scope"]:
                continue
            row = RowButton(text=f"{branch['name']}　{branch['parents']}", item_id=branch["id"])
            row.bind(on_release=lambda _r, b=branch: self.choose(b))
            box.add_widget(row)
            rows.append(row)
        self.cursor.reset(rows)

    def choose(self, branch: dict[str, Any]) -> None:
        self.chosen_id = int(branch["id"])
        self.chosen_text = f"接收支部：{branch['name']}（{branch['parents']}）"

    def card_tapped(self, uid: str) -> bool:
        self.api.card_lookup(uid, lambda answer: self._card(uid, answer))
        return True

    def _card(self, uid: str, answer: dict[str, Any]) -> None:
        if answer["state"] == "unknown":
            self._uid = uid
            self.card_text = "已读取空白卡，办理转入时一并发卡"
        else:
            self._uid = None
            self.card_text = f"不能使用这张卡：{answer['message']}"

    def values(self) -> dict[str, str]:
        return {name: self.ids[name].value.strip() for name in FIELDS}

    def submit(self) -> None:
        if self.in_flight:
            return
        v = self.values()
        missing = [label for key, label in REQUIRED.items() if not v[key]]
        if missing or not self.chosen_id:
            self.ctx.dialogs.message(
                "请填写" + "、".join(missing + ([] if self.chosen_id else ["接收的党支部"]))
            )
            return
        body = {
            "org_id": self.chosen_id,
            "from_name": v["from_name"],
            "letter_no": v["letter_no"] or None,
            "date": v["date"] or None,
            "paid_to": v["paid_to"] or None,
            "card_uid": self._uid,
            "member": {
                "name": v["name"],
                "id_number": v["id_number"],
                "joined_date": v["joined_date"],
                "status": self.status,
                "education": v["education"] or None,
                "phone": v["phone"] or None,
            },
        }
        card = "，同时发卡" if self._uid else "，暂不发卡"
        self.counter.asks.confirm(
            "确认区外转入",
            f"{v['name']}由{v['from_name']}转入{self.chosen_text.removeprefix('接收支部：')}{card}？\n"
            "每月党费待所在党委核定。",
            lambda: self._send(body),
            ok_text="办理转入",
        )

    def _send(self, body: dict[str, Any]) -> None:
        self.in_flight = True
        self.api.transfer("in", body, self._done, self._failed)

    def _done(self, result: dict[str, Any]) -> None:
        self.in_flight = False
        t = result["transfer"]
        done = (
            f"转入完成：{t['name']}，党员编号{t['new_member_no']}，卡号{t['card_no']}。\n"
            f"正在打印：{labels(result)}"
        )
        self.clear_member_data()
        self.counter.open_member(int(t["member_id"]))
        self.counter.print_documents(transfer_jobs(result), done)

    def _failed(self, error: Any) -> None:
        self.in_flight = False
        self.counter.show_error(error)

    def clear_member_data(self) -> None:
        self._uid = None
        self.in_flight = False
        self.status = "full"
        self.card_text = "如当场发卡，请将空白卡放在读卡器上"
        self.chosen_text = "请在下面选择接收的党支部"
        self.chosen_id = 0
        if "name" in self.ids:
            for name in FIELDS:
                self.ids[name].clear()
