"""A member's payments: each with 补打 (the slip marked 补打, counted by the backend) and 作废
(with a reason; the slip number stays used)."""

from __future__ import annotations

from typing import Any

from kivy.metrics import mm
from kivy.properties import StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.screens.counter_base import CounterScreen, month_label
from kiosk.widgets import SecondaryButton, TextLabel


def payment_text(p: dict[str, Any]) -> str:
    months = "、".join(month_label(k) for k in p["months"])
    state = f"　已{p.get('void_kind') or '作废'}（{p['void_reason']}）" if p["voided"] else ""
    if p.get("void_request"):
        state = f"　作废待审批（{p['void_request']['why_approval']}）"
    when = str(p["created_at"]).replace("T", " ")[:16]
    return (
        f"凭条{p['slip_no']}　￥{p['amount']}　{p['method_label']}　{when}　"
        f"经办人{p['operator']}{state}\n{months}"
    )


class CounterHistoryScreen(CounterScreen):
    member_text = StringProperty("")
    result_text = StringProperty("")

    def on_kv_post(self, base_widget: Any) -> None:
        self._member: dict[str, Any] | None = None

    def prepare(self, member: dict[str, Any], _ledger: dict[str, Any] | None = None) -> None:
        self.clear_member_data()
        self._member = member
        self.member_text = f"{member['name']}　{member['org_name']}　缴费记录"
        self.reload()

    def reload(self) -> None:
        if self._member is not None:
            self.result_text = "正在读取…"
            self.api.payments(int(self._member["id"]), self._show)

    def _show(self, answer: dict[str, Any]) -> None:
        box = self.ids.payments
        box.clear_widgets()
        items = answer["items"]
        self.result_text = f"共{len(items)}笔" if items else "没有缴费记录"
        for payment in items:
            row = BoxLayout(size_hint_y=None, spacing=8, height=mm(16))
            text = TextLabel(text=payment_text(payment))
            reprint = SecondaryButton(text="补打", size_hint_x=None, width=130)
            void = SecondaryButton(text="作废", size_hint_x=None, width=130)
            reprint.disabled = void.disabled = bool(payment["voided"])
            reprint.bind(on_release=lambda _b, p=payment: self.reprint(p))
            void.bind(on_release=lambda _b, p=payment: self.void(p))
            text.bind(height=lambda label, h, row=row: setattr(row, "height", max(h, mm(16))))
            for widget in (text, reprint, void):
                row.add_widget(widget)
            box.add_widget(row)

    def reprint(self, payment: dict[str, Any]) -> None:
        def got(slip: dict[str, Any]) -> None:
            job = f"slip-{slip['slip_no']}-reprint-{slip['reprints']}"
            done = f"正在补打凭条{slip['slip_no']}（第{slip['reprints']}次补打）"
            self.counter.print_documents([(job, slip["document"])], done)
            self.reload()

        self.api.reprint_slip(int(payment["id"]), got)

    def void(self, payment: dict[str, Any]) -> None:
        self.counter.asks.reason(
            "作废缴费",
            f"作废凭条{payment['slip_no']}（￥{payment['amount']}）？作废后所缴月份恢复为未交，"
            "凭条编号保留不再使用。请填写作废原因：",
            lambda reason: self.api.void(int(payment["id"]), reason, self._voided),
            ok_text="作废",
        )

    def _voided(self, payment: dict[str, Any]) -> None:
        pending = payment.get("void_request")
        if pending:  # closed or remitted: a 党委 or district desk user must approve (冲正)
            self.ctx.dialogs.message(
                f"凭条{payment['slip_no']}{pending['why_approval']}，作废申请已提交，"
                "待党委或区级工作人员审批后作废（冲正）"
            )
        else:
            self.ctx.dialogs.message(f"凭条{payment['slip_no']}已作废：{payment['void_reason']}")
        self.reload()

    def back(self) -> None:
        self.counter.refresh_member()

    def clear_member_data(self) -> None:
        self._member = None
        self.member_text = self.result_text = ""
        if "payments" in self.ids:
            self.ids.payments.clear_widgets()
