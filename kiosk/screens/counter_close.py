"""日结: the signed-in clerk's day — slips issued, valid payments by method, voids and
corrections (冲正) — as the backend states it; "日结并打印" closes the day and prints the 日结单,
"补打日结单" prints it again marked 补打. After the close the backend takes no more payments
from this clerk today. The figures are the backend's (docs/day-close.md); nothing is summed here.
"""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.client import ApiError
from kiosk.screens.counter_base import CounterScreen


def close_text(c: dict[str, Any]) -> str:
    slips = f"{c['first_slip']}—{c['last_slip']}" if c["first_slip"] else "无"
    state = f"已日结（{str(c['closed_at']).replace('T', ' ')[:16]}）" if c["closed"] else "未日结"
    lines = [
        f"{c['hall_day']}　经办人{c['operator']}　{state}",
        f"凭条号段：{slips}（共{c['slip_count']}张）　有效缴费：{c['payment_count']}笔",
        f"现金：￥{c['cash']}（实收￥{c['tendered']}，找零￥{c['change']}）　"
        f"银行转账：￥{c['bank']}　合计：￥{c['total']}",
        f"当日作废：{c['void_count']}笔 ￥{c['void_total']}　"
        f"冲正：{c['correction_count']}笔 ￥{c['correction_total']}",
        f"应交现金：￥{c['net_cash']}　银行到账：￥{c['net_bank']}",
    ]
    for line in c["voids"]:
        lines.append(f"作废　凭条{line['slip_no']}　￥{line['amount']}　{line['reason']}")
    for line in c["corrections"]:
        lines.append(
            f"冲正　凭条{line['slip_no']}　￥-{line['amount']}　{line['reason']}"
            f"（{line['approved_by']}批准）"
        )
    return "\n".join(lines)


class CounterCloseScreen(CounterScreen):
    summary_text = StringProperty("")
    closed = BooleanProperty(False)
    in_flight = BooleanProperty(False)

    def on_kv_post(self, base_widget: Any) -> None:
        self._close: dict[str, Any] | None = None

    def on_pre_enter(self, *args: Any) -> None:
        super().on_pre_enter(*args)
        self.reload()

    def reload(self) -> None:
        self.summary_text = "正在读取…"
        self.api.day_close(self._show)

    def _show(self, answer: dict[str, Any]) -> None:
        self.in_flight = False
        self._close = answer
        self.closed = bool(answer["closed"])
        self.summary_text = close_text(answer)

    def close_day(self) -> None:
        if self.in_flight or self._close is None or self.closed:
            return
        c = self._close
        self.counter.asks.confirm(
            "确认日结",
            f"{c['hall_day']}　有效缴费{c['payment_count']}笔，现金￥{c['cash']}，"
            f"银行转账￥{c['bank']}，应交现金￥{c['net_cash']}。\n日结后今天不能再收款，确认日结？",
            self._send,
            ok_text="日结并打印",
        )

    def _send(self) -> None:
        self.in_flight = True
        self.api.close_day(self._closed, self._failed)

    def _closed(self, answer: dict[str, Any]) -> None:
        self._show(answer)
        job = f"day-close-{answer['hall_day']}-{answer['operator']}"
        self.counter.print_documents([(job, answer["document"])], "已日结，正在打印日结单")

    def reprint(self) -> None:
        if self._close is None or self._close.get("id") is None:
            return

        def got(answer: dict[str, Any]) -> None:
            self._show(answer)
            count = int(answer["prints"]) - 1
            job = f"day-close-{answer['hall_day']}-{answer['operator']}-reprint-{count}"
            self.counter.print_documents(
                [(job, answer["document"])], f"正在补打日结单（第{count}次补打）"
            )

        self.api.reprint_day_close(int(self._close["id"]), got)

    def _failed(self, error: ApiError) -> None:
        self.in_flight = False
        self.counter.show_error(error)
        self.reload()

    def clear_member_data(self) -> None:
        """The day's figures are the clerk's, not a member's; a lock forgets them all the same."""
        self._close = None
        self.closed = self.in_flight = False
        self.summary_text = ""
