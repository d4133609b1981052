"""收款: the owed months (and months in advance, up to the limit the backend gives), chosen one
by one or "oldest first" by count; cash or bank transfer; a confirmation showing payer, months,
total and method; then the 缴费凭条 printed.

Keyboard: the arrow keys move through the months, Space chooses or drops the highlighted one,
+ / − choose oldest first, Enter takes the payment (its question is answered with Enter too).

The request always names the months shown (see :meth:`_send`). One idempotency key per
payment form: a double tap, or a retry after a lost answer, charges once (the backend answers
the original payment). The 收款 button is disabled while in flight.
"""

from __future__ import annotations

import uuid
from typing import Any

from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.client import ApiError
from kiosk.counter.keys import ENTER_KEYS, MINUS_KEYS, PLUS_KEYS, SPACE, KeyCursor
from kiosk.counter.widgets import MonthChoice
from kiosk.screens.counter_base import CounterScreen, fen_to_yuan, month_label, yuan_to_fen

METHODS = {"cash": "现金", "bank": "银行转账"}
PAYABLE = ("unpaid", "not_due")
NOT_SHOWN = "页面上的党员已变更，这笔收款没有提交：请重新打开党员，核对后再收款"


def month_keys_after(first: str, last: str) -> list[str]:
    """Every "YYYY-MM" from ``first`` to ``last`` inclusive."""
    y, m = (int(p) for p in first.split("-"))
    end = tuple(int(p) for p in last.split("-"))
    keys = []
    while (y, m) <= end:
        keys.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return keys


