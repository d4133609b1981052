"""The member in front of the counter: the record, this year's ledger month by month, arrears
and the warning, and every desk action (收款, 缴费记录, 党费核定, 办卡/补卡, 挂失, transfers)."""

from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.screens.counter_base import CounterScreen
from kiosk.widgets import MonthCell


class CounterMemberScreen(CounterScreen):
    title_text = StringProperty("")
    info_text = StringProperty("")
    dues_text = StringProperty("")
    warning_text = StringProperty("")
    year_text = StringProperty("")
    archived = BooleanProperty(False)
    has_card = BooleanProperty(False)

    def on_kv_post(self, base_widget: Any) -> None:
        self.cells: list[MonthCell] = []
        for month in range(1, 13):
            cell = MonthCell(month_text=f"{month}月")
            self.cells.append(cell)
            self.ids.months.add_widget(cell)
        self.ledger: dict[str, Any] | None = None

    def show(self, m: dict[str, Any], ledger: dict[str, Any]) -> None:
        self.ledger = ledger
        self.archived = bool(m["archived"])
        self.has_card = m.get("card_state") == "active"
        gone = "（已不在册）" if m["archived"] else ""
        self.title_text = f"{m['name']}　{m['sex']}　{m['birth_date'][:4]}年生{gone}"
        card = (
            f"卡号{m['card_no']}（{m['card_state_label'] or '无在用的卡'}）"
            if m.get("card_no")
            else "未发卡"
        )
        self.info_text = (
            f"身份证号：{m['id_masked']}　{card}　党员编号：{m['member_no'] or '—'}\n"
            f"所在组织：{m['org_name']}　{m['status_label']}党员"
            f"{'（流动党员）' if m.get('floating') else ''}　"
            f"联系电话：{m['phone'] or '未登记'}"
        )
        monthly = f"{m['monthly_dues']} 元" if m.get("monthly_dues") else "待核定"
        self.dues_text = (
            f"每月党费：{monthly}　累计欠交：{m['arrears']} 元（{m['months_owed']} 个月）　"
            f"可预交至：{month_text(ledger)}"
        )
        warning = m.get("warning") or {}
        self.warning_text = warning.get("text", "") if warning.get("level") != "none" else ""
        self.year_text = f"{ledger['year']}年党费台账"
        for cell, month in zip(self.cells, ledger["months"], strict=False):
            cell.state = month["state"]
            cell.state_text = month["state_label"]
            cell.amount_text = month["due"] or ""

    def clear_member_data(self) -> None:
        self.ledger = None
        for name in ("title_text", "info_text", "dues_text", "warning_text", "year_text"):
            setattr(self, name, "")
        for cell in getattr(self, "cells", []):
            cell.clear()

    def open_form(self, name: str) -> None:
        member, ledger = self.counter.member, self.ledger
        if member is None or ledger is None:
            return
        self.counter.screen(name).prepare(member, ledger)
        self.counter.go(name)

    def report_lost(self) -> None:
        member = self.counter.member
        if member is None:
            return
        self.counter.asks.confirm(
            "挂失党员卡",
            f"挂失{member['name']}的党员卡（卡号{member['card_no']}）？挂失后这张卡在所有查询机上立即停用。",
            lambda: self.api.report_lost(int(member["id"]), self._lost),
            ok_text="挂失",
        )

    def _lost(self, card: dict[str, Any]) -> None:
        self.counter.refresh_member()
        self.ctx.dialogs.message(
            f"卡号{card['card_no']}（第{card['issue_seq']}张）已挂失，立即停用"
        )


def month_text(ledger: dict[str, Any]) -> str:
    year, month = str(ledger["advance_until"]).split("-")
    return f"{year}年{int(month)}月"
