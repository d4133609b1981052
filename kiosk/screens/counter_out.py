"""转出区外: the letter's fields (receiving organization, addressee, validity in days — the
backend holds the 90-day cap — and the date), confirm; the backend issues the three-part
组织关系介绍信, archives the member and closes the ledger, all in one transaction.

Keyboard: the first box has the focus; Enter moves to the next box, Enter in the last one
issues the letter after the question."""

from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, StringProperty

from kiosk.counter.printouts import labels, transfer_jobs
from kiosk.screens.counter_base import CounterScreen

DEFAULT_DAYS = "30"


class CounterOutScreen(CounterScreen):
    member_text = StringProperty("")
    allow_shortfall = BooleanProperty(False)
    in_flight = BooleanProperty(False)

    def on_kv_post(self, base_widget: Any) -> None:
        self._member: dict[str, Any] | None = None

    def on_enter(self, *_args: Any) -> None:
        Clock.schedule_once(lambda _dt: self.ids.to_name.focus(), 0)

    def prepare(self, member: dict[str, Any], _ledger: dict[str, Any] | None = None) -> None:
        self.clear_member_data()
        self._member = member
        self.member_text = (
            f"{member['name']}　{member['org_name']}　累计欠交：{member['arrears']} 元"
        )
        self.ids.days.set(DEFAULT_DAYS)

    def submit(self) -> None:
        member = self._member
        if member is None or self.in_flight:
            return
        to_name = self.ids.to_name.value.strip()
        days = self.ids.days.value.strip()
        if not to_name:
            self.ctx.dialogs.message("请填写转往的党组织")
            return
        if not days.isdigit():
            self.ctx.dialogs.message("有效期请填写天数")
            return
        body = {
            "member_id": member["id"],
            "to_name": to_name,
            "addressee": self.ids.addressee.value.strip() or None,
            "valid_days": int(days),
            "date": self.ids.date.value.strip() or None,
            "allow_shortfall": self.allow_shortfall,
        }
        self.counter.asks.confirm(
            "确认转出区外",
            f"为{member['name']}开具组织关系介绍信，转往{to_name}，有效期{days}天？\n"
            "转出后该党员移入删除党员库，党费台账随之调整。",
            lambda: self._send(body),
            ok_text="开具介绍信",
        )

    def _send(self, body: dict[str, Any]) -> None:
        self.in_flight = True
        self.api.transfer("out", body, self._done, self._failed)

    def _done(self, result: dict[str, Any]) -> None:
        self.in_flight = False
        t = result["transfer"]
        done = f"已转出：{t['name']}转往{t['to_name']}。\n正在打印：{labels(result)}"
        self.counter.refresh_member()
        self.counter.print_documents(transfer_jobs(result), done)

    def _failed(self, error: Any) -> None:
        self.in_flight = False
        self.counter.show_error(error)

    def clear_member_data(self) -> None:
        self._member = None
        self.in_flight = self.allow_shortfall = False
        self.member_text = ""
        if "to_name" in self.ids:
            for field in ("to_name", "addressee", "days", "date"):
                self.ids[field].clear()