class CounterPayScreen(CounterScreen):
    member_text = StringProperty("")
    total_text = StringProperty("")
    change_text = StringProperty("")
    method = StringProperty("cash")
    count = NumericProperty(0)
    in_flight = BooleanProperty(False)

    def on_kv_post(self, base_widget: Any) -> None:
        self.key = ""
        self.total_fen = 0
        self.choices: list[MonthChoice] = []
        self._member: dict[str, Any] | None = None
        self.cursor = KeyCursor(cols=self.ids.months.cols)

    def prepare(self, member: dict[str, Any], ledger: dict[str, Any]) -> None:
        self.clear_member_data()
        self.key = uuid.uuid4().hex  # once per form: every retry of this form reuses it
        self._member = member
        self.member_text = f"{member['name']}　{member['org_name']}　卡号{member['card_no'] or '—'}"
        self.method = "cash"
        self.ids.tendered.clear()
        earlier = sorted({k[:4] for k in ledger["unpaid_months"] if int(k[:4]) < ledger["year"]})
        self._ledgers = {ledger["year"]: ledger}
        if earlier:
            for year in earlier:
                self.api.ledger(int(member["id"]), int(year), self._got_year)
        self._build()

    def _got_year(self, ledger: dict[str, Any]) -> None:
        if self._member is not None and ledger["member_id"] == self._member["id"]:
            self._ledgers[ledger["year"]] = ledger
            self._build()

    def _build(self) -> None:
        """Owed months first (oldest first), then this month on up to the advance limit."""
        current = self._ledgers[max(self._ledgers)]
        months = {m["month"]: m for ledger in self._ledgers.values() for m in ledger["months"]}
        keys = list(current["unpaid_months"])
        this_year = [m["month"] for m in current["months"] if m["state"] in PAYABLE]
        if this_year:
            keys += [k for k in month_keys_after(this_year[0], current["advance_until"])]
        keys = sorted(dict.fromkeys(keys))
        box = self.ids.months
        box.clear_widgets()
        self.choices = []
        for key in keys:
            month = months.get(key)
            if month is not None and month["state"] not in PAYABLE:
                continue
            due = (month or {}).get("due") or current["monthly_dues"] or ""
            label = (month or {}).get("state_label") or "预交"
            cell = MonthChoice(month_text=month_label(key), key=key, amount_text=due)
            cell.state_text = label
            cell.ledger_state = (month or {}).get("state", "not_due")
            cell.bind(on_release=self._toggle)
            self.choices.append(cell)
            box.add_widget(cell)
        self.count = 0
        self.cursor.reset(self.choices)
        self._update()

    def key_down(self, key: int) -> bool:
        if self.cursor.move(key):
            return True
        if key == SPACE and self.cursor.current is not None:
            self._toggle(self.cursor.current)
        elif key in PLUS_KEYS or key in MINUS_KEYS:
            self.oldest_first(1 if key in PLUS_KEYS else -1)
        elif key in ENTER_KEYS:
            self.take()
        else:
            return False
        return True

    def _toggle(self, cell: MonthChoice) -> None:
        cell.chosen = not cell.chosen
        self.count = sum(1 for c in self.choices if c.chosen)
        self._update()

    def oldest_first(self, step: int) -> None:
        """− / + : choose the N oldest months."""
        self.count = max(0, min(len(self.choices), int(self.count) + step))
        for n, cell in enumerate(self.choices):
            cell.chosen = n < self.count
        self._update()

    def _chosen(self) -> list[MonthChoice]:
        return [c for c in self.choices if c.chosen]

    def _update(self) -> None:
        chosen = self._chosen()
        total = sum(yuan_to_fen(c.amount_text) or 0 for c in chosen)
        self.total_fen = total
        self.total_text = (
            f"已选{len(chosen)}个月，合计 ￥{fen_to_yuan(total)}"
            if chosen
            else "请选择要缴纳的月份"
        )
        self.show_change()

    def _tendered(self) -> str:
        """实收 as typed (cash only); the backend checks it covers the total."""
        return self.ids.tendered.value.strip() if self.method == "cash" else ""

    def show_change(self) -> None:
        """找零 as a help to the clerk; the slip prints the backend's figure."""
        fen = yuan_to_fen(self._tendered()) if self._tendered() else None
        if fen is None or not self.total_fen:
            self.change_text = ""
        elif fen < self.total_fen:
            self.change_text = "实收不足"
        else:
            self.change_text = f"找零 ￥{fen_to_yuan(fen - self.total_fen)}"

    def take(self) -> None:
        chosen = self._chosen()
        member = self._member
        if self.in_flight or member is None:
            return
        if not chosen:
            self.ctx.dialogs.message("请选择要缴纳的月份")
            return
        months = "、".join(month_label(c.key) for c in chosen)
        cash = f"\n实收：￥{self._tendered()}　{self.change_text}" if self._tendered() else ""
        self.counter.asks.confirm(
            "确认收款",
            f"缴费人：{member['name']}（{member['org_name']}）\n缴费月份：{months}\n"
            f"合计：￥{fen_to_yuan(self.total_fen)}\n缴费方式：{METHODS[self.method]}{cash}",
            self._send,
            ok_text="确认收款",
        )

    def _send(self) -> None:
        member = self._member
        if self.in_flight or member is None:
            return
        shown = self.counter.member
        if shown is None or shown.get("id") != member.get("id"):
            # The card-tap guard keeps this from happening; never charge a member not shown.
            self.ctx.dialogs.message(NOT_SHOWN)
            return
        body: dict[str, Any] = {
            "method": self.method,
            "expected_total": fen_to_yuan(self.total_fen),
            "idempotency_key": self.key,
        }
        # Always the months on screen, even when chosen "oldest first": a count would charge
        # whatever is oldest when the request lands, and with two counters serving the same
        # member that could be months nobody here saw.
        body["months"] = [c.key for c in self._chosen()]
        if self._tendered():
            body["tendered"] = self._tendered()
        self.in_flight = True
        self.api.pay(int(member["id"]), body, self._paid, self._failed)

    def _paid(self, payment: dict[str, Any]) -> None:
        self.in_flight = False
        slip = payment["slip_no"]
        done = (
            f"收款成功：凭条编号{slip}，合计￥{payment['amount']}（{payment['amount_capitals']}）"
        )
        if payment.get("change") is not None:
            done += f"，实收￥{payment['tendered']}，找零￥{payment['change']}"
        self.counter.refresh_member()
        if payment.get("document"):
            self.counter.print_documents([(f"slip-{slip}", payment["document"])], done)

    def _failed(self, error: ApiError) -> None:
        self.in_flight = False
        self.counter.show_error(error)

    def clear_member_data(self) -> None:
        self._member = None
        self.in_flight = False
        self.member_text = self.total_text = self.change_text = ""
        self.choices = []
        if hasattr(self, "cursor"):
            self.cursor.reset([])
        self.count = 0
        self.total_fen = 0
        if "months" in self.ids:
            self.ids.months.clear_widgets()
            self.ids.tendered.clear()
